import { mixingTransform, type MixOptions } from './mixup.js';
import type { BatchTransform } from './transform.js';

/**
 * CutMix (Yun et al. 2019) as a batch transform: λ ~ Beta(α, α); a box of side ratio √(1−λ)
 * centred at a uniform pixel (clipped at the border) is pasted from partner π(i); targets are mixed
 * with the box's actual area share, `λ' = 1 − area / (H·W)`. Draws: apply?, λ, π, centre row, centre column.
 */
export function cutmix(options: MixOptions = {}): BatchTransform & { lastLambda: number } {
  return mixingTransform('cutmix', options, (batch, rng) => {
    const { height: H, width: W } = batch;
    const lam = rng.beta(options.alpha ?? 1, options.alpha ?? 1);
    const perm = rng.permutation(batch.batchSize);
    const ratio = Math.sqrt(1 - lam);
    const ch = Math.floor(H * ratio);
    const cw = Math.floor(W * ratio);
    const cy = rng.int(H);
    const cx = rng.int(W);
    const y0 = Math.max(0, cy - Math.floor(ch / 2));
    const y1 = Math.min(H, cy + Math.floor(ch / 2));
    const x0 = Math.max(0, cx - Math.floor(cw / 2));
    const x1 = Math.min(W, cx + Math.floor(cw / 2));
    const x = batch.images;
    const images = x.slice();
    const d = H * W * 3;
    for (let i = 0; i < batch.batchSize; i++) {
      const a = i * d;
      const b = perm[i] * d;
      for (let y = y0; y < y1; y++) {
        const rs = (y * W + x0) * 3;
        const re = (y * W + x1) * 3;
        images.set(x.subarray(b + rs, b + re), a + rs);
      }
    }
    // Targets follow the box's actual (border-clipped) area share.
    return { images, perm, lambda: 1 - ((y1 - y0) * (x1 - x0)) / (H * W) };
  });
}

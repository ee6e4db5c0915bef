import { describe, expect, it } from 'vitest';
import { ARCHS, countFlops } from './arch.js';

// Published multiply-add counts per image (forward), e.g. torchvision's model card for ResNet-50
// (4.09 G), the He et al. CIFAR ResNet-20 (≈ 41 M), CIFAR ResNet-18 with a 3×3 stem (≈ 0.56 G).
const PUBLISHED_MACS: Record<string, number> = { resnet20: 41e6, resnet18: 0.557e9, resnet50: 4.09e9 };

describe('FLOP count from the architecture', () => {
  for (const [name, macs] of Object.entries(PUBLISHED_MACS)) {
    it(`${name}: forward multiply-adds within 3% of the published figure`, () => {
      const f = countFlops(ARCHS[name]);
      expect(Math.abs(f.forward / 2 / macs - 1)).toBeLessThan(0.03);
      expect(f.train).toBeGreaterThan(2.9 * f.forward);
      expect(f.train).toBeLessThan(3 * f.forward);
      expect(f.pgd10).toBeCloseTo(20 * f.forward, -3);
    });
  }

  it('parameter counts equal @cnn/models (so the FLOPs are those of the timed networks)', async () => {
    const { createModel } = (await import('@cnn/models' as string)) as {
      createModel: (n: string, o: object) => { numParameters(): number; dispose(): void };
    };
    const { initBackend } = await import('@cnn/backend');
    await initBackend('cpu');
    for (const [name, spec] of Object.entries(ARCHS)) {
      const m = createModel(name, { numClasses: spec.numClasses, stem: spec.stem });
      expect(countFlops(spec).params, name).toBe(m.numParameters());
      m.dispose();
    }
  });
});

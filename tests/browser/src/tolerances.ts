/**
 * How close each browser backend must come to Node's tfjs-backend-cpu (float32), and why.
 *
 * - cpu: the same JavaScript kernels in another V8 — observed bit-identical; 1e-6 leaves room for
 *   a V8 whose Math.exp rounds differently.
 * - wasm: XNNPACK and @cnn/backend's SIMD kernels (Winograd convolutions, fused multiply-adds in
 *   Chromium) sum in another order — observed ≈ 3e-7 (logits), ≈ 2e-6 (input gradient).
 * - webgl, webgpu: float32 shaders (here on SwiftShader), other accumulation order and the GPU's
 *   own exp/log — observed ≈ 2e-7 / 4e-7 on SwiftShader; real GPUs may run transcendental
 *   functions less exactly, hence 1e-4 / 1e-3. A wrong kernel gives errors of order 1.
 *
 * Logits and gradients: max |got − want| / max |want|. Attacks: pixels whose gradient is ≈ 0 can
 * take the other sign on another backend — at most `flippedPixels` of them (observed: 2 of 9,216 on
 * wasm, none elsewhere), each moved by at most 2ε; every other pixel within 1e-5. Calibration
 * metrics (float64 JS on the logits): absolute, relative above 1.
 */
export type BrowserBackend = 'cpu' | 'wasm' | 'webgl' | 'webgpu';

export interface Tolerance {
  logits: number;
  gradient: number;
  flippedPixels: number;
  calibration: number;
}

export const TOLERANCES: Record<BrowserBackend, Tolerance> = {
  cpu: { logits: 1e-6, gradient: 1e-6, flippedPixels: 0.002, calibration: 1e-6 },
  wasm: { logits: 1e-5, gradient: 1e-4, flippedPixels: 0.002, calibration: 1e-5 },
  webgl: { logits: 1e-4, gradient: 1e-3, flippedPixels: 0.002, calibration: 1e-4 },
  webgpu: { logits: 1e-4, gradient: 1e-3, flippedPixels: 0.002, calibration: 1e-4 },
};

/** Pixels that differ by more than 1e-5 between two images, and the largest difference. */
export function differingPixels(got: number[], want: number[]): { count: number; max: number } {
  if (got.length !== want.length) throw new Error(`differingPixels: ${got.length} values against ${want.length}`);
  let count = 0;
  let max = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (d > 1e-5) count++;
    max = Math.max(max, d);
  }
  return { count, max };
}

/**
 * Training (`training.test.ts`): six SGD steps of a tiny ResNet, losses compared with max relative
 * error. `sameBackend`: a run against itself stopped and resumed from its checkpoint on the same
 * backend — deterministic kernels give the same numbers, so only rounding room. `againstNode`: the
 * page's losses against Node's tfjs-backend-cpu; the differences of one forward pass (see
 * TOLERANCES) feed through the weight updates and grow with each step. Observed: cpu 0, wasm
 * 8.5e-8, webgl on SwiftShader 0; 1e-3 leaves room for real GPUs. A lost update or a resume at
 * the wrong step changes the losses by far more (the loss moves by ≈ 1e-2 per step here).
 */
export const TRAINING_TOLERANCES: Record<Exclude<BrowserBackend, 'webgpu'>, { sameBackend: number; againstNode: number }> = {
  cpu: { sameBackend: 0, againstNode: 1e-6 },
  wasm: { sameBackend: 0, againstNode: 1e-3 },
  webgl: { sameBackend: 0, againstNode: 1e-3 },
};

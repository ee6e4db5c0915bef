import type { CorruptionTable } from './table.js';

/** The constants of make_cifar_c.py (hendrycks/robustness), for 32×32 images. */
export const CIFAR_TABLE: CorruptionTable = {
  name: 'cifar',
  size: 32,
  gaussianNoise: [0.04, 0.06, 0.08, 0.09, 0.1],
  shotNoise: [500, 250, 100, 75, 50],
  impulseNoise: [0.01, 0.02, 0.03, 0.05, 0.07],
  speckleNoise: [0.06, 0.1, 0.12, 0.16, 0.2],
  gaussianBlur: [0.4, 0.6, 0.7, 0.8, 1],
  glassBlur: [
    [0.05, 1, 1],
    [0.25, 1, 1],
    [0.4, 1, 1],
    [0.25, 1, 2],
    [0.4, 1, 2],
  ],
  defocusBlur: [
    [0.3, 0.4],
    [0.4, 0.5],
    [0.5, 0.6],
    [1, 0.2],
    [1.5, 0.1],
  ],
  motionBlur: [
    [6, 1],
    [6, 1.5],
    [6, 2],
    [8, 2],
    [9, 2.5],
  ],
  // np.arange(1, 1.06, 0.01) … np.arange(1, 1.26, 0.01): each includes its end point by rounding.
  zoomBlur: [arangeFactors(7, 0.01), arangeFactors(12, 0.01), arangeFactors(16, 0.01), arangeFactors(21, 0.01), arangeFactors(26, 0.01)],
  fog: [
    [0.2, 3],
    [0.5, 3],
    [0.75, 2.5],
    [1, 2],
    [1.5, 1.75],
  ],
  fogMapSize: 32,
  frost: [
    [1, 0.2],
    [1, 0.3],
    [0.9, 0.4],
    [0.85, 0.4],
    [0.75, 0.45],
  ],
  snow: [
    [0.1, 0.2, 1, 0.6, 8, 3, 0.95],
    [0.1, 0.2, 1, 0.5, 10, 4, 0.9],
    [0.15, 0.3, 1.75, 0.55, 10, 4, 0.9],
    [0.25, 0.3, 2.25, 0.6, 12, 6, 0.85],
    [0.3, 0.3, 1.25, 0.65, 14, 12, 0.8],
  ],
  spatter: [
    [0.62, 0.1, 0.7, 0.7, 0.5, 0],
    [0.65, 0.1, 0.8, 0.7, 0.5, 0],
    [0.65, 0.3, 1, 0.69, 0.5, 0],
    [0.65, 0.1, 0.7, 0.69, 0.6, 1],
    [0.65, 0.1, 0.5, 0.68, 0.6, 1],
  ],
  contrast: [0.75, 0.5, 0.4, 0.3, 0.15],
  brightness: [0.05, 0.1, 0.15, 0.2, 0.3],
  saturate: [
    [0.3, 0],
    [0.1, 0],
    [1.5, 0],
    [2, 0.1],
    [2.5, 0.2],
  ],
  jpegQuality: [80, 65, 58, 50, 40],
  pixelate: [0.95, 0.9, 0.85, 0.75, 0.65],
  elastic: [
    [32 * 0, 32 * 0, 32 * 0.08],
    [32 * 0.05, 32 * 0.2, 32 * 0.07],
    [32 * 0.08, 32 * 0.06, 32 * 0.06],
    [32 * 0.1, 32 * 0.04, 32 * 0.05],
    [32 * 0.1, 32 * 0.03, 32 * 0.03],
  ],
};

/**
 * The values of np.arange(1, end, step): numpy fills `start + i·delta` with
 * delta = (start + step) − start, which is not `step` in binary (1.1300000000000001, …).
 */
export function arangeFactors(count: number, step: number): number[] {
  const delta = 1 + step - 1;
  return Array.from({ length: count }, (_, i) => 1 + i * delta);
}

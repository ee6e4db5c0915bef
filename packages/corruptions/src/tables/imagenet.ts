import { arangeFactors } from './cifar.js';
import type { CorruptionTable } from './table.js';

/** The constants of make_imagenet_c.py (hendrycks/robustness), for 224×224 images. */
export const IMAGENET_TABLE: CorruptionTable = {
  name: 'imagenet',
  size: 224,
  gaussianNoise: [0.08, 0.12, 0.18, 0.26, 0.38],
  shotNoise: [60, 25, 12, 5, 3],
  impulseNoise: [0.03, 0.06, 0.09, 0.17, 0.27],
  speckleNoise: [0.15, 0.2, 0.35, 0.45, 0.6],
  gaussianBlur: [1, 2, 3, 4, 6],
  glassBlur: [
    [0.7, 1, 2],
    [0.9, 2, 1],
    [1, 2, 3],
    [1.1, 3, 2],
    [1.5, 4, 2],
  ],
  defocusBlur: [
    [3, 0.1],
    [4, 0.5],
    [6, 0.5],
    [8, 0.5],
    [10, 0.5],
  ],
  motionBlur: [
    [10, 3],
    [15, 5],
    [15, 8],
    [15, 12],
    [20, 15],
  ],
  // np.arange(1, 1.11, 0.01), (1, 1.16, 0.01), (1, 1.21, 0.02), (1, 1.26, 0.02), (1, 1.31, 0.03)
  zoomBlur: [arangeFactors(12, 0.01), arangeFactors(16, 0.01), arangeFactors(11, 0.02), arangeFactors(13, 0.02), arangeFactors(11, 0.03)],
  fog: [
    [1.5, 2],
    [2, 2],
    [2.5, 1.7],
    [2.5, 1.5],
    [3, 1.4],
  ],
  fogMapSize: 256,
  frost: [
    [1, 0.4],
    [0.8, 0.6],
    [0.7, 0.7],
    [0.65, 0.7],
    [0.6, 0.75],
  ],
  snow: [
    [0.1, 0.3, 3, 0.5, 10, 4, 0.8],
    [0.2, 0.3, 2, 0.5, 12, 4, 0.7],
    [0.55, 0.3, 4, 0.9, 12, 8, 0.7],
    [0.55, 0.3, 4.5, 0.85, 12, 8, 0.65],
    [0.55, 0.3, 2.5, 0.85, 12, 12, 0.55],
  ],
  spatter: [
    [0.65, 0.3, 4, 0.69, 0.6, 0],
    [0.65, 0.3, 3, 0.68, 0.6, 0],
    [0.65, 0.3, 2, 0.68, 0.5, 0],
    [0.65, 0.3, 1, 0.65, 1.5, 1],
    [0.67, 0.4, 1, 0.65, 1.5, 1],
  ],
  contrast: [0.4, 0.3, 0.2, 0.1, 0.05],
  brightness: [0.1, 0.2, 0.3, 0.4, 0.5],
  saturate: [
    [0.3, 0],
    [0.1, 0],
    [2, 0],
    [5, 0.1],
    [20, 0.2],
  ],
  jpegQuality: [25, 18, 15, 10, 7],
  pixelate: [0.6, 0.5, 0.4, 0.3, 0.25],
  // "244 should have been 224, but ultimately nothing is incorrect" (the script's own comment)
  elastic: [
    [244 * 2, 244 * 0.7, 244 * 0.1],
    [244 * 2, 244 * 0.08, 244 * 0.2],
    [244 * 0.05, 244 * 0.01, 244 * 0.02],
    [244 * 0.07, 244 * 0.01, 244 * 0.02],
    [244 * 0.12, 244 * 0.01, 244 * 0.02],
  ],
};

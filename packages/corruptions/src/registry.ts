import { defocusBlur, gaussianBlur, glassBlur } from './corruptions/blur.js';
import type { Corruption } from './corruptions/context.js';
import { jpegCompression, pixelate } from './corruptions/digital.js';
import { elasticTransform } from './corruptions/elastic.js';
import { fog } from './corruptions/fog.js';
import { frost } from './corruptions/frost.js';
import { motionBlur } from './corruptions/motion-blur.js';
import { gaussianNoise, impulseNoise, shotNoise, speckleNoise } from './corruptions/noise.js';
import { brightness, contrast, saturate } from './corruptions/photometric.js';
import { snow } from './corruptions/snow.js';
import { spatter } from './corruptions/spatter.js';
import { zoomBlur } from './corruptions/zoom-blur.js';
import type { CorruptionName } from './names.js';

/** Each corruption name's implementation. */
export const REGISTRY: Readonly<Record<CorruptionName, Corruption>> = {
  gaussian_noise: gaussianNoise,
  shot_noise: shotNoise,
  impulse_noise: impulseNoise,
  speckle_noise: speckleNoise,
  defocus_blur: defocusBlur,
  glass_blur: glassBlur,
  motion_blur: motionBlur,
  zoom_blur: zoomBlur,
  gaussian_blur: gaussianBlur,
  snow,
  frost,
  fog,
  spatter,
  brightness,
  contrast,
  saturate,
  elastic_transform: elasticTransform,
  pixelate,
  jpeg_compression: jpegCompression,
};

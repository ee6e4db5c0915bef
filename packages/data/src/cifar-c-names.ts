/**
 * The 19 corruptions of CIFAR-10-C and CIFAR-100-C (Hendrycks & Dietterich, 2019), as their `.npy`
 * files are named: the 15 of the benchmark and the 4 extra ones (speckle_noise, gaussian_blur,
 * spatter, saturate).
 */
export const CIFAR_C_CORRUPTIONS = [
  'gaussian_noise',
  'shot_noise',
  'impulse_noise',
  'speckle_noise',
  'defocus_blur',
  'glass_blur',
  'motion_blur',
  'zoom_blur',
  'gaussian_blur',
  'snow',
  'frost',
  'fog',
  'spatter',
  'brightness',
  'contrast',
  'saturate',
  'elastic_transform',
  'pixelate',
  'jpeg_compression',
] as const;

export type CifarCorruption = (typeof CIFAR_C_CORRUPTIONS)[number];

/** The 19 corruptions of CIFAR-10-C / ImageNet-C, named as CIFAR-10-C's files (`<name>.npy`). */
export const CORRUPTIONS = [
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

/** One of {@link CORRUPTIONS}. */
export type CorruptionName = (typeof CORRUPTIONS)[number];

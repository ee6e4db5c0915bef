import { CliError } from '@cnn/example-common';

/**
 * The 19 corruptions of CIFAR-10-C (Hendrycks & Dietterich 2019), named as its files: what
 * `--corruptions all` means. The front end checks names against it without loading TF.js or
 * `@cnn/corruptions`.
 */
export const CORRUPTION_NAMES = [
  'gaussian_noise', 'shot_noise', 'impulse_noise', 'speckle_noise', 'defocus_blur', 'glass_blur', 'motion_blur', 'zoom_blur',
  'gaussian_blur', 'snow', 'frost', 'fog', 'spatter', 'brightness', 'contrast', 'saturate', 'elastic_transform', 'pixelate',
  'jpeg_compression',
] as const;

/** `--corruptions all` or a comma-separated list of {@link CORRUPTION_NAMES}; absent = `[]`. */
export function parseCorruptionList(text: string | undefined): string[] {
  if (text === undefined) return [];
  const items = text.split(',').map((x) => x.trim().toLowerCase());
  if (items.length === 1 && items[0] === 'all') return [...CORRUPTION_NAMES];
  for (const name of items) {
    if (!(CORRUPTION_NAMES as readonly string[]).includes(name)) {
      throw new CliError(`--corruptions: "${name}" is not a corruption (write all, or names from: ${CORRUPTION_NAMES.join(', ')})`);
    }
  }
  if (new Set(items).size !== items.length) throw new CliError(`--corruptions: a corruption is listed twice (${text})`);
  return items;
}

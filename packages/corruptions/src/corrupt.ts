import { createRng } from '@cnn/core';
import { drawsFromRng } from './draws.js';
import { type Corruption, type CorruptionContext } from './corruptions/context.js';
import { REGISTRY } from './registry.js';
import { CORRUPTIONS, type CorruptionName } from './names.js';
import { checkRgbImage } from './pil/check-image.js';
import { CIFAR_TABLE } from './tables/cifar.js';
import { IMAGENET_TABLE } from './tables/imagenet.js';
import type { CorruptionTable } from './tables/table.js';
import type { RgbImage } from './types.js';

/** Options of {@link corrupt}. */
export interface CorruptOptions {
  /** Seed of the random draws (any finite number): the same seed gives the same image everywhere. */
  seed: number;
  /**
   * Which reference's constants to use: 'cifar' (make_cifar_c.py, 32×32) or 'imagenet'
   * (make_imagenet_c.py, 224×224). Default: chosen by the image size.
   */
  table?: 'cifar' | 'imagenet';
  /**
   * The five frost overlays (frost1.png … frost5.jpg of hendrycks/robustness) as full-size RGB
   * images, for frost with the 'imagenet' table (the CIFAR ones ship with the package).
   */
  frostOverlays?: readonly RgbImage[];
}

const TABLES = { cifar: CIFAR_TABLE, imagenet: IMAGENET_TABLE } as const;

/**
 * Applies one CIFAR-10-C / ImageNet-C corruption at severity 1–5, as hendrycks/robustness's
 * make_cifar_c.py / make_imagenet_c.py do, and returns a new image of the same shape (the float
 * result truncated to bytes, as the data sets were saved). The input is not modified.
 */
export function corrupt(image: RgbImage, name: CorruptionName, severity: number, options: CorruptOptions): RgbImage {
  checkRgbImage(image, 'image');
  const corruption = lookUp(name);
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) {
    throw new RangeError(`corrupt: severity must be an integer from 1 to 5, got ${String(severity)}`);
  }
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`corrupt: options must be an object with a seed, got ${String(options)}`);
  }
  const { seed } = options;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new TypeError(`corrupt: options.seed must be a finite number, got ${String(seed)}`);
  }
  const table = chooseTable(image, options.table);
  const context: CorruptionContext = { image, level: severity - 1, table, draws: drawsFromRng(createRng(seed)) };
  if (options.frostOverlays !== undefined) context.frostOverlays = checkOverlays(options.frostOverlays, table);
  return { image: corruption(context), height: image.height, width: image.width };
}

function lookUp(name: CorruptionName): Corruption {
  if (typeof name !== 'string' || !(CORRUPTIONS as readonly string[]).includes(name)) {
    throw new RangeError(`corrupt: unknown corruption name ${JSON.stringify(name)}; valid names: ${CORRUPTIONS.join(', ')}`);
  }
  return REGISTRY[name];
}

function chooseTable(image: RgbImage, requested: CorruptOptions['table']): CorruptionTable {
  if (requested !== undefined && requested !== 'cifar' && requested !== 'imagenet') {
    throw new RangeError(`corrupt: options.table must be 'cifar' or 'imagenet', got ${JSON.stringify(requested)}`);
  }
  const table = requested !== undefined ? TABLES[requested] : image.height === 224 && image.width === 224 ? IMAGENET_TABLE : CIFAR_TABLE;
  if (image.height !== table.size || image.width !== table.size) {
    throw new RangeError(
      `corrupt: image is ${image.height}×${image.width} but the '${table.name}' table works on ${table.size}×${table.size} images` +
        ' (32×32 selects cifar, 224×224 imagenet)',
    );
  }
  return table;
}

function checkOverlays(overlays: readonly RgbImage[], table: CorruptionTable): readonly RgbImage[] {
  if (table.name !== 'imagenet') {
    // make_cifar_c.py scales the overlays by 0.2 (cv2.resize); those ship with the package
    throw new RangeError("corrupt: options.frostOverlays is for the 'imagenet' table only; the CIFAR table uses the bundled 0.2-scaled overlays");
  }
  if (!Array.isArray(overlays) || overlays.length !== 5) {
    throw new TypeError('corrupt: options.frostOverlays must be an array of the 5 overlays frost1 … frost5');
  }
  overlays.forEach((overlay, i) => {
    checkRgbImage(overlay, `options.frostOverlays[${i}]`);
    if (overlay.height <= table.size || overlay.width <= table.size) {
      throw new RangeError(`corrupt: options.frostOverlays[${i}] is ${overlay.height}×${overlay.width}; frost needs overlays larger than ${table.size}×${table.size}`);
    }
  });
  return overlays;
}

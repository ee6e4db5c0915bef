import { FROST_CIFAR } from '../tables/frost-cifar.js';
import type { RgbImage } from '../types.js';
import type { Corruption } from './context.js';

let cifarOverlays: RgbImage[] | undefined;

/** The five shipped CIFAR overlays (decoded from base64 once). */
function shippedOverlays(): RgbImage[] {
  cifarOverlays ??= FROST_CIFAR.map(({ height, width, base64 }) => ({ height, width, image: decodeBase64(base64) }));
  return cifarOverlays;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * c₀ · x + c₁ · (a random size × size crop of one of the first five frost overlays), clipped to
 * [0, 255]. Draws: the overlay index randint(5), then the crop's row and column starts.
 */
export const frost: Corruption = ({ image, level, table, draws, frostOverlays }) => {
  const [imageWeight, frostWeight] = table.frost[level];
  const overlays = frostOverlays ?? (table.name === 'cifar' ? shippedOverlays() : undefined);
  if (!overlays) {
    throw new Error(
      "corrupt: frost with the 'imagenet' table needs options.frostOverlays (the five full-size overlays frost1.png … frost5.jpg of hendrycks/robustness as RGB images); see the README",
    );
  }
  const size = table.size;
  const overlay = overlays[draws.randint(0, 5, 1)[0]];
  const rowStart = draws.randint(0, overlay.height - size, 1)[0];
  const colStart = draws.randint(0, overlay.width - size, 1)[0];
  const { height, width } = image;
  const out = new Uint8Array(image.image.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const f = ((rowStart + y) * overlay.width + colStart + x) * 3;
      for (let c = 0; c < 3; c++) {
        const v = imageWeight * image.image[o + c] + frostWeight * overlay.image[f + c];
        out[o + c] = Math.trunc(v > 255 ? 255 : v);
      }
    }
  }
  return out;
};

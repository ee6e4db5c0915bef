import { hsvToRgb, rgbToHsv } from '../color.js';
import { type Corruption, unitFloats, unitToBytes } from './context.js';

/** (x − mean) · c + mean, with the per-channel mean over the image. */
export const contrast: Corruption = ({ image, level, table }) => {
  const c = table.contrast[level];
  const x = unitFloats(image.image);
  const sums = [0, 0, 0];
  for (let i = 0; i < x.length; i += 3) {
    sums[0] += x[i];
    sums[1] += x[i + 1];
    sums[2] += x[i + 2];
  }
  const pixels = x.length / 3;
  const means = sums.map((s) => s / pixels);
  for (let i = 0; i < x.length; i++) {
    const m = means[i % 3];
    x[i] = (x[i] - m) * c + m;
  }
  return unitToBytes(x);
};

/** Shifts skimage's HSV value by c (clipped to [0, 1]). */
export const brightness: Corruption = ({ image, level, table }) => {
  const c = table.brightness[level];
  return mapHsv(image.image, (hsv) => {
    hsv[2] = Math.min(1, Math.max(0, hsv[2] + c));
  });
};

/** Scales and shifts skimage's HSV saturation (clipped to [0, 1]). */
export const saturate: Corruption = ({ image, level, table }) => {
  const [scale, shift] = table.saturate[level];
  return mapHsv(image.image, (hsv) => {
    hsv[1] = Math.min(1, Math.max(0, hsv[1] * scale + shift));
  });
};

function mapHsv(bytes: Uint8Array, change: (hsv: Float64Array) => void): Uint8Array {
  const hsv = new Float64Array(3);
  const rgb = new Float64Array(bytes.length);
  const pixel = new Float64Array(3);
  for (let i = 0; i < bytes.length; i += 3) {
    rgbToHsv(bytes[i] / 255, bytes[i + 1] / 255, bytes[i + 2] / 255, hsv);
    change(hsv);
    hsvToRgb(hsv[0], hsv[1], hsv[2], pixel);
    rgb[i] = pixel[0];
    rgb[i + 1] = pixel[1];
    rgb[i + 2] = pixel[2];
  }
  return unitToBytes(rgb);
}

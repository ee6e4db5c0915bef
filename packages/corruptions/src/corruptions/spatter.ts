import { boxBlur3Bytes, boxBlur3Float, equalizeHist, filter3x3Bytes } from '../filters/box-blur.js';
import { canny } from '../filters/canny.js';
import { distanceTransform5 } from '../filters/distance.js';
import { gaussianFilter } from '../filters/gaussian.js';
import { type Corruption, unitToBytes32 } from './context.js';

/**
 * A liquid layer — N(loc, scale²) per pixel, gaussian-blurred, thresholded — becomes either water
 * (pale turquoise shaded by the distance to its Canny edges, severities with mud = 0) or mud
 * (brown where the blurred mask exceeds 0.8).
 */
export const spatter: Corruption = ({ image, level, table, draws }) => {
  const [loc, scale, sigma, threshold, intensity, mud] = table.spatter[level];
  const { height, width } = image;
  const noise = draws.normal(loc, scale, height * width);
  const liquid = gaussianFilter(noise, height, width, 1, sigma);
  for (let i = 0; i < liquid.length; i++) if (liquid[i] < threshold) liquid[i] = 0;
  return mud === 0 ? water(image.image, height, width, liquid, intensity) : mudLayer(image.image, height, width, liquid, threshold, intensity);
};

const WATER = [175 / 255, 238 / 255, 238 / 255];
const MUD = [63 / 255, 42 / 255, 20 / 255];
const EMBOSS = [-2, -1, 0, -1, 1, 1, 0, 1, 2];

function water(bytes: Uint8Array, height: number, width: number, liquid: Float64Array, intensity: number): Uint8Array {
  const n = liquid.length;
  const liquidBytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) liquidBytes[i] = Math.trunc(liquid[i] * 255) & 0xff; // astype(uint8) wraps
  const edges = canny(liquidBytes, height, width, 50, 150);
  for (let i = 0; i < n; i++) edges[i] = 255 - edges[i];
  const distance = distanceTransform5(edges, height, width);
  for (let i = 0; i < n; i++) distance[i] = Math.min(distance[i], 20);
  const blurred = boxBlur3Float(distance, height, width);
  const truncated = new Uint8Array(n);
  for (let i = 0; i < n; i++) truncated[i] = Math.trunc(blurred[i]);
  const shaded = boxBlur3Bytes(filter3x3Bytes(equalizeHist(truncated), height, width, EMBOSS), height, width);
  // the reference multiplies the uint8 liquid layer (it reassigned the name) by the float32 shading:
  // everything from here on is float32
  const f = Math.fround;
  const m = new Float32Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    m[i] = liquidBytes[i] * shaded[i];
    max = Math.max(max, m[i]);
  }
  const scale = f(intensity);
  const out = new Float32Array(bytes.length);
  for (let p = 0; p < n; p++) {
    const weight = f(f(m[p] / max) * scale);
    for (let c = 0; c < 3; c++) out[p * 3 + c] = f(bytes[p * 3 + c] / 255) + f(weight * f(WATER[c]));
  }
  return unitToBytes32(out);
}

function mudLayer(bytes: Uint8Array, height: number, width: number, liquid: Float64Array, threshold: number, sigma: number): Uint8Array {
  const mask = new Float64Array(liquid.length);
  for (let i = 0; i < mask.length; i++) mask[i] = liquid[i] > threshold ? 1 : 0;
  const blurred = gaussianFilter(mask, height, width, 1, sigma);
  const m = new Float32Array(mask.length);
  for (let i = 0; i < m.length; i++) m[i] = Math.fround(blurred[i]) < 0.8 ? 0 : blurred[i];
  const f = Math.fround;
  const out = new Float32Array(bytes.length);
  for (let p = 0; p < m.length; p++) {
    for (let c = 0; c < 3; c++) out[p * 3 + c] = f(f(f(bytes[p * 3 + c] / 255) * f(1 - m[p])) + f(f(MUD[c]) * m[p]));
  }
  return unitToBytes32(out);
}

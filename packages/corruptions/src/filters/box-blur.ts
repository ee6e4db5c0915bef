import { borderIndex } from './border.js';

/** The 3×3 window sums of a plane with reflect-101 borders (cv2.blur's border). */
function windowSums(src: ArrayLike<number>, height: number, width: number): Float64Array {
  const out = new Float64Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const row = borderIndex(y + dy, height, 'mirror') * width;
        for (let dx = -1; dx <= 1; dx++) sum += src[row + borderIndex(x + dx, width, 'mirror')];
      }
      out[y * width + x] = sum;
    }
  }
  return out;
}

/** cv2.blur(float32 plane, (3, 3)): the window mean, stored as float32. */
export function boxBlur3Float(src: Float32Array, height: number, width: number): Float32Array {
  const sums = windowSums(src, height, width);
  const out = new Float32Array(sums.length);
  for (let i = 0; i < sums.length; i++) out[i] = sums[i] * (1 / 9);
  return out;
}

/** cv2.blur(uint8 plane, (3, 3)): the window mean rounded to the nearest byte. */
export function boxBlur3Bytes(src: Uint8Array, height: number, width: number): Uint8Array {
  const sums = windowSums(src, height, width);
  const out = new Uint8Array(sums.length);
  for (let i = 0; i < sums.length; i++) out[i] = Math.round(sums[i] * (1 / 9));
  return out;
}

/** cv2.equalizeHist. */
export function equalizeHist(src: Uint8Array): Uint8Array {
  const hist = new Int32Array(256);
  for (const v of src) hist[v]++;
  let first = 0;
  while (hist[first] === 0) first++;
  if (hist[first] === src.length) return new Uint8Array(src.length).fill(first);
  const scale = 255 / (src.length - hist[first]);
  const lut = new Uint8Array(256);
  let sum = 0;
  for (let i = first + 1; i < 256; i++) {
    sum += hist[i];
    lut[i] = Math.min(255, Math.max(0, cvRoundHalfEven(sum * scale)));
  }
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = lut[src[i]];
  return out;
}

/** cv2.filter2D(plane, CV_8U, kernel 3×3) with reflect-101 borders, rounded and saturated. */
export function filter3x3Bytes(src: Uint8Array, height: number, width: number, kernel: readonly number[]): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const row = borderIndex(y + dy, height, 'mirror') * width;
        for (let dx = -1; dx <= 1; dx++) sum += kernel[(dy + 1) * 3 + dx + 1] * src[row + borderIndex(x + dx, width, 'mirror')];
      }
      out[y * width + x] = Math.min(255, Math.max(0, sum));
    }
  }
  return out;
}

function cvRoundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

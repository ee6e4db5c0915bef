import { borderIndex } from './border.js';

/**
 * The reference's `disk(radius, alias_blur)`: the aliased disk X² + Y² ≤ r² on a grid of side 17
 * (2·max(8, r) + 1), normalised, then cv2.GaussianBlur with a 3×3 (5×5 when r > 8) kernel of σ =
 * alias_blur and OpenCV's default border (reflect-101). Float32 as the reference computes it.
 */
export function diskKernel(radius: number, aliasBlur: number): { size: number; weights: Float64Array } {
  const half = radius <= 8 ? 8 : radius;
  const size = 2 * half + 1;
  const disk = new Float32Array(size * size);
  let count = 0;
  for (let y = -half; y <= half; y++) {
    for (let x = -half; x <= half; x++) {
      if (x * x + y * y <= radius * radius) {
        disk[(y + half) * size + x + half] = 1;
        count++;
      }
    }
  }
  for (let i = 0; i < disk.length; i++) disk[i] = disk[i] / count;
  const blur = openCvGaussianKernel(radius <= 8 ? 3 : 5, aliasBlur);
  const blurred = separableFilter32(disk, size, blur);
  return { size, weights: Float64Array.from(blurred) };
}

/** cv::getGaussianKernel(n, σ) for σ > 0, as float32. */
function openCvGaussianKernel(n: number, sigma: number): Float32Array {
  const kernel = new Float64Array(n);
  const scale = -0.5 / (sigma * sigma);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = i - (n - 1) * 0.5;
    kernel[i] = Math.exp(scale * x * x);
    sum += kernel[i];
  }
  return Float32Array.from(kernel, (v) => v / sum);
}

/** Rows then columns with reflect-101 borders, in float32 like OpenCV's sepFilter2D on CV_32F. */
function separableFilter32(src: Float32Array, size: number, kernel: Float32Array): Float32Array {
  const radius = (kernel.length - 1) / 2;
  const horizontal = new Float32Array(src.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let acc = 0;
      for (let k = 0; k < kernel.length; k++) acc = Math.fround(acc + Math.fround(kernel[k] * src[y * size + borderIndex(x + k - radius, size, 'mirror')]));
      horizontal[y * size + x] = acc;
    }
  }
  const out = new Float32Array(src.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let acc = 0;
      for (let k = 0; k < kernel.length; k++) acc = Math.fround(acc + Math.fround(kernel[k] * horizontal[borderIndex(y + k - radius, size, 'mirror') * size + x]));
      out[y * size + x] = acc;
    }
  }
  return out;
}

/**
 * cv2.filter2D(plane, -1, kernel) with reflect-101 borders on one channel of an HWC image, written
 * into channel `channel` of `out`; taps outside the kernel's non-zero box are skipped.
 */
export function filter2DChannel(
  src: Float64Array,
  height: number,
  width: number,
  channels: number,
  channel: number,
  kernel: { size: number; weights: Float64Array },
  out: Float64Array,
): void {
  const { size, weights } = kernel;
  const half = (size - 1) / 2;
  const box = nonZeroBox(weights, size);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let ky = box.low; ky <= box.high; ky++) {
        const sy = borderIndex(y + ky - half, height, 'mirror');
        const row = sy * width;
        for (let kx = box.low; kx <= box.high; kx++) {
          const sx = borderIndex(x + kx - half, width, 'mirror');
          acc += weights[ky * size + kx] * src[(row + sx) * channels + channel];
        }
      }
      out[(y * width + x) * channels + channel] = acc;
    }
  }
}

/** The smallest square band [low, high] of rows and columns holding every non-zero weight. */
function nonZeroBox(weights: Float64Array, size: number): { low: number; high: number } {
  let low = size;
  let high = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (weights[y * size + x] !== 0) {
        low = Math.min(low, x, y);
        high = Math.max(high, x, y);
      }
    }
  }
  return high < 0 ? { low: 0, high: -1 } : { low, high };
}

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
 * cv2.filter2D(image, -1, kernel) on every channel of an HWC image with reflect-101 borders;
 * taps outside the kernel's non-zero box are skipped. Returns a new array.
 */
export function filter2D(src: Float64Array, height: number, width: number, channels: number, kernel: { size: number; weights: Float64Array }): Float64Array {
  const { size, weights } = kernel;
  const half = (size - 1) / 2;
  const box = nonZeroBox(weights, size);
  const reach = Math.max(half - box.low, box.high - half, 0);
  // pad once (reflect-101) so that the tap loop needs no border logic
  const pw = width + 2 * reach;
  const padded = new Float64Array((height + 2 * reach) * pw * channels);
  for (let y = -reach; y < height + reach; y++) {
    const sy = borderIndex(y, height, 'mirror');
    for (let x = -reach; x < width + reach; x++) {
      const from = (sy * width + borderIndex(x, width, 'mirror')) * channels;
      const to = ((y + reach) * pw + x + reach) * channels;
      for (let c = 0; c < channels; c++) padded[to + c] = src[from + c];
    }
  }
  const tapOffsets: number[] = [];
  const tapWeights: number[] = [];
  for (let ky = box.low; ky <= box.high; ky++) {
    for (let kx = box.low; kx <= box.high; kx++) {
      tapOffsets.push(((ky - half) * pw + (kx - half)) * channels);
      tapWeights.push(weights[ky * size + kx]);
    }
  }
  const offsets = Int32Array.from(tapOffsets);
  const taps = Float64Array.from(tapWeights);
  const out = new Float64Array(src.length);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const centre = ((y + reach) * pw + x + reach) * channels + c;
        let acc = 0;
        for (let t = 0; t < taps.length; t++) acc += taps[t] * padded[centre + offsets[t]];
        out[(y * width + x) * channels + c] = acc;
      }
    }
  }
  return out;
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

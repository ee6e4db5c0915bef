/** ImageMagick 6's motion-blur kernel: the taps' weights and their (x, y) pixel offsets. */
export interface MotionKernel {
  weights: Float64Array;
  dx: Int32Array;
  dy: Int32Array;
}

/**
 * MotionBlurImage's kernel (ImageMagick 6, effect.c): width 2·ceil(radius) + 1
 * (GetOptimalKernelWidth1D), weights exp(−i²/2σ²) normalised, tap i at
 * (ceil(i·cos θ − ½), ceil(i·sin θ − ½)) — a one-sided trail along `angle` degrees.
 */
export function motionKernel(radius: number, sigma: number, angle: number): MotionKernel {
  const width = 2 * Math.ceil(radius) + 1;
  const weights = new Float64Array(width);
  let normalize = 0;
  for (let i = 0; i < width; i++) {
    weights[i] = Math.exp(-(i * i) / (2 * sigma * sigma)) / (Math.sqrt(2 * Math.PI) * sigma);
    normalize += weights[i];
  }
  for (let i = 0; i < width; i++) weights[i] /= normalize;
  const radians = (Math.PI * angle) / 180;
  const px = width * Math.sin(radians);
  const py = width * Math.cos(radians);
  const length = Math.hypot(px, py);
  const dx = new Int32Array(width);
  const dy = new Int32Array(width);
  for (let i = 0; i < width; i++) {
    dx[i] = Math.ceil((i * py) / length - 0.5);
    dy[i] = Math.ceil((i * px) / length - 0.5);
  }
  return { weights, dx, dy };
}

const QUANTUM_RANGE = 65535;

/**
 * Applies {@link motionKernel} to 8-bit HWC bytes as ImageMagick Q16 does through the reference's
 * PNG round trip: bytes scaled to 16 bits (×257), edge pixels repeated outside the image, the sum
 * rounded to a 16-bit quantum, then written back as 8 bits (truncating).
 */
export function motionBlurBytes(src: Uint8Array, height: number, width: number, channels: number, kernel: MotionKernel): Uint8Array {
  const out = new Uint8Array(src.length);
  const { weights, dx, dy } = kernel;
  const taps = weights.length;
  const offsets = new Int32Array(taps);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let i = 0; i < taps; i++) {
        const sx = Math.min(width - 1, Math.max(0, x + dx[i]));
        const sy = Math.min(height - 1, Math.max(0, y + dy[i]));
        offsets[i] = (sy * width + sx) * channels;
      }
      const o = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let i = 0; i < taps; i++) acc += weights[i] * (257 * src[offsets[i] + c]);
        out[o + c] = quantumToChar(clampToQuantum(acc));
      }
    }
  }
  return out;
}

function clampToQuantum(value: number): number {
  if (value <= 0) return 0;
  if (value >= QUANTUM_RANGE) return QUANTUM_RANGE;
  return Math.floor(value + 0.5);
}

/** The 16-to-8-bit step of the reference's PNG round trip (Debian's ImageMagick 6.9.11 Q16 truncates: measured). */
function quantumToChar(quantum: number): number {
  return Math.floor(quantum / 257);
}

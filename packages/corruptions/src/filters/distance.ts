const SHIFT = 1 << 16;
const HV = Math.round(1 * SHIFT);
const DIAG = Math.round(1.4 * SHIFT);
const LONG = Math.round(2.1969 * SHIFT);

/**
 * cv2.distanceTransform(src, DIST_L2, 5): OpenCV's 5×5 chamfer distance (weights 1, 1.4, 2.1969
 * in 16-bit fixed point; two passes) to the nearest zero pixel, as float32.
 */
export function distanceTransform5(src: Uint8Array, height: number, width: number): Float32Array {
  const pad = 2;
  const stride = width + 2 * pad;
  const tmp = new Float64Array((height + 2 * pad) * stride).fill(Infinity);
  const forward: [number, number, number][] = [[-2, -1, LONG], [-2, 1, LONG], [-1, -2, LONG], [-1, -1, DIAG], [-1, 0, HV], [-1, 1, DIAG], [-1, 2, LONG], [0, -1, HV]];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const j = (y + pad) * stride + x + pad;
      if (src[y * width + x] === 0) {
        tmp[j] = 0;
        continue;
      }
      let best = Infinity;
      for (const [dy, dx, w] of forward) best = Math.min(best, tmp[j + dy * stride + dx] + w);
      tmp[j] = best;
    }
  }
  const out = new Float32Array(src.length);
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const j = (y + pad) * stride + x + pad;
      let best = tmp[j];
      if (best > HV) {
        for (const [dy, dx, w] of forward) best = Math.min(best, tmp[j - dy * stride - dx] + w);
        tmp[j] = best;
      }
      out[y * width + x] = Math.min(best, 0x7fffffff >> 2) / SHIFT;
    }
  }
  return out;
}

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
  // the causal half of the 5×5 mask (rows above, then the left neighbour) as offsets into tmp
  const dys = [-2, -2, -1, -1, -1, -1, -1, 0];
  const dxs = [-1, 1, -2, -1, 0, 1, 2, -1];
  const offsets = new Int32Array(8);
  for (let k = 0; k < 8; k++) offsets[k] = dys[k] * stride + dxs[k];
  const weights = Float64Array.of(LONG, LONG, LONG, DIAG, HV, DIAG, LONG, HV);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const j = (y + pad) * stride + x + pad;
      if (src[y * width + x] === 0) {
        tmp[j] = 0;
        continue;
      }
      let best = Infinity;
      for (let k = 0; k < 8; k++) best = Math.min(best, tmp[j + offsets[k]] + weights[k]);
      tmp[j] = best;
    }
  }
  const out = new Float32Array(src.length);
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const j = (y + pad) * stride + x + pad;
      let best = tmp[j];
      if (best > HV) {
        for (let k = 0; k < 8; k++) best = Math.min(best, tmp[j - offsets[k]] + weights[k]);
        tmp[j] = best;
      }
      out[y * width + x] = Math.min(best, 0x7fffffff >> 2) / SHIFT;
    }
  }
  return out;
}

/** Python's round(): halves go to the even neighbour (scipy's zoom sizes its output with it). */
export function pythonRound(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** For each output index along one axis: the first source index and the weight of the second. */
export interface ZoomAxis {
  index: Int32Array;
  weight: Float64Array;
}

/**
 * The reference's `clipped_zoom` along one axis of side `n`: crop the centre ceil(n / z), zoom it
 * with scipy's order-1 `zoom` (output side round(crop · z), source coordinate
 * out · (crop − 1) / (out − 1)), then keep the centre `n` samples.
 */
export function clippedZoomAxis(n: number, factor: number): ZoomAxis {
  const crop = Math.ceil(n / factor);
  const top = Math.floor((n - crop) / 2);
  const zoomed = pythonRound(crop * factor);
  const trim = Math.floor((zoomed - n) / 2);
  const scale = zoomed > 1 ? (crop - 1) / (zoomed - 1) : 0;
  const index = new Int32Array(n);
  const weight = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    const coordinate = (o + trim) * scale;
    let i = Math.floor(coordinate);
    if (i > crop - 2) i = Math.max(crop - 2, 0);
    index[o] = top + i;
    weight[o] = crop > 1 ? coordinate - i : 0;
  }
  return { index, weight };
}

/**
 * Adds the clipped zoom of the square HWC image `src` (side `n`, `channels` channels) to `out`,
 * or writes it when `accumulate` is false; `float32` rounds each zoomed value as scipy stores it.
 */
export function clippedZoomInto(
  src: ArrayLike<number>,
  n: number,
  channels: number,
  axis: ZoomAxis,
  out: Float32Array | Float64Array,
  accumulate: boolean,
  float32: boolean,
): void {
  const { index, weight } = axis;
  const stride = n * channels;
  for (let y = 0; y < n; y++) {
    const r0 = index[y] * stride;
    const r1 = r0 + stride;
    const wy = weight[y];
    for (let x = 0; x < n; x++) {
      const c0 = index[x] * channels;
      const c1 = c0 + channels;
      const wx = weight[x];
      const o = (y * n + x) * channels;
      for (let c = 0; c < channels; c++) {
        const top = src[r0 + c0 + c] * (1 - wx) + src[r0 + c1 + c] * wx;
        const bottom = src[r1 + c0 + c] * (1 - wx) + src[r1 + c1 + c] * wx;
        // scipy interpolates in double and stores in the input's dtype (float32 for zoom_blur)
        const value = float32 ? Math.fround(top * (1 - wy) + bottom * wy) : top * (1 - wy) + bottom * wy;
        out[o + c] = accumulate ? out[o + c] + value : value;
      }
    }
  }
}

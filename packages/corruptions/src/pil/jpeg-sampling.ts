// Plane padding and 2×2 chroma (4:2:0) resampling exactly as libjpeg-turbo does on save
// (jcsample.c h2v2_downsample, jcprepct.c edge expansion) and on load (jdsample.c).

/** A single-channel 8-bit plane, row-major. */
export interface Plane {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Copies `src` into a `width × height` plane, replicating its last column and row outward. */
export function padPlane(src: Plane, width: number, height: number): Plane {
  const data = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) {
    const sr = Math.min(r, src.height - 1) * src.width;
    for (let c = 0; c < width; c++) data[r * width + c] = src.data[sr + Math.min(c, src.width - 1)];
  }
  return { data, width, height };
}

/**
 * h2v2_downsample of a full-resolution plane into an `outWidth × outHeight` plane (a whole number
 * of 8×8 blocks): each output is the 2×2 sum plus a bias alternating 1, 2 along the row, >> 2.
 * Rows and columns past the source edge replicate it, and output rows past ceil(height/2) repeat
 * the last real one, as the encoder's edge expansion does.
 */
export function downsampleH2V2(src: Plane, outWidth: number, outHeight: number): Plane {
  const data = new Uint8Array(outWidth * outHeight);
  const realRows = Math.ceil(src.height / 2);
  const col = (c: number): number => Math.min(c, src.width - 1);
  for (let r = 0; r < outHeight; r++) {
    const rr = Math.min(r, realRows - 1);
    const row0 = Math.min(2 * rr, src.height - 1) * src.width;
    const row1 = Math.min(2 * rr + 1, src.height - 1) * src.width;
    for (let c = 0; c < outWidth; c++) {
      const a = col(2 * c), b = col(2 * c + 1);
      const sum = src.data[row0 + a] + src.data[row0 + b] + src.data[row1 + a] + src.data[row1 + b];
      data[r * outWidth + c] = (sum + (c & 1 ? 2 : 1)) >> 2;
    }
  }
  return { data, width: outWidth, height: outHeight };
}

/**
 * Upsamples the top-left `width × height` of `src` by 2 in both directions, cropped to
 * `outWidth × outHeight`: jdsample.c's h2v2_fancy_upsample (triangle filter, 9/3/3/1 over 16,
 * biases 8 and 7, edge samples replicated) — or plain replication (h2v2_upsample) when the
 * downsampled width is ≤ 2, as libjpeg-turbo chooses.
 */
export function upsampleH2V2(
  src: Plane,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Uint8Array {
  const out = new Uint8Array(outWidth * outHeight);
  const s = src.data, sw = src.width;
  const fancy = width > 2;
  const colsum = new Int32Array(width);
  for (let or = 0; or < outHeight; or++) {
    const r = or >> 1;
    if (!fancy) {
      for (let oc = 0; oc < outWidth; oc++) out[or * outWidth + oc] = s[r * sw + (oc >> 1)];
      continue;
    }
    // Even output rows lean on the row above, odd ones on the row below (edges replicate).
    const far = or & 1 ? Math.min(r + 1, height - 1) : Math.max(r - 1, 0);
    for (let c = 0; c < width; c++) colsum[c] = 3 * s[r * sw + c] + s[far * sw + c];
    for (let oc = 0; oc < outWidth; oc++) {
      const c = oc >> 1;
      const v = oc & 1
        ? (3 * colsum[c] + colsum[Math.min(c + 1, width - 1)] + 7) >> 4
        : (3 * colsum[c] + colsum[Math.max(c - 1, 0)] + 8) >> 4;
      out[or * outWidth + oc] = v;
    }
  }
  return out;
}

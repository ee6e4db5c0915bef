// libjpeg-turbo's "islow" integer DCT pair (jfdctint.c / jidctint.c, CONST_BITS 13, PASS1_BITS 2)
// and its reciprocal quantizer (jcdctmgr.c), which PIL's JPEG save/load use by default.
// Arithmetic is done in doubles (exact here: all values stay far below 2^53) with DESCALE as a
// floored scaling, so nothing can wrap the way 32-bit shifts could.

const F_0_298 = 2446;
const F_0_390 = 3196;
const F_0_541 = 4433;
const F_0_765 = 6270;
const F_0_899 = 7373;
const F_1_175 = 9633;
const F_1_501 = 12299;
const F_1_847 = 15137;
const F_1_961 = 16069;
const F_2_053 = 16819;
const F_2_562 = 20995;
const F_3_072 = 25172;

/** libjpeg's DESCALE(x, n): round-half-up arithmetic right shift by n bits. */
const descale = (x: number, n: number): number => Math.floor((x + 2 ** (n - 1)) * 2 ** -n);

/**
 * One 1-D forward LL&M pass over d[o + k·s], k = 0..7. Pass 1 (rows) keeps PASS1_BITS of extra
 * precision; pass 2 (columns) removes it, leaving the output scaled by 8 (jfdctint.c).
 */
function fdct1d(d: Float64Array, o: number, s: number, rowPass: boolean): void {
  const a0 = d[o], a1 = d[o + s], a2 = d[o + 2 * s], a3 = d[o + 3 * s];
  const a4 = d[o + 4 * s], a5 = d[o + 5 * s], a6 = d[o + 6 * s], a7 = d[o + 7 * s];
  const tmp0 = a0 + a7, tmp7 = a0 - a7, tmp1 = a1 + a6, tmp6 = a1 - a6;
  const tmp2 = a2 + a5, tmp5 = a2 - a5, tmp3 = a3 + a4, tmp4 = a3 - a4;
  const tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
  const shift = rowPass ? 11 : 15; // CONST_BITS ∓ PASS1_BITS
  d[o] = rowPass ? (tmp10 + tmp11) * 4 : descale(tmp10 + tmp11, 2);
  d[o + 4 * s] = rowPass ? (tmp10 - tmp11) * 4 : descale(tmp10 - tmp11, 2);
  const z1e = (tmp12 + tmp13) * F_0_541;
  d[o + 2 * s] = descale(z1e + tmp13 * F_0_765, shift);
  d[o + 6 * s] = descale(z1e + tmp12 * -F_1_847, shift);
  // Odd part (figure 8 of LL&M).
  const z5 = (tmp4 + tmp6 + tmp5 + tmp7) * F_1_175;
  const z1 = (tmp4 + tmp7) * -F_0_899, z2 = (tmp5 + tmp6) * -F_2_562;
  const z3 = (tmp4 + tmp6) * -F_1_961 + z5, z4 = (tmp5 + tmp7) * -F_0_390 + z5;
  d[o + 7 * s] = descale(tmp4 * F_0_298 + z1 + z3, shift);
  d[o + 5 * s] = descale(tmp5 * F_2_053 + z2 + z4, shift);
  d[o + 3 * s] = descale(tmp6 * F_3_072 + z2 + z3, shift);
  d[o + s] = descale(tmp7 * F_1_501 + z1 + z4, shift);
}

/** jpeg_fdct_islow in place on 64 level-shifted samples (row-major); output scaled by 8. */
export function forwardDctIslow(block: Float64Array): void {
  for (let r = 0; r < 8; r++) fdct1d(block, r * 8, 1, true);
  for (let c = 0; c < 8; c++) fdct1d(block, c, 8, false);
}

/** compute_reciprocal's (reciprocal, correction, shift) for each entry of a quantization table. */
export interface Divisors {
  recip: Float64Array;
  corr: Float64Array;
  scale: Float64Array;
}

/**
 * jcdctmgr.c's compute_reciprocal for the divisors 8·q (16-bit DCTELEM as in libjpeg-turbo's SIMD
 * build): dividing becomes (|v| + corr) × recip >> r, which libjpeg-turbo's quantize() applies.
 */
export function reciprocalDivisors(qt: Int32Array): Divisors {
  const recip = new Float64Array(64), corr = new Float64Array(64), scale = new Float64Array(64);
  for (let i = 0; i < 64; i++) {
    const divisor = qt[i] * 8;
    let r = 16 + (31 - Math.clz32(divisor));
    let fq = Math.floor(2 ** r / divisor);
    const fr = 2 ** r - fq * divisor;
    let c = divisor >> 1;
    if (fr === 0) {
      fq = Math.floor(fq / 2); // a power of two: one bit too large for a DCTELEM
      r--;
    } else if (fr <= divisor >> 1) {
      c++;
    } else {
      fq++;
    }
    recip[i] = fq;
    corr[i] = c;
    scale[i] = 2 ** -r;
  }
  return { recip, corr, scale };
}

/** jcdctmgr.c's quantize(): 64 DCT outputs → quantized coefficients (sign-symmetric). */
export function quantizeBlock(block: Float64Array, dv: Divisors, coef: Int32Array): void {
  for (let i = 0; i < 64; i++) {
    const v = block[i];
    const mag = Math.floor((Math.abs(v) + dv.corr[i]) * dv.recip[i] * dv.scale[i]);
    coef[i] = v < 0 ? -mag : mag;
  }
}

/** The post-IDCT range limit (jdmaster.c's prepare_range_limit_table), wrapping as libjpeg does. */
const RANGE_LIMIT = new Uint8Array(1024);
for (let v = 0; v < 1024; v++) RANGE_LIMIT[v] = v < 128 ? v + 128 : v < 512 ? 255 : v < 896 ? 0 : v - 896;

/**
 * One 1-D inverse LL&M pass from src[o + k·s] into dst[p + k·t]: `shift` 11 for the column pass,
 * 18 for the row pass; `limit` maps the row pass's results through the range limit (jidctint.c).
 */
function idct1d(src: Float64Array, o: number, s: number, dst: Float64Array | Uint8Array, p: number, t: number, limit: boolean): void {
  const z2e = src[o + 2 * s], z3e = src[o + 6 * s];
  const z1e = (z2e + z3e) * F_0_541;
  const tmp2e = z1e + z3e * -F_1_847, tmp3e = z1e + z2e * F_0_765;
  const tmp0e = (src[o] + src[o + 4 * s]) * 8192, tmp1e = (src[o] - src[o + 4 * s]) * 8192;
  const t10 = tmp0e + tmp3e, t13 = tmp0e - tmp3e, t11 = tmp1e + tmp2e, t12 = tmp1e - tmp2e;
  // Odd part: i0..i3 are y7, y5, y3, y1.
  const i0 = src[o + 7 * s], i1 = src[o + 5 * s], i2 = src[o + 3 * s], i3 = src[o + s];
  const z5 = (i0 + i2 + i1 + i3) * F_1_175;
  const z1 = (i0 + i3) * -F_0_899, z2 = (i1 + i2) * -F_2_562;
  const z3 = (i0 + i2) * -F_1_961 + z5, z4 = (i1 + i3) * -F_0_390 + z5;
  const q0 = i0 * F_0_298 + z1 + z3, q1 = i1 * F_2_053 + z2 + z4;
  const q2 = i2 * F_3_072 + z2 + z3, q3 = i3 * F_1_501 + z1 + z4;
  const shift = limit ? 18 : 11; // CONST_BITS + PASS1_BITS + 3, or CONST_BITS - PASS1_BITS
  const put = (k: number, x: number): void => {
    const v = descale(x, shift);
    dst[p + k * t] = limit ? RANGE_LIMIT[v & 1023] : v;
  };
  put(0, t10 + q3);
  put(7, t10 - q3);
  put(1, t11 + q2);
  put(6, t11 - q2);
  put(2, t12 + q1);
  put(5, t12 - q1);
  put(3, t13 + q0);
  put(4, t13 - q0);
}

/**
 * jpeg_idct_islow: dequantizes `coef` (64 quantized coefficients, row-major) with `qt` and writes
 * the 8×8 reconstructed samples into `out` at `outOffset` with row stride `stride`.
 * `ws` and `ws2` are 64-entry scratch buffers.
 */
export function inverseDctIslow(
  coef: Int32Array,
  qt: Int32Array,
  ws: Float64Array,
  ws2: Float64Array,
  out: Uint8Array,
  outOffset: number,
  stride: number,
): void {
  for (let i = 0; i < 64; i++) ws[i] = coef[i] * qt[i];
  for (let c = 0; c < 8; c++) idct1d(ws, c, 8, ws2, c, 8, false);
  for (let r = 0; r < 8; r++) idct1d(ws2, r * 8, 1, out, outOffset + r * stride, 1, true);
}

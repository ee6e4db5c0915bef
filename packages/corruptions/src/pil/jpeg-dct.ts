// libjpeg-turbo's "islow" integer DCT pair (jfdctint.c / jidctint.c, CONST_BITS 13, PASS1_BITS 2)
// and its reciprocal quantizer (jcdctmgr.c), which PIL's JPEG save/load use by default.
// Arithmetic is done in doubles (exact here) with DESCALE as a floored division, so nothing can
// wrap the way 32-bit shifts could.

const CONST_BITS = 13;
const PASS1_BITS = 2;
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

/** libjpeg's DESCALE: round-half-up right shift by n bits (arithmetic, i.e. floored). */
function descale(x: number, n: number): number {
  return Math.floor((x + 2 ** (n - 1)) / 2 ** n);
}

/** The LL&M odd part shared by all four 1-D passes: returns [t0, t1, t2, t3] of the odd outputs. */
function oddPart(i0: number, i1: number, i2: number, i3: number): [number, number, number, number] {
  // i0..i3 are tmp4..tmp7 in the forward DCT and tmp0..tmp3 (y7, y5, y3, y1) in the inverse.
  const z5 = (i0 + i2 + i1 + i3) * F_1_175;
  const z1 = (i0 + i3) * -F_0_899;
  const z2 = (i1 + i2) * -F_2_562;
  const z3 = (i0 + i2) * -F_1_961 + z5;
  const z4 = (i1 + i3) * -F_0_390 + z5;
  return [i0 * F_0_298 + z1 + z3, i1 * F_2_053 + z2 + z4, i2 * F_3_072 + z2 + z3, i3 * F_1_501 + z1 + z4];
}

/** One forward 1-D pass over 8 values at data[o + k*s]; pass 1 (rows) or pass 2 (columns). */
function fdct1d(d: Float64Array, o: number, s: number, pass: 1 | 2): void {
  const a0 = d[o], a1 = d[o + s], a2 = d[o + 2 * s], a3 = d[o + 3 * s];
  const a4 = d[o + 4 * s], a5 = d[o + 5 * s], a6 = d[o + 6 * s], a7 = d[o + 7 * s];
  const tmp0 = a0 + a7, tmp7 = a0 - a7, tmp1 = a1 + a6, tmp6 = a1 - a6;
  const tmp2 = a2 + a5, tmp5 = a2 - a5, tmp3 = a3 + a4, tmp4 = a3 - a4;
  const tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
  const shift = pass === 1 ? CONST_BITS - PASS1_BITS : CONST_BITS + PASS1_BITS;
  if (pass === 1) {
    d[o] = (tmp10 + tmp11) * 2 ** PASS1_BITS;
    d[o + 4 * s] = (tmp10 - tmp11) * 2 ** PASS1_BITS;
  } else {
    d[o] = descale(tmp10 + tmp11, PASS1_BITS);
    d[o + 4 * s] = descale(tmp10 - tmp11, PASS1_BITS);
  }
  const z1 = (tmp12 + tmp13) * F_0_541;
  d[o + 2 * s] = descale(z1 + tmp13 * F_0_765, shift);
  d[o + 6 * s] = descale(z1 + tmp12 * -F_1_847, shift);
  const [o7, o5, o3, o1] = oddPart(tmp4, tmp5, tmp6, tmp7);
  d[o + 7 * s] = descale(o7, shift);
  d[o + 5 * s] = descale(o5, shift);
  d[o + 3 * s] = descale(o3, shift);
  d[o + s] = descale(o1, shift);
}

/** jpeg_fdct_islow in place on 64 level-shifted samples (row-major); output scaled by 8. */
export function forwardDctIslow(block: Float64Array): void {
  for (let r = 0; r < 8; r++) fdct1d(block, r * 8, 1, 1);
  for (let c = 0; c < 8; c++) fdct1d(block, c, 8, 2);
}

/**
 * jcdctmgr.c's quantize() with compute_reciprocal's divisors (16-bit DCTELEM, SIMD build): the
 * coefficient `v` (DCT output, scaled by 8) divided by `8 × q`, rounded as libjpeg-turbo does.
 */
export function quantize(v: number, q: number): number {
  const divisor = q * 8;
  const b = 31 - Math.clz32(divisor);
  let r = 16 + b;
  let fq = Math.floor(2 ** r / divisor);
  const fr = 2 ** r - fq * divisor;
  let c = divisor >> 1;
  if (fr === 0) {
    fq = Math.floor(fq / 2);
    r--;
  } else if (fr <= divisor >> 1) {
    c++;
  } else {
    fq++;
  }
  const mag = Math.floor(((Math.abs(v) + c) * fq) / 2 ** r);
  return v < 0 ? -mag : mag;
}

/** The post-IDCT range limit (jdmaster.c's prepare_range_limit_table): wraps exactly as libjpeg. */
function rangeLimit(x: number): number {
  const v = x & 1023;
  if (v < 128) return v + 128;
  if (v < 512) return 255;
  if (v < 896) return 0;
  return v - 896;
}

/** One inverse 1-D pass over 8 values at src[o + k*s] into dst[o2 + k*s2] (before descale). */
function idct1d(src: Float64Array, o: number, s: number): [number, number, number, number, number, number, number, number] {
  const z2a = src[o + 2 * s], z3a = src[o + 6 * s];
  const z1 = (z2a + z3a) * F_0_541;
  const tmp2 = z1 + z3a * -F_1_847;
  const tmp3 = z1 + z2a * F_0_765;
  const tmp0 = (src[o] + src[o + 4 * s]) * 2 ** CONST_BITS;
  const tmp1 = (src[o] - src[o + 4 * s]) * 2 ** CONST_BITS;
  const t10 = tmp0 + tmp3, t13 = tmp0 - tmp3, t11 = tmp1 + tmp2, t12 = tmp1 - tmp2;
  const [q0, q1, q2, q3] = oddPart(src[o + 7 * s], src[o + 5 * s], src[o + 3 * s], src[o + s]);
  return [t10 + q3, t11 + q2, t12 + q1, t13 + q0, t13 - q0, t12 - q1, t11 - q2, t10 - q3];
}

/**
 * jpeg_idct_islow: dequantizes `coef` (64 quantized coefficients, row-major) with `qt` and writes
 * the 8×8 reconstructed samples into `out` at `outOffset` with row stride `stride`.
 * `ws` is a 64-entry scratch buffer.
 */
export function inverseDctIslow(
  coef: Int32Array,
  qt: Int32Array,
  ws: Float64Array,
  out: Uint8Array,
  outOffset: number,
  stride: number,
): void {
  for (let i = 0; i < 64; i++) ws[i] = coef[i] * qt[i];
  for (let c = 0; c < 8; c++) {
    const col = idct1d(ws, c, 8);
    for (let k = 0; k < 8; k++) ws[c + 8 * k] = descale(col[k], CONST_BITS - PASS1_BITS);
  }
  for (let r = 0; r < 8; r++) {
    const row = idct1d(ws, r * 8, 1);
    const base = outOffset + r * stride;
    for (let k = 0; k < 8; k++) out[base + k] = rangeLimit(descale(row[k], CONST_BITS + PASS1_BITS + 3));
  }
}

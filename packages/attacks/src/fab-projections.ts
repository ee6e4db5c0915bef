/**
 * auto-attack's fab_projections.py for one example, on the host in float64: the smallest
 * perturbation d (L∞ or L2) with ⟨w, t + d⟩ = b, t + d in the box [0, 1]^D (as far as reachable).
 */

const RADIX = 256;
const digitCounts = new Int32Array(8 * RADIX);

/** Unsigned keys ordered as the float64 values (−0 as +0): two 32-bit words per value, low word first. */
function orderedKeys(v: Float64Array): Uint32Array {
  const n = v.length;
  const bits = new Uint32Array(new Float64Array(v.map((x) => x + 0)).buffer); // x + 0 turns −0 into +0
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const [loAt, hiAt] = little ? [0, 1] : [1, 0];
  const keys = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const lo = bits[2 * i + loAt];
    const hi = bits[2 * i + hiAt];
    // negatives: flip every bit (larger magnitude sorts first); positives: set the sign bit
    const negative = hi >>> 31 === 1;
    keys[2 * i] = negative ? ~lo >>> 0 : lo;
    keys[2 * i + 1] = negative ? ~hi >>> 0 : (hi | 0x80000000) >>> 0;
  }
  return keys;
}

/**
 * Indices sorting `v` ascending, equal values in index order: an LSD radix sort over the 8 bytes
 * of order-preserving keys, skipping bytes every key shares. (Int32Array#sort with a comparator
 * calls into JS per comparison; that sort was half of FAB's time.)
 */
export function argsort(v: Float64Array): Int32Array {
  const n = v.length;
  const keys = orderedKeys(v);
  const counts = digitCounts.fill(0);
  for (let i = 0; i < n; i++) {
    for (let byte = 0; byte < 8; byte++) counts[byte * RADIX + ((keys[2 * i + (byte >> 2)] >>> ((byte & 3) * 8)) & 255)]++;
  }
  let src = Int32Array.from({ length: n }, (_, i) => i);
  let dst = new Int32Array(n);
  for (let byte = 0; byte < 8; byte++) {
    const base = byte * RADIX;
    if (n === 0 || counts[base + ((keys[2 * src[0] + (byte >> 2)] >>> ((byte & 3) * 8)) & 255)] === n) continue;
    let start = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[base + d];
      counts[base + d] = start;
      start += c;
    }
    const word = byte >> 2;
    const shift = (byte & 3) * 8;
    // a stable pass: keeps the order of the previous passes (and the indices' order) among equal digits
    for (let i = 0; i < n; i++) dst[counts[base + ((keys[2 * src[i] + word] >>> shift) & 255)]++] = src[i];
    [src, dst] = [dst, src];
  }
  return src;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** projection_linf(points, w, b) for one row. */
export function projectionLinf(t: Float64Array, wIn: Float64Array, bIn: number): Float64Array {
  const n = t.length;
  const sign = dot(wIn, t) - bIn >= 0 ? 1 : -1;
  const w = new Float64Array(n);
  const a = new Uint8Array(n);
  const d = new Float64Array(n);
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    w[i] = wIn[i] * sign;
    a[i] = w[i] < 0 ? 1 : 0;
    d[i] = w[i] !== 0 ? a[i] - t[i] : 0;
    p[i] = a[i] - t[i] * (2 * a[i] - 1);
  }
  let b = bIn * sign;
  const indp = argsort(p);
  b -= dot(w, t);
  const b0 = dot(w, d);
  const s = new Float64Array(n);
  const sb = new Float64Array(n);
  let accS = 0;
  let accB = 0;
  for (let j = 0; j < n; j++) {
    const i = indp[n - 1 - j];
    accS += Math.abs(w[i]);
    accB += -w[i] * d[i];
    s[j] = accS;
    sb[j] = accB + b0;
  }
  const b2 = sb[n - 1] - s[n - 1] * p[indp[0]];
  const cl = b - b2 > 0;
  const c2 = b - b0 > 0 && !cl;
  if (cl) {
    const lmbd = Math.max((b - sb[n - 1]) / -s[n - 1], 0);
    for (let i = 0; i < n; i++) d[i] = (2 * a[i] - 1) * lmbd;
  } else if (c2) {
    let lb = 0;
    let ub = n - 1;
    for (let k = 0; k < Math.ceil(Math.log2(n)); k++) {
      const mid = Math.floor((lb + ub) / 2);
      const cur = sb[mid] - s[mid] * p[indp[n - 1 - mid]];
      if (b - cur > 0) lb = mid;
      else ub = mid;
    }
    const lmbd = Math.max((b - sb[lb]) / -s[lb], 0);
    for (let i = 0; i < n; i++) d[i] = a[i] ? Math.min(lmbd, d[i]) : Math.max(-lmbd, d[i]);
  }
  for (let i = 0; i < n; i++) if (w[i] === 0) d[i] = 0;
  return d;
}

const BIG = 1e12;

/** projection_l2(points, w, b) for one row. */
export function projectionL2(t: Float64Array, wIn: Float64Array, bIn: number): Float64Array {
  const n = t.length;
  let c = dot(wIn, t) - bIn;
  const sign = c >= 0 ? 1 : -1;
  const w = wIn.map((v) => v * sign);
  c *= sign;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = Math.min(Math.max(Math.max(t[i] / w[i], (t[i] - 1) / w[i]), -BIG), BIG);
    if (Math.abs(w[i]) < 1e-8 || Number.isNaN(v)) v = BIG;
    if (v === -BIG) v = BIG;
    r[i] = v;
  }
  const indr = argsort(r);
  const rs = Float64Array.from(indr, (i) => r[i]);
  const rs2 = new Float64Array(n);
  for (let j = 0; j < n - 1; j++) rs2[j] = rs[j + 1];
  for (let j = 0; j < n; j++) {
    if (rs[j] === BIG) rs[j] = 0;
    if (rs2[j] === BIG) rs2[j] = 0;
  }
  const w3s = Float64Array.from(indr, (i) => w[i] * w[i]);
  const w5 = w3s.reduce((x, y) => x + y, 0);
  const ws = new Float64Array(n);
  let acc = 0;
  for (let j = 0; j < n; j++) {
    acc += w3s[j];
    ws[j] = w5 - acc;
  }
  const d = Float64Array.from(r, (ri, i) => (Math.abs(w[i]) > 1e-8 ? -(ri * w[i]) : 0));
  const s = new Float64Array(n + 1);
  s[0] = -w5 * rs[0];
  let cum = 0;
  for (let j = 0; j < n; j++) {
    cum += (-rs2[j] + rs[j]) * ws[j];
    s[j + 1] = cum - w5 * rs[0];
  }
  const c4 = s[0] + c < 0;
  const c3 = dot(d, w) + c > 0;
  if (c4) {
    const alpha = c / w5;
    for (let i = 0; i < n; i++) d[i] = -alpha * w[i];
  } else if (!c3) {
    let lb = 0;
    let ub = n - 1;
    for (let k = 0; k < Math.ceil(Math.log2(n)); k++) {
      const mid = Math.floor((lb + ub) / 2);
      if (s[mid] + c > 0) lb = mid;
      else ub = mid;
    }
    let alpha = (s[lb] + c) / ws[lb] + rs[lb];
    if (ws[lb] === 0) alpha = 0;
    for (let i = 0; i < n; i++) if (!(alpha > r[i])) d[i] = -alpha * w[i];
  }
  return d.map((v, i) => (Math.abs(w[i]) > 1e-8 ? v : 0));
}

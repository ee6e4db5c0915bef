/**
 * auto-attack's fab_projections.py for one example, on the host in float64: the smallest
 * perturbation d (L∞ or L2) with ⟨w, t + d⟩ = b, t + d in the box [0, 1]^D (as far as reachable).
 */

const DIGIT_BITS = 11;
const BUCKETS = 1 << DIGIT_BITS;
const bucketStarts = new Int32Array(BUCKETS);

/** Unsigned 32-bit keys ordered as float32(v) (−0 as +0): equal keys for values within a float32 step. */
function float32Keys(v: Float64Array): Uint32Array {
  const asFloat = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) asFloat[i] = v[i] + 0; // + 0 turns −0 into +0
  const keys = new Uint32Array(asFloat.buffer);
  // negatives: flip every bit (larger magnitude first); positives: set the sign bit
  for (let i = 0; i < keys.length; i++) keys[i] = keys[i] >>> 31 === 1 ? ~keys[i] >>> 0 : (keys[i] | 0x80000000) >>> 0;
  return keys;
}

/** One stable counting pass of an LSD radix sort on the `shift`-th 11-bit digit of `keys`. */
function radixPass(keys: Uint32Array, src: Int32Array, dst: Int32Array, shift: number): void {
  const starts = bucketStarts.fill(0);
  for (let i = 0; i < src.length; i++) starts[(keys[src[i]] >>> shift) & (BUCKETS - 1)]++;
  let total = 0;
  for (let d = 0; d < BUCKETS; d++) {
    const count = starts[d];
    starts[d] = total;
    total += count;
  }
  for (let i = 0; i < src.length; i++) dst[starts[(keys[src[i]] >>> shift) & (BUCKETS - 1)]++] = src[i];
}

/**
 * Indices sorting `v` ascending, equal values in index order — as a stable comparator sort, but
 * without calling into JS per comparison (that sort was half of FAB's time): an LSD radix sort
 * (3 passes of 11 bits) on float32 keys, then an insertion sort of each run of equal keys by the
 * exact float64 values (runs are short: values closer than a float32 step).
 */
export function argsort(v: Float64Array): Int32Array {
  const n = v.length;
  const keys = float32Keys(v);
  let src = new Int32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  let dst = new Int32Array(n);
  for (let shift = 0; shift < 32; shift += DIGIT_BITS) {
    radixPass(keys, src, dst, shift);
    [src, dst] = [dst, src];
  }
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && keys[src[end]] === keys[src[start]]) end++;
    if (end - start > 1) insertionSortRun(v, src, start, end);
    start = end;
  }
  return src;
}

/** Stable insertion sort of order[start, end) by v (ties keep their order: ascending indices). */
function insertionSortRun(v: Float64Array, order: Int32Array, start: number, end: number): void {
  for (let i = start + 1; i < end; i++) {
    const idx = order[i];
    let j = i - 1;
    while (j >= start && v[order[j]] > v[idx]) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = idx;
  }
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * projection_linf's bisection without sorting. In the reference's order (p descending) the
 * bisected function f(j) = b − (sb[j] − s[j]·p_(j)) never increases — each element adds
 * s[j]·(p_(j) − p_(j+1)) ≥ 0 to sb[j] − s[j]·p_(j), since −w·d = p·|w| for every element — and is
 * constant over equal p. So the bisection ends at the last rank with f > 0, i.e. the smallest value θ of p with F(θ) = b − (b0 + Σ_{p ≥ θ} −w·d − θ·Σ_{p ≥ θ} |w|) > 0.
 * Found here by a quickselect-style search over the values of p: one three-way partition of the
 * remaining candidates per step, O(D) expected. Returns s and sb at that rank.
 */
function bisectByValue(p: Float64Array, absW: Float64Array, wd: Float64Array, b: number, b0: number): { s: number; sb: number } {
  const n = p.length;
  let ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = i;
  let scratch = new Int32Array(n);
  let count = n;
  let sAbove = 0; // Σ |w| and Σ −w·d over the values known to lie above the answer
  let wdAbove = 0;
  let found: { s: number; sb: number } | undefined;
  while (count > 0) {
    const theta = medianOfThree(p[ids[0]], p[ids[count >> 1]], p[ids[count - 1]]);
    // [0, hi): p > θ; then p = θ (summed, not kept); from the end down to lo: p < θ
    let hi = 0;
    let lo = count;
    let sHi = 0;
    let wdHi = 0;
    let sEq = 0;
    let wdEq = 0;
    for (let j = 0; j < count; j++) {
      const e = ids[j];
      if (p[e] > theta) {
        scratch[hi++] = e;
        sHi += absW[e];
        wdHi += wd[e];
      } else if (p[e] < theta) {
        scratch[--lo] = e;
      } else {
        sEq += absW[e];
        wdEq += wd[e];
      }
    }
    const s = sAbove + sHi + sEq;
    const sumWd = wdAbove + wdHi + wdEq;
    [ids, scratch] = [scratch, ids];
    if (b - (sumWd + b0 - s * theta) > 0) {
      // θ qualifies: the answer is θ or a smaller value
      found = { s, sb: sumWd + b0 };
      sAbove = s;
      wdAbove = sumWd;
      ids = ids.subarray(lo, count);
      scratch = scratch.subarray(lo, count);
      count = ids.length;
    } else {
      count = hi;
    }
  }
  // The largest value always qualifies when b − b0 > 0 (the only case this is called in): over
  // equal p, sb − s·p = b0 because −w·d = p·|w|. Without one (NaN inputs): λ = 0, no step.
  return found ?? { s: 0, sb: b0 };
}

function medianOfThree(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

/** projection_linf(points, w, b) for one row. */
export function projectionLinf(t: Float64Array, wIn: Float64Array, bIn: number): Float64Array {
  const n = t.length;
  const sign = dot(wIn, t) - bIn >= 0 ? 1 : -1;
  const d = new Float64Array(n);
  const p = new Float64Array(n);
  const absW = new Float64Array(n);
  const wd = new Float64Array(n); // −w·d
  let wt = 0;
  let b0 = 0;
  let sAll = 0;
  let wdAll = 0;
  let pMin = Infinity;
  // one pass for the reference's w, a, d, p and the sums it takes of them (same order of terms)
  for (let i = 0; i < n; i++) {
    const w = wIn[i] * sign;
    const a = w < 0 ? 1 : 0;
    d[i] = w !== 0 ? a - t[i] : 0;
    p[i] = a - t[i] * (2 * a - 1);
    wt += w * t[i];
    b0 += w * d[i];
    absW[i] = Math.abs(w);
    wd[i] = -w * d[i];
    sAll += absW[i];
    wdAll += wd[i];
    pMin = Math.min(pMin, p[i]);
  }
  const b = bIn * sign - wt;
  // s and sb of the reference at the last rank: the totals
  const sbAll = wdAll + b0;
  const cl = b - (sbAll - sAll * pMin) > 0;
  const c2 = b - b0 > 0 && !cl;
  if (cl) {
    const lmbd = Math.max((b - sbAll) / -sAll, 0);
    for (let i = 0; i < n; i++) d[i] = (wIn[i] * sign < 0 ? 1 : -1) * lmbd;
  } else if (c2) {
    const at = bisectByValue(p, absW, wd, b, b0);
    const lmbd = Math.max((b - at.sb) / -at.s, 0);
    for (let i = 0; i < n; i++) d[i] = wIn[i] * sign < 0 ? Math.min(lmbd, d[i]) : Math.max(-lmbd, d[i]);
  }
  for (let i = 0; i < n; i++) if (wIn[i] === 0) d[i] = 0;
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

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
  let src = Int32Array.from({ length: n }, (_, i) => i);
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

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Element x comes before y in projection_linf's order: p descending; equal p, higher index first. */
function ranksBefore(p: Float64Array, x: number, y: number): boolean {
  return p[x] > p[y] || (p[x] === p[y] && x > y);
}

/** Reorders ids[0, m) so that ids[k] is the k-th in rank order, the ones before it first (quickselect). */
function selectRank(p: Float64Array, ids: Int32Array, m: number, k: number): void {
  let lo = 0;
  let hi = m - 1;
  while (hi > lo) {
    // median of three as the pivot, moved to hi
    const mid = (lo + hi) >> 1;
    if (ranksBefore(p, ids[mid], ids[lo])) swap(ids, mid, lo);
    if (ranksBefore(p, ids[hi], ids[lo])) swap(ids, hi, lo);
    if (ranksBefore(p, ids[mid], ids[hi])) swap(ids, mid, hi);
    const pivot = ids[hi];
    let store = lo;
    for (let i = lo; i < hi; i++) {
      if (ranksBefore(p, ids[i], pivot)) swap(ids, i, store++);
    }
    swap(ids, store, hi);
    if (store === k) return;
    if (k < store) hi = store - 1;
    else lo = store + 1;
  }
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/**
 * projection_linf's bisection over the elements in rank order (sorted by p, descending), without
 * sorting: each step selects the element at rank `mid` among the candidates left and sums |w| and
 * −w·d over the ranks up to it, so the path of (lb, ub) is the reference's. Returns s[lb] and sb[lb].
 */
function bisectByRank(p: Float64Array, absW: Float64Array, wd: Float64Array, b: number, b0: number): { s: number; sb: number } {
  const n = p.length;
  let ids = Int32Array.from({ length: n }, (_, i) => i); // the elements of ranks lb … ub, in any order
  let lb = 0;
  let ub = n - 1;
  let sBefore = 0; // Σ over ranks < lb
  let wdBefore = 0;
  let top = 0;
  for (let i = 1; i < n; i++) if (ranksBefore(p, i, top)) top = i;
  let atLb = { s: absW[top], sb: wd[top] + b0 };
  for (let step = 0; step < Math.ceil(Math.log2(n)); step++) {
    const mid = Math.floor((lb + ub) / 2);
    const k = mid - lb;
    selectRank(p, ids, ids.length, k);
    let s = sBefore;
    let wdSum = wdBefore;
    for (let j = 0; j <= k; j++) {
      s += absW[ids[j]];
      wdSum += wd[ids[j]];
    }
    const here = ids[k];
    if (b - (wdSum + b0 - s * p[here]) > 0) {
      lb = mid;
      atLb = { s, sb: wdSum + b0 };
      sBefore = s - absW[here];
      wdBefore = wdSum - wd[here];
      ids = ids.subarray(k);
    } else {
      ub = mid;
      ids = ids.subarray(0, k + 1);
    }
  }
  return atLb;
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
  const b = bIn * sign - dot(w, t);
  const b0 = dot(w, d);
  const absW = new Float64Array(n);
  const wd = new Float64Array(n);
  let sAll = 0;
  let wdAll = 0;
  let pMin = Infinity;
  for (let i = 0; i < n; i++) {
    absW[i] = Math.abs(w[i]);
    wd[i] = -w[i] * d[i];
    sAll += absW[i];
    wdAll += wd[i];
    pMin = Math.min(pMin, p[i]);
  }
  // s and sb of the reference at the last rank: the totals
  const sbAll = wdAll + b0;
  const cl = b - (sbAll - sAll * pMin) > 0;
  const c2 = b - b0 > 0 && !cl;
  if (cl) {
    const lmbd = Math.max((b - sbAll) / -sAll, 0);
    for (let i = 0; i < n; i++) d[i] = (2 * a[i] - 1) * lmbd;
  } else if (c2) {
    const at = bisectByRank(p, absW, wd, b, b0);
    const lmbd = Math.max((b - at.sb) / -at.s, 0);
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

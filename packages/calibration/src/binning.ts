/**
 * Bin edges and per-bin sums. Edges follow the reference (Kumar et al.'s `calibration` package):
 * a list of upper edges, excluding 0 and ending with 1.0; value `v` falls in the first bin whose
 * upper edge is `>= v` (numpy `searchsorted(edges, v, side='left')`), i.e. bins are
 * right-closed `(lo, hi]` and the first bin also takes `v = 0`.
 */

/** `'equal-mass'`: quantile bins (reference `get_equal_bins`); `'equal-width'`: `[i/B]` (`get_equal_prob_bins`). */
export type Binning = 'equal-mass' | 'equal-width';

/**
 * Which bin-membership rule to use.
 * - `'kumar'` (default): right-closed bins `(lo, hi]`, as in Kumar et al.'s reference.
 * - `'torchmetrics'`: torchmetrics' `_binning_bucketize`: left-closed bins `[lo, hi)` over
 *   `linspace(0, 1, B + 1)`, plus an extra bin that holds only confidences equal to exactly 1.0
 *   (so a confidence of 1.0 never shares a bin with 0.95). Equal-width only.
 */
export type BinConvention = 'kumar' | 'torchmetrics';

/**
 * Equal-mass upper edges as the reference's `get_equal_bins`: sort the values, split them into
 * `min(numBins, n)` consecutive groups like numpy's `array_split` (the first `n mod B` groups get
 * one extra value), put an edge halfway between neighbouring groups, append 1.0, and drop
 * duplicate edges (ties can make fewer bins than asked for).
 */
export function equalMassEdges(values: ArrayLike<number>, numBins: number): number[] {
  checkNumBins(numBins);
  const work = Float64Array.from(values);
  const n = work.length;
  if (n === 0) throw new RangeError('equal-mass binning needs at least one value');
  const parts = Math.min(numBins, n);
  const q = Math.floor(n / parts);
  const r = n % parts;
  // Only the order statistics either side of each group boundary matter: select them
  // (O(n log B)) instead of sorting everything (O(n log n)); the values are the same.
  const starts: number[] = [];
  for (let i = 0; i < parts - 1; i++) starts.push((i + 1) * q + Math.min(i + 1, r)); // first index of group i + 1
  const ranks: number[] = [];
  for (const st of starts) ranks.push(st - 1, st);
  const stats = orderStatistics(work, ranks);
  const edges: number[] = [];
  for (let i = 0; i < starts.length; i++) edges.push((stats[2 * i] + stats[2 * i + 1]) / 2.0);
  edges.push(1.0);
  // Sorted input gives non-decreasing midpoints (all <= 1), so set() + sorted() = drop repeats.
  const unique: number[] = [];
  for (const e of edges) if (unique.length === 0 || unique[unique.length - 1] !== e) unique.push(e);
  return unique;
}

/**
 * The values of rank `ranks[i]` (0-based, ascending ranks) of `a` (which is reordered). One
 * counting pass over 65 536 value buckets finds the bucket of every wanted rank; only those
 * buckets' values are then selected, so the cost stays ~3 passes over `a` however the values
 * cluster (a bucket holding most values, e.g. confidences near 1, is handled by quickselect).
 */
function orderStatistics(a: Float64Array, ranks: number[]): number[] {
  const n = a.length;
  if (ranks.length === 0) return [];
  if (n < 4096) {
    selectRanks(a, 0, n - 1, ranks);
    return ranks.map((k) => a[k]);
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = a[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max > min)) return ranks.map(() => min);
  const M = 65536;
  const scale = M / (max - min);
  // IEEE subtraction, multiplication and floor are monotone, so buckets preserve the order.
  const bucket = (v: number): number => Math.min(Math.floor((v - min) * scale), M - 1);
  const counts = new Int32Array(M + 1);
  for (let i = 0; i < n; i++) counts[bucket(a[i]) + 1]++;
  for (let b = 0; b < M; b++) counts[b + 1] += counts[b]; // counts[b] = number of values in buckets < b
  const wanted = new Int32Array(M).fill(-1);
  const buckets: number[] = [];
  const rankBucket = ranks.map((k) => {
    let lo = 0;
    let hi = M - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (counts[mid] <= k) lo = mid;
      else hi = mid - 1;
    }
    if (wanted[lo] < 0) {
      wanted[lo] = 0;
      buckets.push(lo);
    }
    return lo;
  });
  // Gather the wanted buckets' values, each bucket contiguous.
  let total = 0;
  for (const b of buckets) {
    wanted[b] = total;
    total += counts[b + 1] - counts[b];
  }
  const gathered = new Float64Array(total);
  const fill = new Int32Array(M);
  for (let i = 0; i < n; i++) {
    const b = bucket(a[i]);
    if (wanted[b] >= 0) gathered[wanted[b] + fill[b]++] = a[i];
  }
  const out: number[] = new Array(ranks.length);
  for (const b of buckets) {
    const off = wanted[b];
    const size = counts[b + 1] - counts[b];
    const local: number[] = [];
    const which: number[] = [];
    ranks.forEach((k, i) => {
      if (rankBucket[i] === b) {
        local.push(off + k - counts[b]);
        which.push(i);
      }
    });
    selectRanks(gathered, off, off + size - 1, [...new Set(local)].sort((x, y) => x - y));
    which.forEach((i, j) => (out[i] = gathered[local[j]]));
  }
  return out;
}

/**
 * Rearranges `a[lo..hi]` so that `a[k]` holds the k-th smallest value for every `k` in `ranks`
 * (sorted ascending, all within `[lo, hi]`): multi-quickselect with three-way partitioning, so
 * heavy ties cost nothing extra.
 */
function selectRanks(a: Float64Array, lo: number, hi: number, ranks: number[]): void {
  while (ranks.length > 0 && hi > lo) {
    if (hi - lo < 24) {
      for (let i = lo + 1; i <= hi; i++) {
        const v = a[i];
        let j = i - 1;
        while (j >= lo && a[j] > v) a[j + 1] = a[j--];
        a[j + 1] = v;
      }
      return;
    }
    // Median of three as the pivot.
    const mid = (lo + hi) >>> 1;
    const x = a[lo];
    const y = a[mid];
    const z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    // Dutch-flag partition: [lo, lt) < pivot, [lt, gt] == pivot, (gt, hi] > pivot.
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i <= gt) {
      const v = a[i];
      if (v < pivot) {
        a[i++] = a[lt];
        a[lt++] = v;
      } else if (v > pivot) {
        a[i] = a[gt];
        a[gt--] = v;
      } else i++;
    }
    const left = ranks.filter((k) => k < lt);
    const right = ranks.filter((k) => k > gt);
    // Recurse on the smaller side, loop on the larger (bounded stack depth).
    if (lt - lo < hi - gt) {
      selectRanks(a, lo, lt - 1, left);
      lo = gt + 1;
      ranks = right;
    } else {
      selectRanks(a, gt + 1, hi, right);
      hi = lt - 1;
      ranks = left;
    }
  }
}

/** Equal-width upper edges `[1/B, 2/B, …, 1]` (reference `get_equal_prob_bins`). */
export function equalWidthEdges(numBins: number): number[] {
  checkNumBins(numBins);
  const edges: number[] = [];
  for (let i = 1; i <= numBins; i++) edges.push(i / numBins);
  return edges;
}

/** Upper edges for `binning` computed from `values` (only equal-mass looks at them). */
export function binEdges(values: ArrayLike<number>, numBins: number, binning: Binning): number[] {
  if (binning === 'equal-mass') return equalMassEdges(values, numBins);
  if (binning === 'equal-width') return equalWidthEdges(numBins);
  throw new RangeError(`binning must be 'equal-mass' or 'equal-width', got ${String(binning)}`);
}

function checkNumBins(numBins: number): void {
  if (!Number.isInteger(numBins) || numBins < 1) {
    throw new RangeError(`bins must be a positive integer, got ${String(numBins)}`);
  }
}

/** numpy `searchsorted(edges, v, side='left')`: the first index with `edges[i] >= v`. */
export function searchLeft(edges: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Per-bin count and sums of confidences and targets. */
export interface BinSums {
  /** Upper edge of each bin (lower edge of bin 0 is 0). For torchmetrics: the lower edges, plus 1. */
  edges: number[];
  counts: Float64Array;
  sumConfidence: Float64Array;
  sumTarget: Float64Array;
  /** Total number of values. */
  n: number;
}

/**
 * Bins `(confidence, target)` pairs and sums each bin, with Neumaier-compensated confidence sums
 * so bin means agree with numpy's (pairwise-summed) means to ~1e-16 relative. Targets must be
 * 0/1 (their sums are then exact).
 * @param edges upper edges for `'kumar'`; ignored for `'torchmetrics'` (uses `numBins`).
 */
export function binSums(
  confidences: ArrayLike<number>,
  targets: ArrayLike<number>,
  edges: number[],
  convention: BinConvention = 'kumar',
): BinSums {
  const nb = edges.length;
  const counts = new Float64Array(nb);
  const sc = new Float64Array(nb);
  const cc = new Float64Array(nb);
  const st = new Float64Array(nb);
  const n = confidences.length;
  const e = Float64Array.from(edges);
  const torch = convention === 'torchmetrics';
  for (let i = 0; i < n; i++) {
    const v = confidences[i];
    // kumar: numpy searchsorted(edges, v, 'left') = first index with edges[b] >= v.
    // torchmetrics: bucketize(v, boundaries, right=True) - 1 = (#boundaries <= v) - 1, where
    // `edges` holds the boundaries 0, 1/B, …, 1 (B + 1 of them, one bin each).
    let lo = 0;
    let hi = nb;
    if (torch) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (e[mid] <= v) lo = mid + 1;
        else hi = mid;
      }
      lo -= 1;
    } else {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (e[mid] < v) lo = mid + 1;
        else hi = mid;
      }
    }
    counts[lo] += 1;
    // Neumaier-compensated sum of confidences (targets are 0/1: their sums are exact).
    const s = sc[lo];
    const t = s + v;
    cc[lo] += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    sc[lo] = t;
    st[lo] += targets[i];
  }
  for (let b = 0; b < nb; b++) sc[b] += cc[b];
  return { edges, counts, sumConfidence: sc, sumTarget: st, n };
}

/**
 * torchmetrics' bin boundaries `linspace(0, 1, B + 1)`, taken as the exact `i / B`.
 * (torch's own float64 linspace can differ from `i / B` in the last bit for some `i`, e.g.
 * 0.30000000000000004 for B = 10, so a confidence lying exactly on such an edge may be binned
 * differently there.)
 */
export function torchmetricsBoundaries(numBins: number): number[] {
  checkNumBins(numBins);
  const b: number[] = [];
  for (let i = 0; i <= numBins; i++) b.push(i / numBins);
  return b;
}

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
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) throw new RangeError('equal-mass binning needs at least one value');
  const parts = Math.min(numBins, n);
  const q = Math.floor(n / parts);
  const r = n % parts;
  const edges: number[] = [];
  for (let i = 0; i < parts - 1; i++) {
    const start = (i + 1) * q + Math.min(i + 1, r); // first index of group i + 1
    edges.push((sorted[start - 1] + sorted[start]) / 2.0);
  }
  edges.push(1.0);
  // Sorted input gives non-decreasing midpoints (all <= 1), so set() + sorted() = drop repeats.
  const unique: number[] = [];
  for (const e of edges) if (unique.length === 0 || unique[unique.length - 1] !== e) unique.push(e);
  return unique;
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
 * Bins `(confidence, target)` pairs and sums each bin, with Neumaier-compensated sums so bin
 * means agree with numpy's (pairwise-summed) means to ~1e-16 relative.
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
  const ct = new Float64Array(nb);
  const n = confidences.length;
  const torch = convention === 'torchmetrics';
  for (let i = 0; i < n; i++) {
    const v = confidences[i];
    // torchmetrics: bucketize(v, boundaries, right=True) - 1 = (#boundaries <= v) - 1, where
    // `edges` here holds the boundaries 0, 1/B, …, 1 (B + 1 of them, one bin each).
    const b = torch ? upperBound(edges, v) - 1 : searchLeft(edges, v);
    counts[b] += 1;
    neumaierAdd(sc, cc, b, v);
    neumaierAdd(st, ct, b, targets[i]);
  }
  for (let b = 0; b < nb; b++) {
    sc[b] += cc[b];
    st[b] += ct[b];
  }
  return { edges, counts, sumConfidence: sc, sumTarget: st, n };
}

/** Number of entries `<= v` (numpy `searchsorted(side='right')`). */
function upperBound(edges: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function neumaierAdd(sum: Float64Array, comp: Float64Array, i: number, x: number): void {
  const s = sum[i];
  const t = s + x;
  if (Math.abs(s) >= Math.abs(x)) comp[i] += s - t + x;
  else comp[i] += x - t + s;
  sum[i] = t;
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

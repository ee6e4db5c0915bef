/**
 * A piecewise-constant map from a probability to a value, as the reference's
 * `get_histogram_calibrator`: equal-mass upper edges over the fitted probabilities; each bin
 * maps to the mean target of the fitting examples that fell in it (an empty bin maps to its
 * midpoint). The building block of histogram binning and of scaling-binning.
 */
import { equalMassEdges, searchLeft } from '../binning.js';

/** Serialisable state: upper edges (last is 1.0) and one output value per bin. */
export interface BinnedMap {
  edges: number[];
  values: number[];
}

/** Fits a map on `probs` (in [0, 1]) against `targets`, with `numBins` equal-mass bins. */
export function fitBinnedMap(probs: Float64Array, targets: ArrayLike<number>, numBins: number): BinnedMap {
  const edges = equalMassEdges(probs, numBins);
  const nb = edges.length;
  const sum = new Float64Array(nb);
  const comp = new Float64Array(nb);
  const count = new Float64Array(nb);
  for (let i = 0; i < probs.length; i++) {
    const b = searchLeft(edges, probs[i]);
    count[b] += 1;
    // Neumaier-compensated sum, to agree with numpy's mean to the last bits.
    const s = sum[b];
    const x = targets[i];
    const t = s + x;
    comp[b] += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    sum[b] = t;
  }
  const values: number[] = [];
  for (let b = 0; b < nb; b++) {
    if (count[b] > 0) values.push((sum[b] + comp[b]) / count[b]);
    else values.push(b === 0 ? edges[0] / 2.0 : (edges[b] + edges[b - 1]) / 2.0);
  }
  return { edges, values };
}

/** Applies a fitted map to one probability. */
export function applyBinnedMap(map: BinnedMap, p: number): number {
  return map.values[Math.min(searchLeft(map.edges, p), map.values.length - 1)];
}

/** Checks a deserialised map. */
export function checkBinnedMap(x: unknown, where: string): BinnedMap {
  const m = x as BinnedMap;
  if (
    typeof m !== 'object' || m === null || !Array.isArray(m.edges) || !Array.isArray(m.values) ||
    m.edges.length === 0 || m.edges.length !== m.values.length ||
    !m.edges.every((e) => typeof e === 'number' && Number.isFinite(e)) ||
    !m.values.every((e) => typeof e === 'number' && Number.isFinite(e))
  ) {
    throw new TypeError(`${where}: expected { edges: number[], values: number[] } of equal, non-zero length`);
  }
  return { edges: m.edges.slice(), values: m.values.slice() };
}

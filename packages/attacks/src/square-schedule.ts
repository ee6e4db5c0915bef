import type { Rng } from '@cnn/core';

/**
 * Square Attack's schedule of p, the fraction of pixels a square covers, at iteration `it`
 * (square.py `p_selection`): p_init halves at iterations 10, 50, 200, 500, 1000, 2000, 4000, 6000
 * and 8000. With `rescale`, `it` is first mapped to a 10,000-query budget (`it / nQueries · 10⁴`).
 */
export function pSelection(it: number, pInit: number, nQueries: number, rescale: boolean): number {
  const i = rescale ? Math.trunc((it / nQueries) * 10000) : it;
  const bounds = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000];
  let halvings = 0;
  while (halvings < bounds.length && i > bounds[halvings]) halvings++;
  return pInit / 2 ** halvings;
}

/** Python's round(): halves go to the even neighbour (square.py rounds the square side with it). */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Side of the square at probability p (L∞: at least 1; L2: at least 3 and odd), at most min(h, w). */
export function squareSide(p: number, features: number, channels: number, h: number, w: number, norm: 'linf' | 'l2'): number {
  let s = roundHalfEven(Math.sqrt((p * features) / channels));
  if (norm === 'linf') s = Math.max(s, 1);
  else {
    s = Math.max(s, 3);
    if (s % 2 === 0) s += 1;
  }
  return Math.min(s, Math.min(h, w));
}

/** square.py `random_choice`: ±1 from one uniform draw (sign(2u − 1); 0 only when u is exactly ½). */
export function randomSign(rng: Rng): number {
  return Math.sign(Math.fround(2 * Math.fround(rng.uniform()) - 1));
}

/** square.py `random_int(low, high)`: ⌊low + (high − low)·u⌋ in float32 as torch computes it. */
export function randomInt(rng: Rng, low: number, high: number): number {
  return Math.trunc(Math.fround(low + Math.fround((high - low) * Math.fround(rng.uniform()))));
}

/** square.py `eta_rectangles` (L2): nested rectangles weighted 1/(k+1)², normalised to unit L2 norm; [x][y] row-major. */
function etaRectangles(x: number, y: number): Float64Array {
  const d = new Float64Array(x * y);
  const xc = Math.floor(x / 2) + 1;
  const yc = Math.floor(y / 2) + 1;
  let c0 = xc - 1;
  let c1 = yc - 1;
  for (let k = 0; k < Math.max(xc, yc); k++) {
    for (let i = Math.max(c0, 0); i < Math.min(c0 + 2 * k + 1, x); i++) {
      for (let j = Math.max(c1, 0); j < Math.min(c1 + 2 * k + 1, y); j++) d[i * y + j] += 1 / (k + 1) ** 2;
    }
    c0--;
    c1--;
  }
  return normalized(d);
}

function normalized(d: Float64Array): Float64Array {
  let s = 0;
  for (const v of d) s += v * v;
  const n = Math.sqrt(s);
  return d.map((v) => v / n);
}

/**
 * square.py `eta(s)` (L2): the s×s update pattern, +rectangles on the top half and −rectangles on
 * the bottom, unit L2 norm, transposed when a uniform draw exceeds ½ (one draw per call).
 */
export function eta(s: number, rng: Rng): Float64Array {
  const top = Math.floor(s / 2);
  const d = new Float64Array(s * s);
  d.set(etaRectangles(top, s), 0);
  const bottom = etaRectangles(s - top, s);
  for (let i = 0; i < bottom.length; i++) d[top * s + i] = -bottom[i];
  const e = normalized(d);
  if (!(Math.fround(rng.uniform()) > 0.5)) return e;
  const t = new Float64Array(s * s);
  for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) t[j * s + i] = e[i * s + j];
  return t;
}

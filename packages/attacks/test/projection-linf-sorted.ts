import { argsort, dot } from '../src/fab-projections.js';

/** projection_linf exactly as fab_projections.py writes it (argsort, cumulative sums, bisection): the check of the sort-free one. */
export function projectionLinfSorted(t: Float64Array, wIn: Float64Array, bIn: number): Float64Array {
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


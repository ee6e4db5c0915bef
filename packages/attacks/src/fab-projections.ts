/**
 * auto-attack's fab_projections.py for one example, on the host in float64: the smallest
 * perturbation d (L∞ or L2) with ⟨w, t + d⟩ = b, t + d in the box [0, 1]^D (as far as reachable).
 */

/** Indices sorting `v` ascending. */
function argsort(v: Float64Array): Int32Array {
  const idx = Int32Array.from({ length: v.length }, (_, i) => i);
  return idx.sort((a, b) => v[a] - v[b] || a - b);
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
  const w = wIn.map((v) => v * sign);
  let b = bIn * sign;
  const a = w.map((v) => (v < 0 ? 1 : 0));
  const d = a.map((ai, i) => (w[i] !== 0 ? ai - t[i] : 0));
  const p = a.map((ai, i) => ai - t[i] * (2 * ai - 1));
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
  return d.map((v, i) => (w[i] !== 0 ? v : 0));
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

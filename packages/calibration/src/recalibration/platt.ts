/**
 * Platt scaling (Platt 1999) as the reference's `get_platt_scaler`: a logistic regression of
 * the label on `logit(clip(p, 1e-12, 1 − 1e-12))`, with the same (almost absent) L2 penalty as
 * its scikit-learn `LogisticRegression(C = 1e10)`, solved here by damped Newton iterations in
 * float64 (scikit-learn stops its L-BFGS earlier, so fitted values agree to ~1e-5, not 1e-12).
 */
import { sigmoid } from '../inputs.js';
import { softplus } from '../scores.js';

/** Fitted Platt parameters: `σ(a · logit(p) + b)`. */
export interface PlattParams {
  a: number;
  b: number;
}

const CLIP = 1e-12;

/** `logit(clip(p, 1e-12, 1 − 1e-12))`, the reference's feature. */
export function plattFeature(p: number): number {
  const x = Math.min(Math.max(p, CLIP), 1 - CLIP);
  return Math.log(x / (1 - x));
}

/** Applies fitted Platt parameters to a probability. */
export function applyPlatt(params: PlattParams, p: number): number {
  return sigmoid(params.a * plattFeature(p) + params.b);
}

/** Fits `a, b` on probabilities `p` and 0/1 `targets`. */
export function fitPlatt(p: ArrayLike<number>, targets: ArrayLike<number>, C = 1e10): PlattParams {
  const n = p.length;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = plattFeature(p[i]);
  const lambda = 1 / C;
  const loss = (a: number, b: number): number => {
    let s = 0.5 * lambda * a * a;
    for (let i = 0; i < n; i++) {
      const z = a * x[i] + b;
      s += targets[i] > 0.5 ? softplus(-z) : softplus(z);
    }
    return s;
  };
  let a = 0;
  let b = 0;
  let f = loss(a, b);
  for (let it = 0; it < 200; it++) {
    let ga = lambda * a;
    let gb = 0;
    let haa = lambda;
    let hab = 0;
    let hbb = 0;
    for (let i = 0; i < n; i++) {
      const q = sigmoid(a * x[i] + b);
      const r = q - targets[i];
      const w = q * (1 - q);
      ga += r * x[i];
      gb += r;
      haa += w * x[i] * x[i];
      hab += w * x[i];
      hbb += w;
    }
    if (Math.abs(ga) + Math.abs(gb) < 1e-12 * Math.max(1, n)) break;
    const det = haa * hbb - hab * hab;
    let da: number;
    let db: number;
    if (det > 1e-300 && Number.isFinite(det)) {
      da = -(hbb * ga - hab * gb) / det;
      db = -(haa * gb - hab * ga) / det;
    } else {
      da = -ga;
      db = -gb;
    }
    // Backtracking keeps every step a descent step, so the iteration cannot diverge.
    let step = 1;
    let fNew = loss(a + da, b + db);
    while (!(fNew <= f) && step > 1e-12) {
      step /= 2;
      fNew = loss(a + step * da, b + step * db);
    }
    if (!(fNew <= f)) break;
    a += step * da;
    b += step * db;
    const done = f - fNew <= 1e-15 * Math.max(1, Math.abs(f)) && Math.abs(step * da) + Math.abs(step * db) < 1e-12;
    f = fNew;
    if (done) break;
  }
  return { a, b };
}

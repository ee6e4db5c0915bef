import type { AttackLoss } from './types.js';

/** The losses APGD runs with, the ones computed here. */
export type ApgdLoss = Exclude<AttackLoss, 'margin'>;

/** Per-example loss values and their gradients with respect to the logits. */
export interface HostLoss {
  /** `[rows]`, the objective the attack ascends (as {@link perExampleLoss}). */
  loss: Float32Array;
  /** `[rows, classes]`, d lossᵢ / d logitsᵢ. */
  dLogits: Float32Array;
  /** Top-1 class per row (first of equal maxima, as tf.argMax). */
  pred: Int32Array;
}

/**
 * {@link perExampleLoss} and its gradient with respect to the logits, on the host from logits read
 * back once, in float32 steps as the reference (PyTorch's autograd) takes them: APGD's L∞ step
 * uses the gradient's sign, which float64 flipped on near-zero entries. On backends where a read is cheap (tensorflow, wasm, cpu) this replaces
 * the dozens of tiny tensor ops of the loss and its backward pass — per-op overhead, not
 * arithmetic, is what they cost — with a loop over `rows × classes` numbers.
 *
 * Subgradients follow TF.js's autodiff of perExampleLoss: the DLR losses' sorted logits are picked
 * by successive argmax (first of equal values), so only the picked entry gets gradient.
 */
export function hostLoss(z: Float32Array, k: number, classes: Int32Array, loss: ApgdLoss, targeted: boolean, labels: Int32Array): HostLoss {
  const n = classes.length;
  const out: HostLoss = { loss: new Float32Array(n), dLogits: new Float32Array(n * k), pred: new Int32Array(n) };
  const row = new Float64Array(k);
  const grad = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) row[j] = z[i * k + j];
    grad.fill(0);
    out.loss[i] = rowLoss(row, classes[i], labels[i], loss, targeted, grad);
    out.dLogits.set(grad, i * k);
    out.pred[i] = largestIndices(row, 1)[0];
  }
  return out;
}

/** One row's loss; adds its gradient to `grad`. */
function rowLoss(z: Float64Array, c: number, y: number, loss: ApgdLoss, targeted: boolean, grad: Float64Array): number {
  if (loss === 'ce') return crossEntropy(z, c, targeted ? -1 : 1, grad);
  if (loss === 'dlr') return dlr(z, c, grad);
  return dlrTargeted(z, c, y, grad);
}

/**
 * sign · (logsumexp(z) − z_c); gradient sign · (softmax(z) − e_c). In float32 steps as PyTorch's
 * log_softmax and its backward (exp(log_softmax) − e_c): APGD's L∞ step takes the gradient's
 * sign, and float64 here flipped the sign of near-zero entries that float32 references keep.
 */
function crossEntropy(z: Float64Array, c: number, sign: number, grad: Float64Array): number {
  const f = Math.fround;
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (const v of z) sum = f(sum + f(Math.exp(f(v - max))));
  const logSum = f(Math.log(sum));
  for (let j = 0; j < z.length; j++) grad[j] += sign * f(Math.exp(f(f(z[j] - max) - logSum)));
  grad[c] = f(grad[c] - sign);
  return sign * f(logSum - f(z[c] - max));
}

/** The `count` largest entries' indices, largest first, ties to the lower index. */
function largestIndices(z: Float64Array, count: number): number[] {
  const picked: number[] = [];
  for (let r = 0; r < count; r++) {
    let best = -1;
    for (let j = 0; j < z.length; j++) {
      if (picked.includes(j)) continue;
      if (best < 0 || z[j] > z[best]) best = j;
    }
    picked.push(best);
  }
  return picked;
}

const TINY = Math.fround(1e-12);

/**
 * −(z_y − z_other) / (z_π1 − z_π3 + 1e-12), z_other = z_π2 when π1 = y else z_π1; float32 steps
 * as the reference's autograd (d(a/b) = g/b, −g·a/b²).
 */
function dlr(z: Float64Array, y: number, grad: Float64Array): number {
  const f = Math.fround;
  const [p1, p2, p3] = largestIndices(z, 3);
  const other = p1 === y ? p2 : p1;
  const num = f(z[y] - z[other]);
  const den = f(f(z[p1] - z[p3]) + TINY);
  const gNum = f(-1 / den);
  const gDen = f(num / f(den * den));
  grad[y] = f(grad[y] + gNum);
  grad[other] = f(grad[other] - gNum);
  grad[p1] = f(grad[p1] + gDen);
  grad[p3] = f(grad[p3] - gDen);
  return -f(num / den);
}

/** −(z_y − z_t) / (z_π1 − (z_π3 + z_π4)/2 + 1e-12), in float32 steps as {@link dlr}. */
function dlrTargeted(z: Float64Array, t: number, y: number, grad: Float64Array): number {
  const f = Math.fround;
  const [p1, , p3, p4] = largestIndices(z, 4);
  const num = f(z[y] - z[t]);
  const den = f(f(z[p1] - f(0.5 * f(z[p3] + z[p4]))) + TINY);
  const gNum = f(-1 / den);
  const gDen = f(num / f(den * den));
  grad[y] = f(grad[y] + gNum);
  grad[t] = f(grad[t] - gNum);
  grad[p1] = f(grad[p1] + gDen);
  grad[p3] = f(grad[p3] - f(0.5 * gDen));
  grad[p4] = f(grad[p4] - f(0.5 * gDen));
  return -f(num / den);
}

/**
 * Input validation and normalisation. Every public function of the package funnels its
 * predictions and labels through here, so the checks (and their error messages) are the same
 * everywhere, and the arithmetic downstream can assume a clean float64 matrix.
 */

/**
 * Anything shaped like a tfjs tensor: a `shape` plus `dataSync()` (flat, row-major) or
 * `arraySync()` (nested). Duck-typed so that the package does not depend on tfjs.
 * The tensor is only read, never disposed.
 */
export interface TensorLike {
  readonly shape: readonly number[];
  dataSync?(): ArrayLike<number>;
  arraySync?(): unknown;
}

/**
 * Predicted probabilities (or logits with `fromLogits: true`):
 * - `number[][]` — one row of `K` class probabilities per example;
 * - a flat row-major `Float32Array`/`Float64Array`/`number[]` **with** `numClasses` — `n × K`;
 * - a 1-D `number[]`/typed array **without** `numClasses` — binary classification, entry `i` is
 *   the probability that example `i` is class 1 (the reference's 1-D convention);
 * - a tensor-like `[n, K]` or `[n]` (see {@link TensorLike}).
 */
export type ProbsInput =
  | readonly (readonly number[] | Float32Array | Float64Array)[]
  | readonly number[]
  | Float32Array
  | Float64Array
  | TensorLike;

/** Integer class labels in `[0, K-1]` (or 0/1 for binary inputs), one per example. */
export type LabelsInput =
  | readonly number[]
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | TensorLike;

/** Options shared by every function that reads predictions. */
export interface InputOptions {
  /** Number of classes, needed when `probs` is a flat row-major typed array (or flat `number[]`). */
  numClasses?: number;
  /** Treat `probs` as logits: softmax each row (sigmoid for 1-D binary inputs) in float64. */
  fromLogits?: boolean;
  /**
   * How far a row's sum may be from 1 (absolute). Default `1e-4` (float32 softmax outputs pass).
   * `Infinity` disables the check, e.g. for marginally recalibrated outputs that are not
   * normalised.
   */
  sumTolerance?: number;
}

/** A validated float64 matrix of raw values (probabilities or logits). */
export interface Matrix {
  /** Row-major values, `rows * cols` long. */
  data: Float64Array;
  rows: number;
  /** Columns per row; 1 for binary 1-D inputs. */
  cols: number;
  /** True when the input was 1-D (binary: probability/logit of class 1). */
  binary: boolean;
}

/** Validated predictions: probabilities in [0, 1] and integer labels. */
export interface Predictions extends Matrix {
  labels: Int32Array;
  /** Number of classes: `cols`, or 2 for binary inputs. */
  numClasses: number;
}

export const DEFAULT_SUM_TOLERANCE = 1e-4;

function isTensorLike(x: unknown): x is TensorLike {
  return (
    typeof x === 'object' &&
    x !== null &&
    !Array.isArray(x) &&
    !ArrayBuffer.isView(x) &&
    Array.isArray((x as TensorLike).shape) &&
    (typeof (x as TensorLike).dataSync === 'function' ||
      typeof (x as TensorLike).arraySync === 'function')
  );
}

function isRowLike(x: unknown): x is ArrayLike<number> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  return typeof x;
}

/**
 * Reads `input` into a float64 matrix, checking shape only (not values).
 * @param name used in error messages (e.g. `'probs'`, `'logits'`).
 */
export function readMatrix(input: ProbsInput, numClasses: number | undefined, name: string): Matrix {
  if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < 2)) {
    throw new RangeError(`numClasses must be an integer >= 2, got ${String(numClasses)}`);
  }
  if (isTensorLike(input)) {
    const shape = input.shape;
    if (shape.length !== 1 && shape.length !== 2) {
      throw new RangeError(`${name} tensor must have shape [n, K] or [n], got [${shape.join(', ')}]`);
    }
    if (typeof input.dataSync === 'function') {
      const flat = input.dataSync();
      const rows = shape[0];
      const cols = shape.length === 2 ? shape[1] : 1;
      if (flat.length !== rows * cols) {
        throw new RangeError(
          `${name} tensor data has ${flat.length} values but its shape [${shape.join(', ')}] needs ${rows * cols}`,
        );
      }
      if (shape.length === 2 && numClasses !== undefined && numClasses !== cols) {
        throw new RangeError(`${name} has ${cols} classes per row but numClasses is ${numClasses}`);
      }
      return finish(Float64Array.from(flat), rows, cols, shape.length === 1, name);
    }
    return readMatrix(input.arraySync!() as ProbsInput, numClasses, name);
  }
  if (!isRowLike(input)) {
    throw new TypeError(
      `${name} must be number[][], a flat Float32Array/Float64Array (with numClasses), a 1-D array of ` +
        `class-1 probabilities, or a tensor with dataSync(); got ${describe(input)}`,
    );
  }
  const n = input.length;
  if (n === 0) throw new RangeError(`${name} is empty: expected at least one example`);
  const first = (input as ArrayLike<unknown>)[0];
  if (isRowLike(first)) {
    const rows = input as unknown as ArrayLike<ArrayLike<number>>;
    const cols = first.length;
    if (cols < 2) throw new RangeError(`${name}[0] has ${cols} entries: rows need one entry per class (>= 2)`);
    if (numClasses !== undefined && numClasses !== cols) {
      throw new RangeError(`${name} has ${cols} classes per row but numClasses is ${numClasses}`);
    }
    const data = new Float64Array(n * cols);
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      if (!isRowLike(row)) throw new TypeError(`${name}[${i}] is ${describe(row)}, expected a row of ${cols} numbers`);
      if (row.length !== cols) {
        throw new RangeError(`${name}[${i}] has ${row.length} entries, expected ${cols} (the length of ${name}[0])`);
      }
      for (let j = 0; j < cols; j++) data[i * cols + j] = row[j];
    }
    return finish(data, n, cols, false, name);
  }
  const flat = input as ArrayLike<number>;
  if (numClasses !== undefined) {
    if (n % numClasses !== 0) {
      throw new RangeError(
        `${name} is flat with ${n} values, which is not a multiple of numClasses = ${numClasses}`,
      );
    }
    return finish(Float64Array.from(flat), n / numClasses, numClasses, false, name);
  }
  return finish(Float64Array.from(flat), n, 1, true, name);
}

function finish(data: Float64Array, rows: number, cols: number, binary: boolean, name: string): Matrix {
  if (rows === 0) throw new RangeError(`${name} is empty: expected at least one example`);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) {
      throw new RangeError(`${name}${at(i, cols, binary)} is ${String(v)}: expected a finite number`);
    }
  }
  return { data, rows, cols, binary };
}

/** `[i][j]` or `[i]` for error messages. */
export function at(flatIndex: number, cols: number, binary: boolean): string {
  if (binary) return `[${flatIndex}]`;
  return `[${Math.floor(flatIndex / cols)}][${flatIndex % cols}]`;
}

/** Softmax of each row (sigmoid for binary), in place, numerically stable. */
export function softmaxInPlace(m: Matrix): void {
  const { data, rows, cols, binary } = m;
  if (binary) {
    for (let i = 0; i < rows; i++) data[i] = sigmoid(data[i]);
    return;
  }
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (data[o + j] > max) max = data[o + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(data[o + j] - max);
      data[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < cols; j++) data[o + j] /= sum;
  }
}

/** Logistic function, stable for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Reads labels, checking count, integrality and range `[0, numClasses-1]`. */
export function readLabels(labels: LabelsInput, n: number, numClasses: number, binary: boolean): Int32Array {
  let values: ArrayLike<number>;
  if (isTensorLike(labels)) {
    if (labels.shape.length !== 1) {
      throw new RangeError(`labels tensor must be 1-D [n], got shape [${labels.shape.join(', ')}]`);
    }
    values = typeof labels.dataSync === 'function' ? labels.dataSync() : (labels.arraySync!() as number[]);
  } else if (isRowLike(labels)) {
    values = labels;
  } else {
    throw new TypeError(`labels must be an array of integer class indices, got ${describe(labels)}`);
  }
  if (values.length !== n) {
    throw new RangeError(`labels has ${values.length} entries but the predictions have ${n} rows: expected one label per row`);
  }
  const out = new Int32Array(n);
  const hi = numClasses - 1;
  for (let i = 0; i < n; i++) {
    const y = values[i];
    if (typeof y !== 'number' || !Number.isInteger(y)) {
      throw new RangeError(`labels[${i}] = ${String(y)} is not an integer: expected a class index in [0, ${hi}]`);
    }
    if (y < 0 || y > hi) {
      throw new RangeError(
        binary
          ? `labels[${i}] = ${y} is out of range: with 1-D (binary) probabilities each label must be 0 or 1`
          : `labels[${i}] = ${y} is out of range: expected a class index in [0, ${hi}] (${numClasses} classes)`,
      );
    }
    out[i] = y;
  }
  return out;
}

/** Checks entries in [0, 1] and rows summing to 1 within `tol`. */
export function checkProbabilities(m: Matrix, tol: number, name = 'probs'): void {
  if (!(tol >= 0)) throw new RangeError(`sumTolerance must be >= 0 (or Infinity), got ${String(tol)}`);
  const { data, rows, cols, binary } = m;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < 0 || v > 1) {
      throw new RangeError(
        `${name}${at(i, cols, binary)} = ${v} is outside [0, 1]: expected probabilities ` +
          `(pass { fromLogits: true } if these are logits)`,
      );
    }
  }
  if (binary || tol === Infinity) return;
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[i * cols + j];
    if (Math.abs(s - 1) > tol) {
      throw new RangeError(
        `row ${i} of ${name} sums to ${s}, expected 1 within sumTolerance = ${tol} ` +
          `(pass { fromLogits: true } for logits, or raise sumTolerance)`,
      );
    }
  }
}

/**
 * Validates and normalises predictions + labels: float64 probabilities (softmaxed first when
 * `fromLogits`), int32 labels.
 * @param minSamples the fewest examples the caller's estimator can work with.
 * @param caller the public function's name, for error messages.
 */
export function toPredictions(
  probs: ProbsInput,
  labels: LabelsInput,
  options: InputOptions = {},
  minSamples = 1,
  caller = 'this function',
): Predictions {
  const m = toProbabilities(probs, options);
  const numClasses = m.binary ? 2 : m.cols;
  const y = readLabels(labels, m.rows, numClasses, m.binary);
  if (m.rows < minSamples) {
    throw new RangeError(`${caller} needs at least ${minSamples} examples, got ${m.rows}`);
  }
  return { ...m, labels: y, numClasses };
}

/** Reads and checks probabilities (softmaxed first with `fromLogits`), without labels. */
export function toProbabilities(probs: ProbsInput, options: InputOptions = {}): Matrix {
  const m = readMatrix(probs, options.numClasses, options.fromLogits ? 'logits' : 'probs');
  if (options.fromLogits) softmaxInPlace(m);
  else checkProbabilities(m, options.sumTolerance ?? DEFAULT_SUM_TOLERANCE);
  return m;
}

/** One column of a validated matrix as a new Float64Array. */
export function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
}

/**
 * Top-label view: the largest probability of each row and whether its class (the first
 * maximum, like numpy's argmax) equals the label.
 */
export function topLabel(p: Predictions): { confidences: Float64Array; predictions: Int32Array; correct: Float64Array } {
  const { rows, cols, data, labels } = p;
  const confidences = new Float64Array(rows);
  const predictions = new Int32Array(rows);
  const correct = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let best = 0;
    let bv = data[o];
    for (let j = 1; j < cols; j++) {
      if (data[o + j] > bv) {
        bv = data[o + j];
        best = j;
      }
    }
    confidences[i] = bv;
    predictions[i] = best;
    correct[i] = best === labels[i] ? 1 : 0;
  }
  return { confidences, predictions, correct };
}

/** One-vs-rest indicator of class `j` (for binary inputs: the labels themselves). */
export function indicator(p: Predictions, j: number): Float64Array {
  const out = new Float64Array(p.rows);
  for (let i = 0; i < p.rows; i++) out[i] = p.labels[i] === j ? 1 : 0;
  return out;
}

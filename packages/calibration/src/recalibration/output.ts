/** Shapes of recalibrated outputs. */

/**
 * What a binning recalibrator returns:
 * - `'marginal'`: one recalibrated probability per class, `n × K` (rows are NOT renormalised,
 *   as in the reference; read them with `sumTolerance: Infinity`);
 * - `'top-label'`: the predicted class (first argmax) and its recalibrated confidence — measure
 *   it with the 1-D form, e.g. `ece(out.confidences, correct)` where `correct[i] = 1` if
 *   `out.predictions[i] === labels[i]`;
 * - `'binary'`: for 1-D inputs, the recalibrated probability of class 1.
 */
export type CalibratedOutput =
  | { kind: 'marginal'; probs: number[][] }
  | { kind: 'top-label'; predictions: number[]; confidences: number[] }
  | { kind: 'binary'; probs: number[] };

/** 0/1 correctness of top-label predictions against labels, for evaluating top-label outputs. */
export function correctness(predictions: ArrayLike<number>, labels: ArrayLike<number>): number[] {
  if (predictions.length !== labels.length) {
    throw new RangeError(`predictions has ${predictions.length} entries but labels has ${labels.length}`);
  }
  const out: number[] = [];
  for (let i = 0; i < predictions.length; i++) out.push(predictions[i] === labels[i] ? 1 : 0);
  return out;
}

export function toRows(data: Float64Array, rows: number, cols: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) out.push(Array.from(data.subarray(i * cols, (i + 1) * cols)));
  return out;
}

export function checkJsonType(json: unknown, type: string): Record<string, unknown> {
  const j = json as Record<string, unknown>;
  if (typeof j !== 'object' || j === null || j.type !== type) {
    throw new TypeError(`expected a JSON object with type '${type}', got ${JSON.stringify(j?.type ?? j)}`);
  }
  if (j.version !== 1) throw new TypeError(`${type}: unsupported version ${String(j.version)} (this library reads version 1)`);
  return j;
}

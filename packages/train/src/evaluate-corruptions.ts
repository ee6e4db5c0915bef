import * as tf from '@tensorflow/tfjs-core';
import { accuracy, brier, calibrationError, ece, nll } from '@cnn/calibration';
import type { Classifier } from '@cnn/core';
import type { Dataset, Sample } from '@cnn/data';
import { cellSeed, corruptionPlan, loadCorruptFunction, type CorruptionPlan } from './corruption-plan.js';
import type { CorruptFunction, CorruptionEvalOptions, CorruptionExample, CorruptionResult, RgbBytes, ShiftCalibration } from './corruption-types.js';
import { asClassifier } from './evaluate.js';
import { pngDataUrl } from './png.js';
import type { TrainableModel } from './types.js';

/** Per-example probabilities gathered over the batches: clean, and per corruption × severity. */
interface Gathered {
  numClasses: number;
  labels: number[];
  clean: Float32Array[];
  /** `cells[c][s]`: chunks of corruption c at severity index s. */
  cells: Float32Array[][][];
}

/**
 * Accuracy and calibration of a classifier under common corruptions (Hendrycks & Dietterich 2019):
 * for the first `limit` examples of `dataset`, the clean image and the image under every corruption
 * × severity (made by `options.corrupt`, default `corrupt` of `@cnn/corruptions`, seeded per
 * (seed, example, corruption, severity), so the numbers do not depend on batching). Returns accuracy
 * per corruption and severity, the mean corruption accuracy, the corruption errors CE_c =
 * Σ_s E_{s,c} / Σ_s E^{base}_{s,c} and their mean (mCE) when a baseline is given, and calibration
 * under shift per severity (ECE, debiased ℓ2 top-label error, NLL, Brier via `@cnn/calibration`;
 * severity 0 is clean, each other severity pools every corruption). Evaluation mode; leaves
 * `tf.memory().numTensors` unchanged, also on errors.
 */
export async function evaluateCorruptions(model: TrainableModel | Classifier, dataset: Dataset, options: CorruptionEvalOptions): Promise<CorruptionResult> {
  if (!dataset || typeof dataset.get !== 'function') throw new TypeError('evaluateCorruptions: dataset must be a @cnn/data Dataset (length, get(i))');
  const plan = corruptionPlan(options, dataset.length);
  const classifier = asClassifier(model);
  const corrupt = options.corrupt ?? (await loadCorruptFunction());
  const g: Gathered = { numClasses: 0, labels: [], clean: [], cells: plan.corruptions.map(() => plan.severities.map(() => [])) };
  const total = plan.n * (1 + plan.corruptions.length * plan.severities.length);
  let done = 0;
  let example: CorruptionExample | undefined;
  for (let start = 0; start < plan.n; start += plan.batchSize) {
    const indices = Array.from({ length: Math.min(plan.batchSize, plan.n - start) }, (_, j) => start + j);
    const samples = await Promise.all(indices.map((i) => dataset.get(i)));
    checkSamples(samples, indices, dataset);
    g.labels.push(...samples.map((s) => s.label));
    g.clean.push(await predict(classifier, samples, g));
    options.onProgress?.((done += samples.length), total);
    for (const [c, name] of plan.corruptions.entries()) {
      for (const [s, severity] of plan.severities.entries()) {
        const corrupted = samples.map((x, j) => corruptOne(corrupt, x, name, severity, cellSeed(plan.seed, indices[j], name, severity)));
        g.cells[c][s].push(await predict(classifier, corrupted, g));
        options.onProgress?.((done += samples.length), total);
      }
    }
    if (plan.example && indices.includes(plan.example.index)) example = keptExample(samples[plan.example.index - start], plan, corrupt);
  }
  const result = summarize(plan, g, example);
  return options.baseline ? { ...result, ...corruptionErrors(result, options.baseline) } : result;
}

function checkSamples(samples: Sample[], indices: number[], dataset: Dataset): void {
  const { height, width } = samples[0];
  samples.forEach((s, j) => {
    if (s.height !== height || s.width !== width || s.image.length !== height * width * 3) {
      throw new Error(
        `evaluateCorruptions: example ${indices[j]} is ${s.width}×${s.height} with ${s.image.length} bytes; expected ${width}×${height}×3 = ${width * height * 3} like example ${indices[0]} (one size per data set)`,
      );
    }
    if (!Number.isInteger(s.label) || s.label < 0 || (dataset.classNames?.length && s.label >= dataset.classNames.length)) {
      throw new RangeError(`evaluateCorruptions: example ${indices[j]} has label ${s.label}, outside the data set's classes`);
    }
  });
}

function corruptOne(corrupt: CorruptFunction, x: RgbBytes, name: string, severity: number, seed: number): RgbBytes {
  const out = corrupt({ image: x.image, height: x.height, width: x.width }, name, severity, { seed });
  if (!out || out.height !== x.height || out.width !== x.width || out.image?.length !== x.image.length) {
    throw new Error(`evaluateCorruptions: corrupt(…, "${name}", ${severity}) returned ${out?.width}×${out?.height} with ${out?.image?.length} bytes; expected a ${x.width}×${x.height} RGB image`);
  }
  return out;
}

/** Softmax probabilities of a batch of byte images (flat `n × k`); no tensor outlives the call. */
async function predict(classifier: Classifier, images: RgbBytes[], g: Gathered): Promise<Float32Array> {
  const { height, width } = images[0];
  const size = height * width * 3;
  const pixels = new Float32Array(images.length * size);
  images.forEach((x, j) => {
    for (let i = 0; i < size; i++) pixels[j * size + i] = x.image[i] / 255;
  });
  const probs = tf.tidy(() => tf.softmax(classifier(tf.tensor4d(pixels, [images.length, height, width, 3]))));
  try {
    const k = probs.shape[1] as number;
    if (g.numClasses && k !== g.numClasses) throw new Error(`evaluateCorruptions: the classifier output ${k} classes, earlier ${g.numClasses}`);
    g.numClasses = k;
    return ((await probs.data()) as Float32Array).slice();
  } finally {
    probs.dispose();
  }
}

function keptExample(sample: Sample, plan: CorruptionPlan, corrupt: CorruptFunction): CorruptionExample {
  const { index, severity } = plan.example!;
  const url = (x: RgbBytes) => pngDataUrl(x.image, x.width, x.height, 3);
  return {
    index,
    label: sample.label,
    severity,
    clean: url(sample),
    corrupted: plan.corruptions.map((name) => ({ name, image: url(corruptOne(corrupt, sample, name, severity, cellSeed(plan.seed, index, name, severity))) })),
  };
}

function concat(chunks: Float32Array[]): Float32Array {
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function shiftCalibration(probs: Float32Array, labels: Int32Array, numClasses: number, bins: number): ShiftCalibration {
  const o = { numClasses };
  return {
    accuracy: accuracy(probs, labels, o),
    ece: ece(probs, labels, { ...o, bins }),
    calibrationErrorTopLabel: calibrationError(probs, labels, { ...o, p: 2, debias: true, mode: 'top-label' }),
    nll: nll(probs, labels, o),
    brier: brier(probs, labels, o),
  };
}

function summarize(plan: CorruptionPlan, g: Gathered, example: CorruptionExample | undefined): CorruptionResult {
  const k = g.numClasses;
  const labels = Int32Array.from(g.labels);
  const repeated = (times: number) => Int32Array.from({ length: times * labels.length }, (_, i) => labels[i % labels.length]);
  const cellProbs = g.cells.map((row) => row.map(concat));
  const acc = Object.fromEntries(plan.corruptions.map((name, c) => [name, cellProbs[c].map((p) => accuracy(p, labels, { numClasses: k }))]));
  const cells = Object.values(acc).flat();
  const clean = shiftCalibration(concat(g.clean), labels, k, plan.bins);
  const calibration = [{ severity: 0, ...clean }];
  plan.severities.forEach((severity, s) => {
    const pooled = concat(cellProbs.map((row) => row[s]));
    calibration.push({ severity, ...shiftCalibration(pooled, repeated(plan.corruptions.length), k, plan.bins) });
  });
  const result: CorruptionResult = {
    n: plan.n,
    corruptions: plan.corruptions,
    severities: plan.severities,
    seed: plan.seed,
    cleanAccuracy: clean.accuracy,
    accuracy: acc,
    meanAccuracy: cells.reduce((a, b) => a + b, 0) / cells.length,
    calibration,
  };
  if (example) result.example = example;
  return result;
}

/**
 * Corruption errors CE_c = Σ_s E_{s,c} / Σ_s E^{base}_{s,c} and their mean over the corruptions
 * (mCE, Hendrycks & Dietterich 2019), from a result's accuracies and a baseline's error rates.
 */
export function corruptionErrors(result: Pick<CorruptionResult, 'corruptions' | 'severities' | 'accuracy'>, baseline: NonNullable<CorruptionEvalOptions['baseline']>): { ce: Record<string, number>; mce: number } {
  const ce: Record<string, number> = {};
  for (const name of result.corruptions) {
    const errors = result.accuracy[name].reduce((sum, a) => sum + (1 - a), 0);
    const base = result.severities.reduce((sum, s) => sum + baseline.errors[name][s], 0);
    ce[name] = errors / base;
  }
  const values = Object.values(ce);
  return { ce, mce: values.reduce((a, b) => a + b, 0) / values.length };
}

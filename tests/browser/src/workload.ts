/**
 * The computation both sides run — the page on each browser backend, the test process in Node —
 * so that the numbers can be compared: a tiny seeded ResNet's logits, the input gradient of its
 * cross-entropy, FGSM and PGD images, and calibration metrics of its predictions.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@cnn/core';
import { createModel, toClassifier } from '@cnn/models';
import { fgsm, perExampleLoss, pgd } from '@cnn/attacks';
import { TemperatureScaling, brier, calibrationError, ece, nll } from '@cnn/calibration';

export const BATCH = 12;
export const SIZE = 16;
export const CLASSES = 10;
export const EPS = 8 / 255;

export interface WorkloadResult {
  /** Time per part in ms, for the report (never asserted). */
  millis: Record<string, number>;
  logits: number[];
  inputGradient: number[];
  fgsm: number[];
  pgd: number[];
  calibration: CalibrationNumbers;
  /** Tensors alive after the workload minus before (the model's variables excluded): must be 0. */
  leakedTensors: number;
}

export interface CalibrationNumbers {
  ece: number;
  calibrationError: number;
  brier: number;
  nll: number;
  temperature: number;
}

/** Seeded images in [0, 1] and labels, the same numbers everywhere (JS RNG, no tfjs). */
export function workloadInputs(seed = 7): { images: Float32Array; labels: number[] } {
  const rng = createRng(seed);
  const images = Float32Array.from({ length: BATCH * SIZE * SIZE * 3 }, () => rng.uniform());
  const labels = Array.from({ length: BATCH }, () => rng.int(CLASSES));
  return { images, labels };
}

/** Calibration metrics of `logits` ([BATCH × CLASSES], flat) for `labels`: plain float64 JS. */
export function calibrationOf(logits: ArrayLike<number>, labels: number[]): CalibrationNumbers {
  const rows = Array.from({ length: labels.length }, (_, i) => softmax(Array.from(logits).slice(i * CLASSES, (i + 1) * CLASSES)));
  return {
    ece: ece(rows, labels, { bins: 5 }),
    calibrationError: calibrationError(rows, labels, { bins: 3 }),
    brier: brier(rows, labels),
    nll: nll(rows, labels),
    temperature: new TemperatureScaling().fit(Array.from(logits), labels, { numClasses: CLASSES }).temperature,
  };
}

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export interface WorkloadOptions {
  /** Run PGD (3 steps) too; default true. */
  pgd?: boolean;
  /** Labels the calibration metrics use; default {@link calibrationLabels} of this run's logits. */
  calibrationLabels?: number[];
}

/**
 * Labels for which calibration is not degenerate on an untrained net (random labels make the
 * temperature fit run to its bound): the net's own top-1 for two thirds, a seeded label otherwise.
 */
export function calibrationLabels(logits: ArrayLike<number>, labels: number[]): number[] {
  return labels.map((label, i) => {
    if (i % 3 === 2) return label;
    const row = Array.from(logits).slice(i * CLASSES, (i + 1) * CLASSES);
    return row.indexOf(Math.max(...row));
  });
}

/** Runs everything on tfjs' active backend; `millis`: time per part (for the report, not asserted). */
export async function runWorkload(options: WorkloadOptions = {}): Promise<WorkloadResult> {
  const model = createModel('resnet20', { seed: 3, stemWidth: 8, widths: [8, 16, 32], depths: [1, 1, 1] });
  const millis: Record<string, number> = {};
  const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const value = await run();
    millis[name] = Math.round(performance.now() - t0);
    return value;
  };
  try {
    const before = tf.memory().numTensors;
    const classifier = toClassifier(model);
    const { images: pixels, labels } = workloadInputs();
    const images = tf.tensor4d(pixels, [BATCH, SIZE, SIZE, 3]);
    const classes = tf.tensor1d(labels, 'int32');
    const logits = await timed('forward', async () => {
      const z = classifier(images);
      const values = Array.from(await z.data());
      z.dispose();
      return values;
    });
    const inputGradient = await timed('gradient', async () => {
      const g = tf.grad((x) => tf.sum(perExampleLoss(classifier(x as tf.Tensor4D), classes, 'ce', false)))(images);
      const values = Array.from(await g.data());
      g.dispose();
      return values;
    });
    const fgsmImages = await timed('fgsm', async () => imagesOf(await fgsm(classifier, images, labels, { eps: EPS })));
    const pgdImages = options.pgd === false ? [] : await timed('pgd', async () => imagesOf(await pgd(classifier, images, labels, { eps: EPS, steps: 3, seed: 11 })));
    tf.dispose([images, classes]);
    const calibration = calibrationOf(logits, options.calibrationLabels ?? calibrationLabels(logits, labels));
    return { logits, inputGradient, fgsm: fgsmImages, pgd: pgdImages, calibration, leakedTensors: tf.memory().numTensors - before, millis };
  } finally {
    model.dispose();
  }
}

async function imagesOf(result: { adversarial: tf.Tensor4D }): Promise<number[]> {
  const values = Array.from(await result.adversarial.data());
  result.adversarial.dispose();
  return values;
}

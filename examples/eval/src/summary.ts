import { accuracy, brier, calibrationError, ece, nll, reliabilityDiagram, type ReliabilityDiagram } from '@cnn/calibration';
import { decodeF32, type BatchRecord } from './results-file.js';

/** Calibration of one set of predictions (through `@cnn/calibration`, 15 equal-width bins). */
export interface CalibrationNumbers {
  accuracy: number;
  nll: number;
  brier: number;
  ece: number;
  /** Debiased ℓ2 calibration error (Kumar et al. 2019), top-label and marginal. */
  calibrationErrorTopLabel: number;
  calibrationErrorMarginal: number;
  reliability: ReliabilityDiagram;
}

/** The numbers of a run, computed from its per-example records only (so merged shards give the same). */
export interface Summary {
  n: number;
  cleanCorrect: number;
  cleanAccuracy: number;
  /** Cumulative: examples still correct after each stage (AutoAttack's robust accuracy after it). */
  stages: Array<{ attack: string; correct: number; robustAccuracy: number }>;
  robustCorrect: number;
  robustAccuracy: number;
  calibration?: { clean: CalibrationNumbers; adversarial: CalibrationNumbers };
  corruptions?: { severities: number[]; correct: Record<string, number[]>; accuracy: Record<string, number[]>; meanAccuracy: number };
}

export const BINS = 15;

function calibrationOf(probs: Float32Array, labels: Int32Array, numClasses: number): CalibrationNumbers {
  const opts = { numClasses };
  return {
    accuracy: accuracy(probs, labels, opts),
    nll: nll(probs, labels, opts),
    brier: brier(probs, labels, opts),
    ece: ece(probs, labels, { ...opts, bins: BINS }),
    calibrationErrorTopLabel: calibrationError(probs, labels, { ...opts, p: 2, debias: true, mode: 'top-label' }),
    calibrationErrorMarginal: calibrationError(probs, labels, { ...opts, p: 2, debias: true, mode: 'marginal' }),
    reliability: reliabilityDiagram(probs, labels, { ...opts, bins: BINS }),
  };
}

function gatherProbs(batches: BatchRecord[], key: 'cleanProbs' | 'advProbs', n: number, numClasses: number): Float32Array {
  const out = new Float32Array(n * numClasses);
  let at = 0;
  for (const b of batches) {
    const count = b.labels.length;
    out.set(decodeF32(b[key] ?? '', count * numClasses, `batch at ${b.start}: ${key}`), at);
    at += count * numClasses;
  }
  return out;
}

const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);

/** Corruption accuracy per corruption × severity from the per-batch counts. */
function corruptionSummary(batches: BatchRecord[], names: string[], n: number): NonNullable<Summary['corruptions']> {
  const severities = [1, 2, 3, 4, 5];
  const correct: Record<string, number[]> = {};
  const acc: Record<string, number[]> = {};
  names.forEach((name, c) => {
    correct[name] = severities.map((_, s) => sum(batches.map((b) => b.corruptionCorrect?.[c]?.[s] ?? 0)));
    acc[name] = correct[name].map((k) => k / n);
  });
  const all = names.flatMap((name) => acc[name]);
  return { severities, correct, accuracy: acc, meanAccuracy: sum(all) / all.length };
}

/**
 * The summary of `batches` (sorted by `start`): counts summed, accuracies as count / n, and
 * calibration recomputed from the per-example probabilities when kept (unless `withCalibration` is
 * false: the running summary after each batch skips it, it costs O(n) per batch).
 */
export function summarize(batches: BatchRecord[], stageNames: string[], numClasses: number, corruptions: string[], withCalibration = true): Summary {
  const sorted = [...batches].sort((a, b) => a.start - b.start);
  const n = sum(sorted.map((b) => b.labels.length));
  const cleanCorrect = sum(sorted.map((b) => sum(b.cleanPrediction.map((p, i) => (p === b.labels[i] ? 1 : 0)))));
  const robustCorrect = sum(sorted.map((b) => sum(b.robust)));
  const frac = (k: number) => (n === 0 ? 0 : k / n);
  const stages = stageNames.map((attack, s) => {
    const correct = sum(sorted.map((b) => b.stageCorrect[s]));
    return { attack, correct, robustAccuracy: frac(correct) };
  });
  const summary: Summary = { n, cleanCorrect, cleanAccuracy: frac(cleanCorrect), stages, robustCorrect, robustAccuracy: frac(robustCorrect) };
  if (withCalibration && n > 0 && sorted.every((b) => b.cleanProbs !== undefined && b.advProbs !== undefined)) {
    const labels = Int32Array.from(sorted.flatMap((b) => b.labels));
    summary.calibration = {
      clean: calibrationOf(gatherProbs(sorted, 'cleanProbs', n, numClasses), labels, numClasses),
      adversarial: calibrationOf(gatherProbs(sorted, 'advProbs', n, numClasses), labels, numClasses),
    };
  }
  if (n > 0 && corruptions.length > 0) summary.corruptions = corruptionSummary(sorted, corruptions, n);
  return summary;
}

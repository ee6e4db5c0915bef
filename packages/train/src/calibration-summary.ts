import { brier, calibrationError, ece, nll, accuracy, reliabilityDiagram, renderReliabilityDiagramSvg } from '@cnn/calibration';
import type { EvalResult } from './types.js';

/** The calibration fields of {@link EvalResult}, always present here. */
export type CalibrationSummary = Pick<EvalResult, 'accuracy' | 'nll' | 'brier' | 'ece' | 'calibrationErrorTopLabel' | 'calibrationErrorMarginal'> &
  Required<Pick<EvalResult, 'reliability' | 'reliabilitySvg'>>;

/** Calibration metrics of predicted probabilities (flat row-major `n × k`) through `@cnn/calibration`. */
export function calibrationSummary(
  probs: Float32Array,
  labels: Int32Array,
  numClasses: number,
  bins: number,
): CalibrationSummary {
  const opts = { numClasses };
  const diagram = reliabilityDiagram(probs, labels, { ...opts, bins });
  return {
    accuracy: accuracy(probs, labels, opts),
    nll: nll(probs, labels, opts),
    brier: brier(probs, labels, opts),
    ece: ece(probs, labels, { ...opts, bins }),
    calibrationErrorTopLabel: calibrationError(probs, labels, { ...opts, p: 2, debias: true, mode: 'top-label' }),
    calibrationErrorMarginal: calibrationError(probs, labels, { ...opts, p: 2, debias: true, mode: 'marginal' }),
    reliability: diagram,
    reliabilitySvg: renderReliabilityDiagramSvg(diagram),
  };
}

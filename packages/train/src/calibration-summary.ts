import { type ReliabilityDiagram, brier, calibrationError, ece, nll, accuracy, reliabilityDiagram, renderReliabilityDiagramSvg } from '@cnn/calibration';

/** Calibration metrics of predicted probabilities (flat row-major `n × k`) through `@cnn/calibration`. */
export function calibrationSummary(
  probs: Float32Array,
  labels: Int32Array,
  numClasses: number,
  bins: number,
): {
  accuracy: number;
  nll: number;
  brier: number;
  ece: number;
  calibrationErrorTopLabel: number;
  calibrationErrorMarginal: number;
  reliability: ReliabilityDiagram;
  reliabilitySvg: string;
} {
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

/**
 * @cnn/calibration — calibration metrics (Kumar et al.'s debiased ℓ2 calibration error, ECE,
 * MCE, Brier, NLL), bootstrap intervals, reliability diagrams (data + SVG) and recalibration
 * (temperature scaling, histogram binning, scaling-binning) on plain arrays. No runtime
 * dependencies, float64 throughout, browser-safe.
 * @packageDocumentation
 */
export type { TensorLike, ProbsInput, LabelsInput, InputOptions } from './inputs.js';
export type { Binning, BinConvention } from './binning.js';
export { equalMassEdges, equalWidthEdges } from './binning.js';
export { calibrationError, type CalibrationErrorOptions, type CalibrationMode } from './calibration-error.js';
export { ece, mce, type EceOptions } from './ece.js';
export { brier, nll, accuracy, type NllOptions } from './scores.js';
export { confidenceIntervals, type Metric, type BootstrapOptions, type ConfidenceInterval } from './bootstrap.js';
export { reliabilityDiagram, type ReliabilityDiagram, type ReliabilityBin, type ReliabilityDiagramOptions } from './reliability-diagram.js';
export { renderReliabilityDiagramSvg, type SvgOptions } from './svg.js';
export {
  TemperatureScaling,
  type TemperatureScalingOptions,
  type TemperatureScalingJSON,
  type TemperatureFitInfo,
} from './recalibration/temperature-scaling.js';
export { HistogramBinning, type HistogramBinningOptions, type HistogramBinningJSON } from './recalibration/histogram-binning.js';
export { ScalingBinning, type ScalingBinningOptions, type ScalingBinningJSON } from './recalibration/scaling-binning.js';
export { correctness, type CalibratedOutput } from './recalibration/output.js';
export type { BinnedMap } from './recalibration/binned-map.js';
export type { PlattParams } from './recalibration/platt.js';

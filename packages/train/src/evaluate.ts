import type { Classifier } from '@cnn/backend';
import type { BatchSource, EvalResult, EvaluateOptions, TrainableModel } from './types.js';

/**
 * Evaluates a model (in evaluation mode) on every batch of `loader`: clean accuracy, NLL, Brier,
 * calibration errors, and robust accuracy under `options.attacks`. Disposes every batch it reads.
 */
export async function evaluate(model: TrainableModel | Classifier, loader: BatchSource, options: EvaluateOptions = {}): Promise<EvalResult> {
  void model;
  void loader;
  void options;
  throw new Error('evaluate: not implemented yet');
}

import type { TrainHistory, TrainOptions } from './types.js';

/**
 * Trains `options.model` in place and returns the history. See {@link TrainOptions}.
 */
export async function train(options: TrainOptions): Promise<TrainHistory> {
  void options;
  throw new Error('train: not implemented yet');
}

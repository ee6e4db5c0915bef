import type * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from './types.js';
import { SGD } from './sgd.js';
import { Adam } from './adam.js';

/** JSON part of an optimiser's state (scalars); tensors travel separately (see {@link Optimizer.stateTensors}). */
export interface OptimizerStateJson {
  type: string;
  /** Number of `step()` calls so far. */
  stepCount: number;
  [key: string]: unknown;
}

/**
 * An optimiser with explicit, checkpointable state. It updates the variables it was built with
 * (by name) in place.
 */
export interface Optimizer {
  readonly config: OptimizerConfig;
  /** Number of `step()` calls so far. */
  readonly stepCount: number;
  /**
   * One update with learning rate `lr`. `grads` maps parameter names to gradients; it is not
   * disposed (the caller owns it). Parameters with no gradient are skipped.
   */
  step(grads: Record<string, tf.Tensor>, lr: number): void;
  /** The state tensors by name (e.g. `momentum_buffer/layer1.0.conv1.weight`); owned by the optimiser. */
  stateTensors(): Record<string, tf.Tensor>;
  /** The scalar state. */
  stateJson(): OptimizerStateJson;
  /** Restores state saved by {@link stateJson} / {@link stateTensors}; copies the tensors (caller keeps ownership). */
  loadState(json: OptimizerStateJson, tensors: Record<string, tf.Tensor>): void;
  /** Frees the state tensors. */
  dispose(): void;
}

/** Builds the optimiser described by `config` over the named variables. */
export function createOptimizer(config: OptimizerConfig, params: Array<[string, tf.Variable]>): Optimizer {
  switch (config.type) {
    case 'sgd':
      return new SGD(config, params);
    case 'adam':
    case 'adamw':
      return new Adam(config, params);
    default:
      throw new Error(`createOptimizer: unknown optimizer type "${(config as { type: string }).type}" (use sgd, adam, adamw)`);
  }
}


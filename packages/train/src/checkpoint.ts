import type * as tf from '@tensorflow/tfjs-core';
import type { TrainableModel } from './types.js';
import type { Optimizer, OptimizerStateJson } from './optimizer.js';

/** The JSON state of a checkpoint (`state.json`). */
export interface CheckpointState {
  format: 'cnn-train-checkpoint';
  version: 1;
  /** Epoch to continue from (0-based) and step within it: the next batch to train on. */
  epoch: number;
  step: number;
  globalStep: number;
  /** State of the trainer's RNG (`Rng.getState()`). */
  rng: number[];
  optimizer: OptimizerStateJson;
  /** Training configuration (serialisable part of TrainOptions + user config). */
  config: Record<string, unknown>;
  /** Best metric so far. */
  best?: { epoch: number; metric: string; value: number };
  /** Paths (relative to the checkpoint directory) of the weight and optimiser files. */
  files: { model: string; optimizer: string };
  /** ISO time written. */
  time: string;
}

export interface SaveCheckpointInput {
  model: TrainableModel;
  optimizer: Optimizer;
  epoch: number;
  step: number;
  globalStep: number;
  rng: number[];
  config: Record<string, unknown>;
  best?: CheckpointState['best'];
  /** Checkpoints to keep, default 2. */
  keep?: number;
}

/**
 * Writes a checkpoint into `dir` — weights and optimiser tensors as safetensors, the state as
 * JSON, each atomically — then the `latest.json` pointer (atomically, last), so an interruption at
 * any moment leaves the previous or the new checkpoint complete. Returns the state path.
 */
export async function saveCheckpoint(dir: string, input: SaveCheckpointInput): Promise<string> {
  void dir;
  void input;
  throw new Error('saveCheckpoint: not implemented yet');
}

/** A loaded checkpoint: state plus tensors (caller disposes `model` and `optimizer` tensors). */
export interface LoadedCheckpoint {
  state: CheckpointState;
  path: string;
  model: Record<string, tf.Tensor>;
  optimizer: Record<string, tf.Tensor>;
}

/** Reads the checkpoint `latest.json` points to in `dir`, or null when there is none. */
export async function loadLatestCheckpoint(dir: string): Promise<LoadedCheckpoint | null> {
  void dir;
  throw new Error('loadLatestCheckpoint: not implemented yet');
}

import type { ModelTrainingState } from './types.js';

/** What {@link Model.loadTrainingState} takes: a {@link ModelTrainingState}, `rng` optional. */
export type TrainingStateInput = Pick<ModelTrainingState, 'weights'> & { rng?: readonly number[] };

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? `an array of ${v.length}` : typeof v);

/** Whether `rng` has the form of `Rng.getState()`: 8 finite numbers (its seed is checked on restore). */
function isRngState(rng: unknown): rng is readonly number[] {
  return Array.isArray(rng) && rng.length === 8 && rng.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** Throws naming the field (after `what`) when `state` is not what {@link Model.trainingState} returns. */
export function checkTrainingState(state: unknown, what: string): asserts state is TrainingStateInput {
  if (state === null || typeof state !== 'object') {
    throw new Error(`${what}: expected { weights, rng? } as trainingState() returns, got ${describe(state)}`);
  }
  const { weights, rng } = state as Record<string, unknown>;
  if (!(weights instanceof Uint8Array)) {
    throw new Error(`${what}: weights must be the Uint8Array of safetensors bytes trainingState() returns, got ${describe(weights)}`);
  }
  if (rng !== undefined && !isRngState(rng)) {
    throw new Error(`${what}: rng must be the 8-number array getRngState() returns, got ${describe(rng)}`);
  }
}

import type { AutoAttackName } from './auto-attack-config.js';
import type { AttackNorm } from './types.js';

/** One finished stage of the cascade (a row of the stage table). */
export interface AutoAttackStage {
  attack: AutoAttackName;
  /** Robust accuracy over all examples after this stage (clean-wrong ones count as broken). */
  robustAccuracy: number;
  /** Examples this stage broke. */
  broken: number;
  /** Wall-clock seconds the stage took (summed over resumed sessions). */
  seconds: number;
}

/**
 * Everything needed to resume an evaluation, plain JSON: write `JSON.stringify(state)` after
 * every batch (see `onProgress`) and pass the parsed object back as `options.state`. The
 * adversarial images of earlier sessions are not kept (as in auto-attack's state file): after a
 * resume, `adversarial` holds the clean image for examples broken before it.
 */
export interface AutoAttackState {
  format: 'cnn-autoattack-state/1';
  norm: AttackNorm;
  eps: number;
  attacks: AutoAttackName[];
  seed: number;
  total: number;
  /** Per example: correct on the clean image (null until the clean pass finished). */
  clean: boolean[] | null;
  /** Per example: still robust (correct under every attack so far). */
  robust: boolean[];
  stages: AutoAttackStage[];
  /** The stage under way: its examples not attacked yet, and the seconds spent so far. */
  current: { attack: AutoAttackName; pending: number[]; broken: number; seconds: number } | null;
}

export function freshState(norm: AttackNorm, eps: number, attacks: AutoAttackName[], seed: number, total: number): AutoAttackState {
  return { format: 'cnn-autoattack-state/1', norm, eps, attacks, seed, total, clean: null, robust: new Array(total).fill(false), stages: [], current: null };
}

/** A deep copy (what onProgress hands out, so a caller may keep or serialise it). */
export function copyState(s: AutoAttackState): AutoAttackState {
  return JSON.parse(JSON.stringify(s)) as AutoAttackState;
}

/** Checks a state to resume from against this run's settings; returns a private copy. */
export function resumeState(fn: string, given: unknown, expected: AutoAttackState): AutoAttackState {
  const s = given as AutoAttackState;
  if (typeof s !== 'object' || s === null || s.format !== expected.format) {
    throw new Error(`${fn}: state is not an AutoAttack state (format '${expected.format}' expected, got ${typeof s === 'object' && s ? String(s.format) : typeof s})`);
  }
  const same: [string, unknown, unknown][] = [
    ['norm', s.norm, expected.norm],
    ['eps', s.eps, expected.eps],
    ['attacks', JSON.stringify(s.attacks), JSON.stringify(expected.attacks)],
    ['seed', s.seed, expected.seed],
    ['total (number of images)', s.total, expected.total],
  ];
  for (const [what, a, b] of same) {
    if (a !== b) throw new Error(`${fn}: state was made with ${what} ${String(a)}, this run has ${String(b)}: it belongs to another evaluation`);
  }
  const lengthOk = (v: unknown): boolean => Array.isArray(v) && v.length === expected.total;
  if (!lengthOk(s.robust) || (s.clean !== null && !lengthOk(s.clean)) || !Array.isArray(s.stages)) {
    throw new Error(`${fn}: state is damaged: robust/clean must list ${expected.total} examples and stages must be a list`);
  }
  if (s.current && !(Array.isArray(s.current.pending) && s.current.pending.every((i) => Number.isInteger(i) && i >= 0 && i < expected.total))) {
    throw new Error(`${fn}: state is damaged: current.pending must hold example indices below ${expected.total}`);
  }
  return copyState(s);
}

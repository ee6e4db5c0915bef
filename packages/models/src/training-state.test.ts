import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel, decodeSafetensors, weightsToBytes, type Model, type ModelOptions } from './index.js';
import { maxAbsDiff, TINY } from './test-utils.js';

/** A tiny WRN with dropout: its training-mode outputs depend on the dropout stream. */
const wrnOptions: ModelOptions = { widths: [4, 6, 8], stemWidth: 4, depths: [1, 1, 1], numClasses: 3, dropout: 0.5, seed: 3 };
const train = { training: true };
let x: tf.Tensor4D;

/** Every parameter and buffer value, by name. */
function values(model: Model): Record<string, number[]> {
  return Object.fromEntries(Object.entries(model.stateDict()).map(([name, t]) => [name, Array.from(t.dataSync())]));
}

/** A few training-mode calls (BN statistics and the dropout stream move) and a changed weight. */
function trainALittle(model: Model): void {
  tf.dispose([model.apply(x, train), model.apply(x, train)]);
  const w = model.stateDict()['conv1.weight'] as tf.Variable;
  tf.tidy(() => w.assign(tf.mul(w, 1.5)));
}

describe('Model.trainingState / loadTrainingState', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  });
  afterAll(() => x.dispose());

  it('holds what a checkpoint needs: the weights file in PyTorch layout and the dropout stream', () => {
    const a = createModel('wrn_16_2', wrnOptions);
    trainALittle(a);
    const before = tf.memory().numTensors;
    const state = a.trainingState();
    expect(tf.memory().numTensors).toBe(before);
    // The bytes checkpoints have always written (weightsToBytes in PyTorch layout), byte for byte.
    expect(state.weights).toEqual(weightsToBytes(a, { layout: 'pytorch' }));
    const decoded = decodeSafetensors(state.weights);
    expect(decoded.metadata).toMatchObject({ layout: 'pytorch', model: 'wrn_16_2' });
    tf.dispose(Object.values(decoded.tensors));
    expect(state.rng).toEqual(a.getRngState());
    expect(JSON.parse(JSON.stringify(state.rng))).toEqual(state.rng);
    a.dispose();
  });

  it('restores a fresh model of the same seed exactly: same weights, buffers and dropout masks', () => {
    const a = createModel('wrn_16_2', wrnOptions);
    trainALittle(a);
    const saved = a.trainingState();
    const b = createModel('wrn_16_2', wrnOptions);
    const withoutStream = createModel('wrn_16_2', wrnOptions);
    const before = tf.memory().numTensors;
    b.loadTrainingState({ weights: saved.weights, rng: JSON.parse(JSON.stringify(saved.rng)) });
    withoutStream.loadTrainingState({ weights: saved.weights }); // no rng: the stream stays where it is
    expect(tf.memory().numTensors).toBe(before);
    expect(values(b)).toEqual(values(a));
    expect(b.getRngState()).toEqual(a.getRngState());
    const [next, resumed, restarted] = [a.apply(x, train), b.apply(x, train), withoutStream.apply(x, train)];
    expect(maxAbsDiff(resumed, next)).toBe(0);
    expect(maxAbsDiff(restarted, next)).toBeGreaterThan(1e-3); // the masks of the first step, not the third
    tf.dispose([next, resumed, restarted]);
    [a, b, withoutStream].forEach((m) => m.dispose());
  });

  it('a model without dropout takes the stream of another seed (it never draws from it); with dropout that is an error that changes nothing', () => {
    const small = TINY[2][1];
    const a = createModel('resnet20', { ...small, seed: 1 });
    const b = createModel('resnet20', { ...small, seed: 2 });
    trainALittle(a);
    b.loadTrainingState(a.trainingState());
    expect(values(b)).toEqual(values(a));

    const c = createModel('wrn_16_2', wrnOptions);
    const d = createModel('wrn_16_2', { ...wrnOptions, seed: 4 });
    trainALittle(c);
    const [weightsBefore, rngBefore] = [values(d), d.getRngState()];
    const before = tf.memory().numTensors;
    expect(() => d.loadTrainingState(c.trainingState())).toThrow(/^wrn_16_2\.loadTrainingState: dropout RNG: .*another seed.*same seed/);
    expect(tf.memory().numTensors).toBe(before);
    expect(values(d)).toEqual(weightsBefore);
    expect(d.getRngState()).toEqual(rngBefore);
    [a, b, c, d].forEach((m) => m.dispose());
  });

  it('refuses bad input with errors naming the part, and then has changed nothing (not even the stream)', () => {
    const a = createModel('wrn_16_2', wrnOptions);
    trainALittle(a);
    const b = createModel('wrn_16_2', wrnOptions); // same seed: a's stream would be accepted
    const wider = createModel('wrn_16_2', { ...wrnOptions, widths: [4, 6, 10] });
    const [weightsBefore, rngBefore] = [values(b), b.getRngState()];
    expect(a.getRngState()).not.toEqual(rngBefore);
    const rng = a.getRngState();
    const good = a.trainingState().weights;
    const before = tf.memory().numTensors;
    const cases: [unknown, RegExp][] = [
      [{ weights: wider.trainingState().weights, rng }, /^wrn_16_2\.loadTrainingState: weights: shape mismatch for "block3\.layer\.0\.conv1\.weight"/],
      [{ weights: good.subarray(0, good.length - 4), rng }, /^wrn_16_2\.loadTrainingState: decodeSafetensors\(weights\): /],
      [{ weights: Array.from(good), rng }, /^wrn_16_2\.loadTrainingState: weights must be the Uint8Array .*, got an array/],
      [{ weights: good, rng: [1, 2, 3] }, /^wrn_16_2\.loadTrainingState: rng must be the 8-number array .*, got an array of 3/],
      [{ weights: good, rng: 'abc' }, /rng must be the 8-number array .*, got string/],
      [null, /^wrn_16_2\.loadTrainingState: expected \{ weights, rng\? \}.*, got null/],
    ];
    for (const [state, message] of cases) {
      expect(() => b.loadTrainingState(state as Parameters<Model['loadTrainingState']>[0]), String(message)).toThrow(message);
      expect(values(b)).toEqual(weightsBefore);
      expect(b.getRngState()).toEqual(rngBefore);
    }
    expect(tf.memory().numTensors).toBe(before);
    // A model without dropout refuses a malformed stream too: it is not a state of any seed.
    const plain = createModel('resnet20', TINY[2][1]);
    expect(() => plain.loadTrainingState({ weights: plain.trainingState().weights, rng: [0] })).toThrow(/rng must be the 8-number array/);
    [a, b, wider, plain].forEach((m) => m.dispose());
    expect(() => a.trainingState()).toThrow(/has been disposed/);
    expect(() => a.loadTrainingState({ weights: good })).toThrow(/has been disposed/);
  });
});

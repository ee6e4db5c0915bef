import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@cnn/backend';
import { createOptimizer } from './optimizer.js';
import { isNoDecayParameter } from './param-groups.js';
import type { OptimizerConfig } from './types.js';

interface Fixture {
  shapes: Record<string, number[]>;
  init: Record<string, number[]>;
  grads: Array<Record<string, number[]>>;
  lrs: number[];
  cases: Array<{ config: OptimizerConfig; params: Array<Record<string, number[]>> }>;
}
const fixture: Fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/optimizers.json', import.meta.url)), 'utf8'));

beforeAll(async () => {
  await initBackend('cpu');
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('optimisers match torch.optim (fixtures/make_fixtures.py)', () => {
  for (const c of fixture.cases) {
    it(JSON.stringify(c.config), () => {
      const before = tf.memory().numTensors;
      const vars: Array<[string, tf.Variable]> = Object.keys(fixture.shapes).map((k) => [
        k,
        tf.tidy(() => tf.variable(tf.tensor(fixture.init[k], fixture.shapes[k]), true, `opt-test-${k}-${Math.random()}`)),
      ]);
      const opt = createOptimizer(c.config, vars);
      for (let t = 0; t < fixture.grads.length; t++) {
        const grads: Record<string, tf.Tensor> = {};
        for (const k of Object.keys(fixture.shapes)) grads[k] = tf.tensor(fixture.grads[t][k], fixture.shapes[k]);
        opt.step(grads, fixture.lrs[t]);
        for (const g of Object.values(grads)) g.dispose();
        for (const [k, v] of vars) {
          expect(maxAbsDiff(v.dataSync(), c.params[t][k]), `${k} after step ${t + 1}`).toBeLessThan(2e-6);
        }
      }
      expect(opt.stepCount).toBe(fixture.grads.length);
      opt.dispose();
      for (const [, v] of vars) v.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('optimiser state round trip', () => {
  for (const config of [
    { type: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
    { type: 'adamw', weightDecay: 1e-2, amsgrad: true },
  ] as OptimizerConfig[]) {
    it(`${config.type}: save after 2 steps, restore into a fresh optimiser, continue identically`, () => {
      const before = tf.memory().numTensors;
      const make = (suffix: string): Array<[string, tf.Variable]> =>
        Object.keys(fixture.shapes).map((k) => [k, tf.tidy(() => tf.variable(tf.tensor(fixture.init[k], fixture.shapes[k]), true, `rt-${suffix}-${k}-${Math.random()}`))]);
      const gradsAt = (t: number): Record<string, tf.Tensor> =>
        Object.fromEntries(Object.keys(fixture.shapes).map((k) => [k, tf.tensor(fixture.grads[t][k], fixture.shapes[k])]));
      const a = make('a');
      const optA = createOptimizer(config, a);
      for (let t = 0; t < 2; t++) {
        const g = gradsAt(t);
        optA.step(g, 0.1);
        tf.dispose(Object.values(g));
      }
      const b = make('b');
      for (let i = 0; i < a.length; i++) b[i][1].assign(a[i][1]);
      const optB = createOptimizer(config, b);
      optB.loadState(JSON.parse(JSON.stringify(optA.stateJson())), optA.stateTensors());
      for (let t = 2; t < 4; t++) {
        const g = gradsAt(t);
        optA.step(g, 0.1);
        optB.step(g, 0.1);
        tf.dispose(Object.values(g));
      }
      for (let i = 0; i < a.length; i++) expect(Array.from(b[i][1].dataSync())).toEqual(Array.from(a[i][1].dataSync()));
      optA.dispose();
      optB.dispose();
      tf.dispose([...a.map((p) => p[1]), ...b.map((p) => p[1])]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('rejects state of another optimiser type and wrong shapes', () => {
    const v = tf.variable(tf.zeros([2, 2]), true, `bad-${Math.random()}`);
    const sgd = createOptimizer({ type: 'sgd' }, [['w', v]]);
    expect(() => sgd.loadState({ type: 'adam', stepCount: 1 }, {})).toThrow(/adam/);
    const wrong = tf.zeros([3]);
    expect(() => sgd.loadState({ type: 'sgd', stepCount: 1, buffers: ['w'] }, { 'momentum_buffer/w': wrong })).toThrow(/shape/);
    wrong.dispose();
    sgd.dispose();
    v.dispose();
  });
});

describe('isNoDecayParameter', () => {
  it('recognises biases and normalisation parameters by name and rank', () => {
    const w4 = tf.zeros([3, 3, 3, 8]);
    const v1 = tf.zeros([8]);
    expect(isNoDecayParameter('layer1.0.conv1.weight', w4)).toBe(false);
    expect(isNoDecayParameter('fc.weight', tf.zeros([2, 2]))).toBe(false);
    expect(isNoDecayParameter('fc.bias', v1)).toBe(true);
    expect(isNoDecayParameter('layer1.0.bn1.weight', v1)).toBe(true);
    expect(isNoDecayParameter('layer1.0.bn1.weight', w4)).toBe(true);
    expect(isNoDecayParameter('norm.scale', w4)).toBe(true);
    tf.disposeVariables();
  });
});

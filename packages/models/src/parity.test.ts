import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendName } from '@cnn/backend';
import { describe, expect, it } from 'vitest';
import { createModel, decodeSafetensors, loadWeights, type ModelName, type ModelOptions } from './index.js';
import { crossEntropy, fixturePath, maxAbsDiff, probeBackends, readFixture } from './test-utils.js';

/*
 * Parity with the PyTorch reference definitions (fixtures/make_fixtures.py): the same weights
 * (a PyTorch state_dict in safetensors, PyTorch layout) and the same inputs give the same logits in
 * eval and in training mode, the same updated running statistics and (where stored) the same
 * gradients, on every family and both stems where they exist.
 */

const TOL = 1e-4;
const cases = readdirSync(fileURLToPath(new URL('../fixtures/', import.meta.url)))
  .filter((f) => f.endsWith('.io.safetensors'))
  .map((f) => f.replace('.io.safetensors', ''))
  .sort();

const backends: BackendName[] = ['cpu', 'wasm', 'tensorflow'];
const available = await probeBackends(backends);

it('has a fixture for every family and stem', () => {
  expect(cases).toEqual(
    expect.arrayContaining([
      'resnet18-cifar', 'resnet18-imagenet', 'resnet50-cifar', 'resnet50-imagenet', 'wide_resnet50_2-imagenet',
      'resnet20', 'preact_resnet18-cifar', 'preact_resnet18-imagenet', 'preact_resnet50-cifar', 'wrn_16_4',
      'se_resnet18-imagenet', 'se_resnet50-cifar',
    ]),
  );
});

for (const backend of backends) {
  describe.skipIf(available.get(backend) !== null)(`parity with PyTorch on ${backend}`, () => {
    it.each(cases)('%s', async (caseName) => {
      await initBackend(backend);
      const io = decodeSafetensors(readFixture(`${caseName}.io.safetensors`));
      const t = io.tensors;
      const model = createModel(io.metadata.model as ModelName, JSON.parse(io.metadata.options) as ModelOptions);
      const before = tf.memory().numTensors;
      try {
        const info = await loadWeights(model, fixturePath(`${caseName}.weights.safetensors`));
        expect(info.layout).toBe('pytorch'); // a file from safetensors.torch.save_file has no layout metadata
        expect(tf.memory().numTensors).toBe(before);
        const x = tf.tidy(() => tf.div(tf.cast(t.input, 'float32'), 255)) as tf.Tensor4D;

        const evalLogits = model.apply(x);
        expect(maxAbsDiff(evalLogits, t.logits_eval)).toBeLessThan(TOL);

        const params = model.namedParameters();
        const hasGrads = `grad.${params[0][0]}` in t;
        let trainLogits: tf.Tensor2D;
        if (hasGrads) {
          let logits: tf.Tensor2D | null = null;
          const { value, grads } = tf.variableGrads(() => {
            const l = model.apply(x, { training: true });
            logits = tf.keep(l);
            return crossEntropy(l, t.labels as tf.Tensor1D);
          });
          trainLogits = logits!;
          expect(Math.abs(value.dataSync()[0] - t.loss_train.dataSync()[0])).toBeLessThan(TOL);
          for (const [name, v] of params) {
            const ref = t[`grad.${name}`];
            const g = grads[v.name];
            const refTf = tf.tidy(() => (ref.rank === 4 ? tf.transpose(ref, [2, 3, 1, 0]) : ref.rank === 2 ? tf.transpose(ref) : tf.clone(ref)));
            const scale = Math.max(1, tf.tidy(() => tf.max(tf.abs(ref)).dataSync()[0]));
            expect(maxAbsDiff(g, refTf) / scale, `grad ${name}`).toBeLessThan(TOL);
            refTf.dispose();
          }
          value.dispose();
          tf.dispose(Object.values(grads));
        } else {
          trainLogits = model.apply(x, { training: true });
        }
        expect(maxAbsDiff(trainLogits, t.logits_train)).toBeLessThan(TOL);

        for (const [name, v] of model.namedBuffers()) {
          const ref = t[`updated.${name}`];
          expect(ref, name).toBeDefined();
          if (name.endsWith('num_batches_tracked')) {
            expect(v.dataSync()[0], name).toBe(ref.dataSync()[0]);
            expect(v.dataSync()[0]).toBe(4);
          } else expect(maxAbsDiff(v, ref), name).toBeLessThan(TOL);
        }
        tf.dispose([x, evalLogits, trainLogits]);
        expect(tf.memory().numTensors).toBe(before);
      } finally {
        model.dispose();
        tf.dispose(Object.values(t));
      }
    });
  });
}

// convert_checkpoint.py on checkpoints PyTorch itself wrote (torchvision resnet18 saved from
// DataParallel inside {'epoch', 'state_dict'}; a RobustBench WideResNet-16-2 as a bare state dict):
// the converted files load into @cnn/models and give PyTorch's logits. Needs /usr/bin/python3 with
// torch and torchvision (CI has no Python: skipped there, saying why).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { maxRelErr } from '@cnn/core/testing';
import { createModel, loadWeights, type ModelName, type ModelOptions } from '@cnn/models';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, SAMPLE, testBackend } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
const skipReason = probe.error ? `${PYTHON} is missing` : probe.status !== 0 ? `${PYTHON} has no torch/torchvision` : '';
if (skipReason) console.warn(`convert_checkpoint.py test skipped: ${skipReason}`);

const here = import.meta.dirname;
const dir = mkdtempSync(join(tmpdir(), 'cnn-eval-convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function python(args: string[]): string {
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** Our model in PyTorch's conventions: no normalisation inside (the torch nets have none). */
const NETS: Array<[string, string, ModelName, ModelOptions]> = [
  ['resnet18.pth', 'resnet18', 'resnet18', { numClasses: 10, stem: 'imagenet', normalize: null }],
  ['wrn.pt', 'wrn_16_2', 'wrn_16_2' as ModelName, { numClasses: 10, normalize: null }],
];

describe.skipIf(skipReason !== '')(`convert_checkpoint.py${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('converts torchvision and RobustBench checkpoints that load into @cnn/models with the same logits', async () => {
    python([join(here, 'make_torch_checkpoints.py'), dir]);
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { input: number[]; shape: number[]; logits: Record<string, number[]> };
    await initBackend((await testBackend()) as Parameters<typeof initBackend>[0]);
    const [n, c, h, w] = expected.shape;
    const x = tf.tidy(() => tf.transpose(tf.tensor4d(expected.input, [n, c, h, w]), [0, 2, 3, 1]) as tf.Tensor4D);
    const before = tf.memory().numTensors;
    for (const [file, key, name, options] of NETS) {
      const out = join(dir, `${key}.safetensors`);
      const log = python([resolve(here, '..', 'convert_checkpoint.py'), join(dir, file), out]);
      expect(log).toContain(`to ${out}`);
      if (file.endsWith('.pth')) expect(log).toContain('stripped the prefix "module."');
      const model = createModel(name, options);
      try {
        await loadWeights(model, out);
        const logits = tf.tidy(() => model.apply(x, { training: false }).dataSync());
        expect(maxRelErr(logits, expected.logits[key]), key).toBeLessThan(1e-4);
      } finally {
        model.dispose();
      }
    }
    x.dispose();
    expect(tf.memory().numTensors).toBe(before - 1);
  });

  it('cnn-eval evaluates the converted RobustBench file by registry name (the file records no architecture)', async () => {
    const backend = await testBackend();
    const common = ['--weights', join(dir, 'wrn_16_2.safetensors'), '--data', SAMPLE, '--n', '8', '--batch-size', '4', '--backend', backend];
    const r = await runCli([...common, '--model', 'wrn_16_2', '--normalize', 'none', '--out', join(dir, 'eval')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^clean accuracy [\d.]+% \(\d\/8\)$/m);
    const noModel = await runCli([...common, '--out', join(dir, 'eval2')]);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toContain('cnn-eval: error: --model is required: ');
  });

  it('a file that is not a checkpoint is one clear line and exit code 2', () => {
    const r = spawnSync(PYTHON, [resolve(here, '..', 'convert_checkpoint.py'), resolve(here, 'helpers.ts'), join(dir, 'x.safetensors')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^convert_checkpoint: error: .*helpers\.ts: not a PyTorch checkpoint/);
  });
});

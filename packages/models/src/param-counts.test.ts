import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { countParameters, createModel, getModelConfig, listModels, type ModelName, type ModelOptions } from './index.js';
import { buildNetwork } from './network.js';
import { fixturePath } from './test-utils.js';
import { pytorchShape } from './weights.js';

interface Entry {
  name: string;
  options: ModelOptions;
  parameters: number;
  stateKeys: number;
  keysAndShapesSha256: string;
}
const reference = JSON.parse(readFileSync(fixturePath('params.json'), 'utf8')) as { models: Entry[] };

/** Same digest as make_fixtures.py: sorted "name:[d0, d1]" lines of the state dict in PyTorch layout. */
function keysAndShapesDigest(lines: string[]): string {
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

function specLines(name: ModelName, options: ModelOptions): string[] {
  return buildNetwork(getModelConfig(name, options)).specs.map((s) => `${s.name}:[${pytorchShape(s).join(', ')}]`);
}

describe('parameter counts equal the PyTorch references', () => {
  // The numbers quoted in the issue, checked literally.
  it.each([
    ['resnet18', {}, 11_689_512],
    ['resnet50', {}, 25_557_032],
    ['wide_resnet50_2', {}, 68_883_240],
    ['resnet18', { stem: 'cifar', numClasses: 10 }, 11_173_962],
    ['resnet20', {}, 269_722],
    ['resnet56', {}, 853_018],
    ['wrn_28_10', {}, 36_479_194],
    ['wrn_34_10', {}, 46_160_474],
    ['preact_resnet18', { numClasses: 10 }, 11_172_170],
    ['se_resnet50', {}, 28_088_024],
    ['se_resnet18', {}, 11_778_592],
  ] as [ModelName, ModelOptions, number][])('%s %j has %i parameters (issue)', (name, options, count) => {
    expect(countParameters(getModelConfig(name, options))).toBe(count);
  });

  // Every registry model (and stem variants), against counts and key/shape digests computed by
  // make_fixtures.py from the PyTorch definitions.
  it.each(reference.models.map((e) => [e.name, e.options, e] as const))('%s %j matches PyTorch', (name, options, e) => {
    const lines = specLines(name as ModelName, options);
    expect(countParameters(getModelConfig(name as ModelName, options))).toBe(e.parameters);
    expect(lines.length).toBe(e.stateKeys);
    expect(keysAndShapesDigest(lines)).toBe(e.keysAndShapesSha256);
  });

  it('covers every listed model', () => {
    const covered = new Set(reference.models.map((e) => e.name));
    expect(listModels().filter((n) => !covered.has(n))).toEqual([]);
  });
});

describe('a full-size model', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('resnet18 allocates exactly the counted parameters with PyTorch names, and frees them', () => {
    const before = tf.memory().numTensors;
    const model = createModel('resnet18');
    try {
      expect(model.numParameters()).toBe(11_689_512);
      const summed = model.namedParameters().reduce((n, [, v]) => n + v.size, 0);
      expect(summed).toBe(11_689_512);
      expect(model.namedParameters().every(([, v]) => v.trainable)).toBe(true);
      expect(model.namedBuffers().every(([, v]) => !v.trainable)).toBe(true);
      const names = Object.keys(model.stateDict());
      expect(names.slice(0, 6)).toEqual([
        'conv1.weight', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var', 'bn1.num_batches_tracked',
      ]);
      expect(names).toContain('layer2.0.downsample.0.weight');
      expect(names).toContain('layer2.0.downsample.1.running_var');
      expect(names.at(-1)).toBe('fc.bias');
      expect(model.stateDict()['conv1.weight'].shape).toEqual([7, 7, 3, 64]);
      expect(model.stateDict()['fc.weight'].shape).toEqual([512, 1000]);
      expect(model.stateDict()['bn1.num_batches_tracked'].dtype).toBe('int32');
    } finally {
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

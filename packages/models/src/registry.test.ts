import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  countParameters,
  createModel,
  getModelConfig,
  isModelName,
  listModels,
  registerModel,
  type ModelName,
  type ModelVariant,
  type StemType,
} from './index.js';
import { MODEL_TABLE } from './model-table.js';
import { NAMING_BY_BLOCK } from './naming.js';

// Type-checks createModel('test_resnet26'): names added by registerModel join ModelName this way.
declare module './registry.js' {
  interface RegisteredModelNames {
    test_resnet26: true;
  }
}

/** A small member of a variant: same number of stages, 1 block each, a few channels. */
function tinyOptions(name: string): { depths: number[]; widths: number[]; stemWidth: number; numClasses: number } {
  const stages = getModelConfig(name as ModelName).depths.length;
  // Widths 4, 6, 8, … from a stem of 2: every stage changes channels by an even number (option-A
  // shortcuts pad both sides equally; wide blocks need a channel change where they stride).
  return { depths: Array(stages).fill(1), widths: Array.from({ length: stages }, (_, i) => 4 + 2 * i), stemWidth: 2, numClasses: 3 };
}

/** The stems a name accepts: those getModelConfig does not refuse. */
function stemsOf(name: string): StemType[] {
  return (['cifar', 'imagenet'] as const).filter((stem) => {
    try {
      getModelConfig(name as ModelName, { stem });
      return true;
    } catch {
      return false;
    }
  });
}

describe('the model table', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('listModels() is the table, in table order; every name in it is a ModelName', () => {
    const keys = Object.keys(MODEL_TABLE);
    expect(listModels()).toEqual(keys);
    expect(keys).toHaveLength(30);
    expect(keys.every(isModelName)).toBe(true);
    // The open family is resolved by its pattern, listed or not.
    expect(keys.filter((k) => k.startsWith('wrn_'))).toEqual(['wrn_16_4', 'wrn_16_8', 'wrn_28_4', 'wrn_28_10', 'wrn_34_10', 'wrn_34_20', 'wrn_40_2', 'wrn_70_16']);
    expect(getModelConfig('wrn_22_3')).toMatchObject({ block: 'wide', depths: [3, 3, 3], widths: [48, 96, 192] });
  });

  it('names are table keys only: no inherited keys, no other spellings of a row', () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'resnet018', 'RESNET18', ' resnet18', 'wrn_010_1', 'wrn_15_2']) {
      expect(isModelName(name), name).toBe(false);
      expect(() => getModelConfig(name as ModelName), name).toThrow(/Unknown model/);
    }
  });

  it('the naming scheme follows from the block type in every row', () => {
    for (const [name, row] of Object.entries(MODEL_TABLE)) {
      expect(getModelConfig(name as ModelName).naming, name).toBe(NAMING_BY_BLOCK[row.block]);
    }
  });

  it.each(Object.keys(MODEL_TABLE))('%s builds with each stem it has: full-size parameters counted, a tiny member runs', (name) => {
    const stems = stemsOf(name);
    expect(stems).toContain(MODEL_TABLE[name as keyof typeof MODEL_TABLE].stem);
    for (const stem of stems) {
      expect(countParameters(getModelConfig(name as ModelName, { stem }))).toBeGreaterThan(100_000);
      const before = tf.memory().numTensors;
      const model = createModel(name as ModelName, { ...tinyOptions(name), stem });
      const x = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const logits = model.apply(x);
      expect(logits.shape).toEqual([1, 3]);
      expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([x, logits]);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('registerModel', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  const resnet26: ModelVariant = { block: 'bottleneck', depths: [2, 2, 2, 2], widths: [64, 128, 256, 512], strides: [1, 2, 2, 2], stemWidth: 64, stem: 'imagenet' };

  it('adds a name that createModel, getModelConfig, isModelName and listModels know', () => {
    expect(isModelName('test_resnet26')).toBe(false);
    const given = { ...resnet26, depths: [...resnet26.depths] };
    registerModel('test_resnet26', given);
    given.depths[0] = 99; // the registry keeps its own copy
    expect(isModelName('test_resnet26')).toBe(true);
    expect(listModels()).toEqual([...Object.keys(MODEL_TABLE), 'test_resnet26']);
    expect(listModels('resnet26')).toEqual(['test_resnet26']);
    const config = getModelConfig('test_resnet26');
    // Defaults as the table's rows get them: naming from the block, both stems, option-B shortcuts.
    expect(config).toMatchObject({ block: 'bottleneck', depths: [2, 2, 2, 2], naming: 'torchvision', stem: 'imagenet', numClasses: 1000, shortcut: 'B', se: false, bottleneckWidthFactor: 1 });
    expect(getModelConfig('test_resnet26', { stem: 'cifar' }).numClasses).toBe(10);
    // resnet50's 25,557,032 minus the 9 bottlenecks it drops (17p² + 12p each, p = 64, 128, 128, 4 × 256, 512).
    expect(countParameters(config)).toBe(15_995_176);
    const model = createModel('test_resnet26', { widths: [2, 2, 4, 4], stemWidth: 4, numClasses: 3, seed: 1 });
    expect(model.name).toBe('test_resnet26');
    expect(Object.keys(model.stateDict())).toContain('layer4.1.conv3.weight');
    model.dispose();
    // Options follow from the variant: no dropout (not wide), no reduction (no SE), no shortcut switch.
    expect(() => createModel('test_resnet26', { dropout: 0.1 })).toThrow(/option "dropout" does not apply/);
  });

  it('derives the extra options: dropout for wide blocks, reduction with SE, shortcut when it is A', () => {
    registerModel('test_wide_se', { block: 'wide', depths: [1, 1, 1], widths: [8, 16, 32], strides: [1, 2, 2], stemWidth: 4, stem: 'cifar', se: true });
    registerModel('test_cifar_a', { block: 'basic', depths: [1, 1, 1], widths: [4, 8, 16], strides: [1, 2, 2], stemWidth: 4, stem: 'cifar', shortcut: 'A' });
    expect(getModelConfig('test_wide_se' as ModelName, { dropout: 0.3, reduction: 4 })).toMatchObject({ dropout: 0.3, reduction: 4, se: true, naming: 'robustbench' });
    expect(() => getModelConfig('test_wide_se' as ModelName, { stem: 'imagenet' })).toThrow(/stem "imagenet" is not available; this model has 'cifar'/);
    expect(getModelConfig('test_cifar_a' as ModelName).shortcut).toBe('A');
    expect(getModelConfig('test_cifar_a' as ModelName, { shortcut: 'B' }).shortcut).toBe('B');
    expect(() => getModelConfig('test_cifar_a' as ModelName, { dropout: 0.1 })).toThrow(/it takes .*stemWidth, shortcut$/);
  });

  it('refuses duplicates and reserved names, naming the name', () => {
    registerModel('test_twice', resnet26);
    expect(() => registerModel('test_twice', resnet26)).toThrow(/registerModel\("test_twice"\): a model of that name is already registered/);
    expect(() => registerModel('resnet50', resnet26)).toThrow(/registerModel\("resnet50"\): a model of that name is already registered/);
    expect(() => registerModel('wrn_28_10', resnet26)).toThrow(/already registered/);
    expect(() => registerModel('wrn_22_3', resnet26)).toThrow(/"wrn_22_3".*wrn_<depth>_<k> are the Wide ResNet family/);
    expect(() => registerModel('wrn_11_1', resnet26)).toThrow(/wrn_<depth>_<k> are the Wide ResNet family/);
    expect(getModelConfig('resnet50').depths).toEqual([3, 4, 6, 3]);
  });

  it.each([
    ['', /name must be/],
    ['1net', /name must be .*got "1net"/],
    ['my net', /name must be/],
    ['a'.repeat(101), /name must be/],
    [42, /name must be .*got 42/],
  ])('refuses the name %j', (name, message) => {
    expect(() => registerModel(name as string, resnet26)).toThrow(message);
  });

  it.each([
    [null, /variant must be an object, got null/],
    [[], /variant must be an object, got an array/],
    [{ ...resnet26, block: 'dense' }, /block must be one of basic, bottleneck, preact-basic, preact-bottleneck, wide; got "dense"/],
    [{ ...resnet26, block: 'toString' }, /block must be one of/],
    [{ ...resnet26, depths: '2222' }, /depths must be an array of numbers, got "2222"/],
    [{ ...resnet26, widths: [64, 128, 256] }, /depths \(4\), widths \(3\) and strides \(4\) must be non-empty and of equal length/],
    [{ ...resnet26, strides: [1, 2, 0, 2] }, /strides\[2\] must be a positive integer, got 0/],
    [{ ...resnet26, stemWidth: 1.5 }, /stemWidth must be a positive integer, got 1.5/],
    [{ ...resnet26, stem: 'mnist' }, /stem must be 'cifar' or 'imagenet', got "mnist"/],
    [{ ...resnet26, stems: ['cifar'] }, /stem "imagenet" is not among stems \['cifar'\]/],
    [{ ...resnet26, stems: [] }, /stems must be a non-empty array/],
    [{ ...resnet26, stems: ['cifar', 'cifar', 'imagenet'] }, /stems must be distinct/],
    [{ ...resnet26, se: 'yes' }, /se must be true or false, got "yes"/],
    [{ ...resnet26, shortcut: 'A' }, /option-A shortcuts exist only for 'basic' blocks/],
    [{ ...resnet26, bottleneckWidthFactor: 0 }, /bottleneckWidthFactor must be a positive integer, got 0/],
    [{ ...resnet26, naming: 'torchvision' }, /unknown field "naming".*naming follows from the block/],
    [{ ...resnet26, dropout: 0.3 }, /unknown field "dropout"/],
    [{ ...resnet26, block: 'wide', stem: 'cifar', stems: ['cifar', 'imagenet'] }, /Wide ResNets \(block 'wide'\) have only the CIFAR stem/],
    [{ ...resnet26, block: 'wide', stem: 'cifar', widths: [64, 64, 256, 512] }, /wide block 2: stride 2 needs a channel change \(64 → 64\)/],
  ])('refuses the variant %j with a clear error, registering nothing', (variant, message) => {
    const before = listModels();
    expect(() => registerModel('test_bad', variant as unknown as ModelVariant)).toThrow(message);
    expect(() => registerModel('test_bad', variant as unknown as ModelVariant)).toThrow(/^registerModel\("test_bad"\): /);
    expect(listModels()).toEqual(before);
    expect(isModelName('test_bad')).toBe(false);
  });
});

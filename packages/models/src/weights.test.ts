import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createModel,
  decodeSafetensors,
  loadWeights,
  loadWeightsFromBytes,
  saveWeights,
  weightsToBytes,
  type Model,
} from './index.js';
import { craftSafetensors, maxAbsDiff, readFixture } from './test-utils.js';

const tiny = { widths: [4, 4, 8, 8], stemWidth: 4, depths: [1, 1, 1, 1], numClasses: 3 } as const;
let dir: string;
let x: tf.Tensor4D;

/** `bytes` (a safetensors file) plus 4 data bytes, described by an F32 tensor `name` unless `name` is null (a gap). */
function withExtraBytes(bytes: Uint8Array, name: string | null): Uint8Array {
  const len = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const json = new TextDecoder().decode(bytes.subarray(8, 8 + len)).trimEnd();
  const data = bytes.subarray(8 + len);
  const entry = `${JSON.stringify(name)}:{"dtype":"F32","shape":[1],"data_offsets":[${data.length},${data.length + 4}]}`;
  const grown = new Uint8Array(data.length + 4);
  grown.set(data);
  return craftSafetensors(name === null ? json : `${json.slice(0, -1)},${entry}}`, grown);
}

function sameState(a: Model, b: Model): void {
  const sa = a.stateDict();
  const sb = b.stateDict();
  expect(Object.keys(sb)).toEqual(Object.keys(sa));
  for (const k of Object.keys(sa)) {
    expect(sb[k].dtype, k).toBe(sa[k].dtype);
    expect(Array.from(sb[k].dataSync()), k).toEqual(Array.from(sa[k].dataSync()));
  }
}

describe('weights on disk (safetensors)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    dir = mkdtempSync(join(tmpdir(), 'cnn-models-'));
    x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    x.dispose();
  });

  it.each(['tfjs', 'pytorch'] as const)('save → load round trip in %s layout (atomic, no leaks)', async (layout) => {
    const a = createModel('se_resnet18', { ...tiny, stem: 'cifar', reduction: 2, seed: 1 });
    const b = createModel('se_resnet18', { ...tiny, stem: 'cifar', reduction: 2, seed: 2 });
    a.apply(x, { training: true }).dispose(); // non-trivial running stats and num_batches_tracked
    const before = tf.memory().numTensors;
    const path = join(dir, `rt-${layout}.safetensors`);
    await saveWeights(a, path, { layout, metadata: { epoch: '3' } });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const info = await loadWeights(b, path); // layout from the file's metadata
    expect(info.layout).toBe(layout);
    expect(info.metadata).toMatchObject({ epoch: '3', layout, model: 'se_resnet18' });
    expect(JSON.parse(info.metadata.config).reduction).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
    sameState(a, b);
    expect(b.stateDict()['bn1.num_batches_tracked'].dataSync()[0]).toBe(1);
    const [la, lb] = [a.apply(x), b.apply(x)];
    expect(maxAbsDiff(la, lb)).toBe(0);
    tf.dispose([la, lb]);
    a.dispose();
    b.dispose();
  });

  it('pytorch layout holds PyTorch shapes and I64 counters, and loads to the same logits', () => {
    const a = createModel('preact_resnet18', { ...tiny, seed: 3 });
    const bytes = weightsToBytes(a, { layout: 'pytorch' });
    const { tensors, dtypes } = decodeSafetensors(bytes);
    expect(tensors['conv1.weight'].shape).toEqual([4, 3, 3, 3]);
    expect(tensors['layer2.0.shortcut.0.weight'].shape).toEqual([4, 4, 1, 1]);
    expect(tensors['linear.weight'].shape).toEqual([3, 8]);
    expect(dtypes['layer1.0.bn1.num_batches_tracked']).toBe('I64');
    // The transpose really happened (not only the shape): conv1.weight[o, i, kh, kw] = tfjs[kh, kw, i, o].
    const tfjs = a.stateDict()['conv1.weight'].arraySync() as number[][][][];
    const pt = tensors['conv1.weight'].arraySync() as number[][][][];
    expect(pt[3][1][2][0]).toBe(tfjs[2][0][1][3]);
    tf.dispose(Object.values(tensors));

    const fromPt = createModel('preact_resnet18', { ...tiny, seed: 4 });
    const fromTf = createModel('preact_resnet18', { ...tiny, seed: 5 });
    loadWeightsFromBytes(fromPt, bytes, { layout: 'pytorch' });
    loadWeightsFromBytes(fromTf, weightsToBytes(a, { layout: 'tfjs' }));
    const [l0, l1, l2] = [a.apply(x), fromPt.apply(x), fromTf.apply(x)];
    expect(maxAbsDiff(l0, l1)).toBe(0);
    expect(maxAbsDiff(l0, l2)).toBe(0);
    tf.dispose([l0, l1, l2]);
    [a, fromPt, fromTf].forEach((m) => m.dispose());
  });

  it('loading the wrong file names missing/unexpected keys and mismatched shapes, and changes nothing', () => {
    const model = createModel('resnet20', { widths: [2, 4, 8], stemWidth: 2, depths: [2, 1, 1], numClasses: 5 });
    const before = tf.memory().numTensors;
    // The parity fixture of resnet20 has this architecture: it loads. A WRN file does not.
    expect(() => loadWeightsFromBytes(model, readFixture('resnet20.weights.safetensors'))).not.toThrow();
    const conv1 = (): number[] => Array.from(model.stateDict()['conv1.weight'].dataSync());
    const snapshot = conv1();
    const wrn = readFixture('wrn_16_4.weights.safetensors');
    expect(() => loadWeightsFromBytes(model, wrn)).toThrow(/missing keys: "conv1.weight"|missing keys: .*"bn1.weight"/);
    expect(() => loadWeightsFromBytes(model, wrn)).toThrow(/unexpected keys: .*"block1.layer.0.bn1.weight"/);
    expect(() => loadWeightsFromBytes(model, wrn)).toThrow(/shape mismatch for "conv1.weight": got \[4, 3, 3, 3\], the model has \[2, 3, 3, 3\] \(PyTorch layout\)/);
    expect(tf.memory().numTensors).toBe(before);

    // loadStateDict (TF.js layout): strict and non-strict.
    const other = createModel('resnet20', { widths: [2, 4, 8], stemWidth: 2, depths: [2, 1, 1], numClasses: 7 });
    const dict = { ...other.stateDict() };
    expect(() => model.loadStateDict(dict)).toThrow(/shape mismatch for "fc.weight": got \[8, 7\], the model has \[8, 5\]/);
    delete dict['fc.weight'];
    delete dict['fc.bias'];
    dict['extra.weight'] = dict['conv1.weight'];
    expect(() => model.loadStateDict(dict)).toThrow(/missing keys: "fc.weight", "fc.bias"; unexpected keys: "extra.weight"/);
    expect(conv1()).toEqual(snapshot); // failed loads changed nothing
    model.loadStateDict(dict, { strict: false });
    expect(Array.from(model.stateDict()['conv1.weight'].dataSync())).toEqual(Array.from(other.stateDict()['conv1.weight'].dataSync()));
    // The loaded values are independent of the source model's later life.
    other.dispose();
    expect(model.stateDict()['conv1.weight'].dataSync().length).toBe(54);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a tensor named __proto__ is an unexpected key (strict) or ignored (not strict), and never leaks', async () => {
    const model = createModel('resnet20', { widths: [2, 4, 8], stemWidth: 2, depths: [1, 1, 1], numClasses: 3, seed: 1 });
    const bytes = withExtraBytes(weightsToBytes(model), '__proto__');
    const before = tf.memory().numTensors;
    expect(() => loadWeightsFromBytes(model, bytes)).toThrow(/unexpected keys: "__proto__"/);
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < 3; i++) loadWeightsFromBytes(model, bytes, { strict: false });
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('dtype');

    const path = join(dir, 'gap.safetensors');
    writeFileSync(path, withExtraBytes(weightsToBytes(model), null));
    await expect(loadWeights(model, path)).rejects.toThrow(/of the data belong to no tensor \(after the last tensor\).*\(file .*gap\.safetensors\)/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('casts numeric dtypes on load (e.g. a float num_batches_tracked) and reports unreadable paths', async () => {
    const model = createModel('wrn_16_1', { widths: [4, 8, 12], stemWidth: 4, depths: [1, 1, 1] });
    const dict = { ...model.stateDict(), 'bn1.num_batches_tracked': tf.scalar(9, 'float32') };
    model.loadStateDict(dict); // mostly the model's own tensors: must not free them
    expect(model.stateDict()['bn1.num_batches_tracked'].dtype).toBe('int32');
    expect(model.stateDict()['bn1.num_batches_tracked'].dataSync()[0]).toBe(9);
    dict['bn1.num_batches_tracked'].dispose();
    await expect(loadWeights(model, join(dir, 'nope.safetensors'))).rejects.toThrow(/cannot read .*nope\.safetensors/);
    model.dispose();
  });
});

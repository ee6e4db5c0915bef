import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSystemModel } from './file-system-model.js';

const dir = mkdtempSync(join(tmpdir(), 'cnn-fsmodel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small convolutional LayersModel: NHWC 8×8×3 → 4 logits, seeded weights. */
function smallModel(): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tfl.layers.flatten());
  m.add(tfl.layers.dense({ units: 4, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }));
  return m;
}

describe('fileSystemModel: model.json + weights on disk for TF.js in Node without tfjs-node', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('round-trips a LayersModel through model.save / tf.loadLayersModel: same predictions, files on disk', async () => {
    const model = smallModel();
    const file = join(dir, 'small', 'model.json');
    await model.save(fileSystemModel(file));
    expect(existsSync(join(dir, 'small', 'model.weights.bin'))).toBe(true);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['model.weights.bin']);

    const loaded = await tfl.loadLayersModel(fileSystemModel(file));
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 3);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('names the file and the problem: missing model.json, not JSON, no topology, short weight file', async () => {
    const ok = join(dir, 'bad', 'model.json');
    const model = smallModel();
    await model.save(fileSystemModel(ok));
    model.dispose();
    await expect(tfl.loadLayersModel(fileSystemModel(join(dir, 'nowhere', 'model.json')))).rejects.toThrow(/cannot read .*nowhere.*model\.json/);
    const notJson = join(dir, 'bad', 'text.json');
    writeFileSync(notJson, 'hello');
    await expect(fileSystemModel(notJson).load!()).rejects.toThrow(/cannot read .*text\.json/);
    const noTopology = join(dir, 'bad', 'empty.json');
    writeFileSync(noTopology, '{"weightsManifest": []}');
    await expect(fileSystemModel(noTopology).load!()).rejects.toThrow(/empty\.json has no "modelTopology"/);
    const bin = join(dir, 'bad', 'model.weights.bin');
    const size = readFileSync(bin).byteLength;
    truncateSync(bin, size - 4);
    await expect(fileSystemModel(ok).load!()).rejects.toThrow(`hold ${size - 4} bytes, the manifest describes ${size}`);
    expect(() => fileSystemModel('')).toThrow(/modelJson must be a path/);
  });
});

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { WriteFileAtomicError } from '@cnn/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel, saveWeights, weightsToBytes, writeFileAtomic, type Model } from './index.js';
import { TINY } from './test-utils.js';

/*
 * Weights reach the disk through @cnn/core/node's writeFileAtomic (loaded lazily, so the package
 * still bundles for a browser): its guarantees and its errors are saveWeights' too.
 */

let dir: string;
let model: Model;

/** Temporary files (core names them `.<file>.<pid>.<random>.tmp`) anywhere below `dir`. */
const leftovers = (): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tmp'));

async function rejection(promise: Promise<unknown>): Promise<WriteFileAtomicError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WriteFileAtomicError);
  return error as WriteFileAtomicError;
}

describe('saveWeights writes with @cnn/core/node', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    dir = mkdtempSync(join(tmpdir(), 'cnn-models-file-'));
    const [name, options] = TINY.find(([n]) => n === 'resnet20')!;
    model = createModel(name, options);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    model.dispose();
  });

  it('creates a missing directory and writes exactly the weights bytes, leaving no temporary file', async () => {
    const path = join(dir, 'new', 'run', 'w.safetensors');
    await saveWeights(model, path, { layout: 'tfjs' });
    expect(new Uint8Array(readFileSync(path))).toEqual(weightsToBytes(model, { layout: 'tfjs' }));
    expect(leftovers()).toEqual([]);
  });

  it('a directory that cannot be created: the error names the file and the step, no leaks', async () => {
    const notADirectory = join(dir, 'a-file');
    writeFileSync(notADirectory, 'x');
    const path = join(notADirectory, 'w.safetensors');
    const before = tf.memory().numTensors;
    const error = await rejection(saveWeights(model, path));
    expect(error.file).toBe(path);
    expect(error.step).toBe('create the directory');
    expect(error.message).toMatch(/^Could not write .*a-file\/w\.safetensors \(create the directory failed\)/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a failed rename leaves the target as it was and no temporary file', async () => {
    const occupied = join(dir, 'occupied.safetensors'); // a directory: renaming a file over it fails
    mkdirSync(join(occupied, 'inside'), { recursive: true });
    const error = await rejection(saveWeights(model, occupied));
    expect(error.step).toBe('rename');
    expect(error.file).toBe(occupied);
    expect(readdirSync(occupied)).toEqual(['inside']);
    expect(leftovers()).toEqual([]);
  });

  it("the deprecated writeFileAtomic of @cnn/models is core's: creates directories, same errors", async () => {
    const path = join(dir, 'other', 'note.txt');
    await writeFileAtomic(path, 'hello');
    expect(readFileSync(path, 'utf8')).toBe('hello');
    writeFileSync(join(dir, 'b-file'), 'x');
    const error = await rejection(writeFileAtomic(join(dir, 'b-file', 'b.bin'), new Uint8Array([1])));
    expect(error.step).toBe('create the directory');
    expect(leftovers()).toEqual([]);
  });
});

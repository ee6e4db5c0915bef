import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { craftSafetensors as craft } from './test-utils.js';

/*
 * What the safetensors format forbids (https://github.com/huggingface/safetensors#format and its
 * reference reader): each case is refused with an error naming the tensor, and nothing leaks.
 */

const f32 = (n: number, begin = 0): { dtype: string; shape: number[]; data_offsets: number[] } => ({
  dtype: 'F32',
  shape: [n],
  data_offsets: [begin, begin + 4 * n],
});

/** Decoding must throw `pattern` and leave the tensor count as it was. */
function rejects(bytes: Uint8Array, pattern: RegExp): void {
  const before = tf.memory().numTensors;
  let error: unknown;
  try {
    tf.dispose(Object.values(decodeSafetensors(bytes).tensors));
  } catch (e) {
    error = e;
  }
  expect(tf.memory().numTensors).toBe(before);
  expect(error, `expected an error matching ${pattern}`).toBeInstanceOf(Error);
  expect((error as Error).constructor).toBe(Error); // not a TypeError/RangeError from the internals
  expect((error as Error).message).toMatch(pattern);
}

const prototypeNames = (): string[] => Object.getOwnPropertyNames(Object.prototype).sort();

describe('safetensors decoding refuses what the format forbids', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('keeps a tensor named __proto__ as an own entry: no prototype change, no leak', () => {
    const protoBefore = prototypeNames();
    const before = tf.memory().numTensors;
    const bytes = craft({ ['__proto__']: f32(2), w: f32(1, 8) }, new Uint8Array(new Float32Array([1, 2, 3]).buffer));
    const { tensors, dtypes } = decodeSafetensors(bytes);
    expect(Object.keys(tensors).sort()).toEqual(['__proto__', 'w']);
    expect(Object.getPrototypeOf(tensors)).toBeNull();
    expect(Object.hasOwn(tensors, '__proto__')).toBe(true);
    expect(Array.from(tensors['__proto__'].dataSync())).toEqual([1, 2]);
    expect(Object.keys(dtypes).sort()).toEqual(['__proto__', 'w']);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose(Object.values(tensors));
    expect(tf.memory().numTensors).toBe(before);
    expect(prototypeNames()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>).shape).toBeUndefined();
  });

  it('stores names of Object.prototype members as tensors and does not invent missing ones', () => {
    const names = ['constructor', 'toString', 'hasOwnProperty', 'valueOf'];
    const header = Object.fromEntries(names.map((n, i) => [n, f32(1, 4 * i)]));
    const { tensors } = decodeSafetensors(craft(header, new Uint8Array(16)));
    expect(Object.keys(tensors).sort()).toEqual([...names].sort());
    for (const n of names) expect(tensors[n]).toBeInstanceOf(tf.Tensor);
    tf.dispose(Object.values(tensors));

    const plain = decodeSafetensors(craft({ w: f32(1) }, new Uint8Array(4)));
    expect(plain.tensors.constructor).toBeUndefined();
    expect('toString' in plain.tensors).toBe(false);
    expect(plain.dtypes.constructor).toBeUndefined();
    expect(plain.metadata.toString).toBeUndefined();
    tf.dispose(Object.values(plain.tensors));
  });

  it('keeps __metadata__ keys such as __proto__ as own strings', () => {
    const meta = { ['__proto__']: 'p', constructor: 'c' };
    const { tensors, metadata } = decodeSafetensors(craft({ __metadata__: meta, w: f32(1) }, new Uint8Array(4)));
    expect(Object.getPrototypeOf(metadata)).toBeNull();
    expect(Object.entries(metadata).sort()).toEqual([['__proto__', 'p'], ['constructor', 'c']]);
    tf.dispose(Object.values(tensors));
  });

  it('refuses a dtype that is not one of the format’s strings (["F32"] is not int32 garbage)', () => {
    const data = new Uint8Array(new Float32Array([1.5, 2.5]).buffer);
    for (const dtype of [['F32'], { F32: 1 }, 4, null, 'toString', '__proto__', 'f32', 'C64']) {
      rejects(craft({ x: { dtype, shape: [2], data_offsets: [0, 8] } }, data), /tensor "x" has unsupported dtype .*; expected one of F64, F32, /);
    }
    rejects(craft({ x: { shape: [2], data_offsets: [0, 8] } }, data), /tensor "x" has no dtype/);
  });

  it('refuses data_offsets that are not [begin, end] with 0 ≤ begin ≤ end safe integers', () => {
    const data = new Uint8Array(8);
    const bad = [[8, 0], [-4, 4], [0.5, 8.5], [0], [0, 8, 8], '0,8', [0, '8'], [0, 2 ** 53], [0, 1e300], null, {}];
    for (const offsets of bad) {
      rejects(craft({ x: { dtype: 'F32', shape: [2], data_offsets: offsets } }, data), /tensor "x" has invalid data_offsets .*0 ≤ begin ≤ end/);
    }
    rejects(craft({ x: { dtype: 'F32', shape: [2] } }, data), /tensor "x" has no data_offsets/);
  });

  it('refuses shapes that are not arrays of non-negative safe integers ([0, 1e308, 10] too)', () => {
    const bad = [[0, 1e308, 10], [-1], [1.5], ['2'], [null], '2', 2, {}, [2 ** 53], null];
    for (const shape of bad) {
      rejects(craft({ x: { dtype: 'F32', shape, data_offsets: [0, 0] } }, new Uint8Array(0)), /tensor "x" has an invalid shape .*non-negative integers/);
    }
    rejects(craft({ x: { dtype: 'F32', data_offsets: [0, 0] } }, new Uint8Array(0)), /tensor "x" has no shape/);
    // Every dimension fine, but the element count is beyond any file (also when a 0 makes it empty).
    for (const huge of [[2 ** 26, 2 ** 26, 2 ** 26], [0, 2 ** 52, 2 ** 52], [2 ** 53 - 1, 2 ** 53 - 1, 0]]) {
      rejects(craft({ x: { dtype: 'F32', shape: huge, data_offsets: [0, 8] } }, new Uint8Array(8)), /tensor "x" has an absurd shape \[.*\]; its dimensions multiply to \d+, more than 2\^53 − 1 elements/);
    }
    rejects(craft({ x: { dtype: 'F32', shape: [3, 1], data_offsets: [0, 8] } }, new Uint8Array(8)), /tensor "x" \(F32, shape \[3, 1\]\) needs 12 bytes, data_offsets give 8/);
  });

  it('refuses overlapping tensors, naming both', () => {
    const data = new Uint8Array(12);
    rejects(craft({ a: f32(2, 0), b: f32(2, 4) }, data), /tensors "a" \(bytes 0–8\) and "b" \(bytes 4–12\) overlap/);
    rejects(craft({ a: f32(2, 0), b: f32(2, 0) }, new Uint8Array(8)), /tensors "a" \(bytes 0–8\) and "b" \(bytes 0–8\) overlap/);
    // An empty tensor inside another one's bytes overlaps it too (the reference reader refuses it).
    rejects(craft({ a: f32(2, 0), e: { dtype: 'F32', shape: [0], data_offsets: [4, 4] } }, new Uint8Array(8)), /tensors "a" \(bytes 0–8\) and "e" \(bytes 4–4\) overlap/);
  });

  it('refuses gaps in the data buffer: before the first tensor, between tensors, after the last', () => {
    rejects(craft({ a: f32(1, 4) }, new Uint8Array(8)), /bytes 0–4 of the data belong to no tensor \(before "a"\)/);
    rejects(craft({ a: f32(1, 0), b: f32(1, 8) }, new Uint8Array(12)), /bytes 4–8 of the data belong to no tensor \(before "b"\)/);
    rejects(craft({ a: f32(1, 0) }, new Uint8Array(8)), /bytes 4–8 of the data belong to no tensor \(after the last tensor\)/);
    rejects(craft({}, new Uint8Array(3)), /bytes 0–3 of the data belong to no tensor/);
  });

  it('accepts empty tensors at a tensor boundary and an empty file', () => {
    const e = { dtype: 'I64', shape: [0, 3], data_offsets: [8, 8] };
    const { tensors } = decodeSafetensors(craft({ a: f32(2, 0), e, z: { dtype: 'U8', shape: [0], data_offsets: [0, 0] } }, new Uint8Array(8)));
    expect(tensors.e.shape).toEqual([0, 3]);
    expect(tensors.z.shape).toEqual([0]);
    tf.dispose(Object.values(tensors));
    expect(Object.keys(decodeSafetensors(craft({})).tensors)).toEqual([]);
  });

  it('refuses duplicate tensor names, also when spelled with escapes', () => {
    const x = JSON.stringify(f32(1));
    rejects(craft(`{"x":${x},"x":${x}}`, new Uint8Array(4)), /tensor name "x" appears 2 times in the header/);
    rejects(craft(`{"x":${x},"\\u0078":${x}}`, new Uint8Array(4)), /tensor name "x" appears 2 times/);
    rejects(craft(`{"__metadata__":{},"w":${x},"__metadata__":{}}`, new Uint8Array(4)), /"__metadata__" appears 2 times/);
  });

  it('refuses a header that is not a UTF-8 JSON object starting with "{", or that overruns the file', () => {
    const ok = { x: f32(2) };
    rejects(craft(ok, new Uint8Array(8), 10_000), /header length 10000 exceeds the \d+ bytes after it/);
    rejects(craft(ok, new Uint8Array(8), 200_000_000), /header length 200000000 exceeds the format's limit of 100000000 bytes/);
    rejects(craft(` ${JSON.stringify(ok)}`, new Uint8Array(8)), /header does not start with "\{"/);
    rejects(craft('{"x":1', new Uint8Array(0)), /header is not valid JSON/);
    for (const json of ['[]', 'null', '"x"', '5']) rejects(craft(json), /header does not start with "\{"/);
    const latin1 = craft({ ['x\u00ff']: f32(2) }, new Uint8Array(8));
    latin1[8 + 4] = 0xff; // ÿ's bytes 0xc3 0xbf become 0xc3 0xff: not UTF-8
    rejects(latin1, /header is not valid UTF-8/);
  });

  it('refuses tensor entries that are not objects and __metadata__ that is not a string → string map', () => {
    for (const entry of [5, null, 'F32', [1, 2]]) rejects(craft({ x: entry }), /tensor "x" must be an object with dtype, shape and data_offsets/);
    for (const meta of [null, ['a'], 'text', 3]) {
      rejects(craft({ __metadata__: meta, w: f32(1) }, new Uint8Array(4)), /__metadata__ must be an object of strings/);
    }
    rejects(craft({ __metadata__: { a: 'b', n: 5 }, w: f32(1) }, new Uint8Array(4)), /__metadata__ "n" is not a string \(got 5\)/);
    rejects(craft({ __metadata__: { nested: { a: 'b' } } }), /__metadata__ "nested" is not a string \(got \{"a":"b"\}\)/);
  });

  it('leaks nothing when a late tensor fails after others (also one named __proto__) were decoded', () => {
    const data = new Uint8Array(16);
    new DataView(data.buffer).setBigInt64(8, 1n << 40n, true);
    const header = { ['__proto__']: f32(1, 0), a: f32(1, 4), n: { dtype: 'I64', shape: [], data_offsets: [8, 16] } };
    rejects(craft(header, data), /tensor "n" \(I64\) value 1099511627776 .* does not fit int32/);
  });

  it('names the source in its errors when given one', () => {
    rejects({ bytes: new Uint8Array(8) } as never, /expected a Uint8Array/);
    expect(() => decodeSafetensors(craft({ x: f32(2) }, new Uint8Array(4)), { source: 'model.safetensors' })).toThrow(
      /^decodeSafetensors\(model\.safetensors\): tensor "x" ends at byte 8 beyond the 4 data bytes/,
    );
  });
});

describe('safetensors encoding of awkward names', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('writes tensors named __proto__ or constructor (a null-prototype record) and reads them back', () => {
    const ctor: string = 'constructor'; // a plain string key (TypeScript types .constructor as Function)
    const tensors: Record<string, tf.Tensor> = Object.create(null);
    tensors['__proto__'] = tf.tensor1d([1, 2]);
    tensors[ctor] = tf.tensor1d([3], 'int32');
    const bytes = encodeSafetensors(tensors, undefined, { dtypes: { [ctor]: 'I64' } });
    const back = decodeSafetensors(bytes);
    expect(Object.keys(back.tensors).sort()).toEqual(['__proto__', 'constructor']);
    expect(back.dtypes.constructor).toBe('I64');
    expect(Array.from(back.tensors['__proto__'].dataSync())).toEqual([1, 2]);
    tf.dispose([...Object.values(tensors), ...Object.values(back.tensors)]);
  });

  it('looks up options.dtypes by own keys only', () => {
    const t = tf.tensor1d([1]);
    const bytes = encodeSafetensors({ constructor: t });
    const back = decodeSafetensors(bytes);
    expect(back.dtypes.constructor).toBe('F32');
    expect(() => encodeSafetensors({ t }, undefined, { dtypes: JSON.parse('{"toString":"F32"}') })).toThrow(
      /options\.dtypes names "toString", which is not among the tensors/,
    );
    tf.dispose([t, ...Object.values(back.tensors)]);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { craftSafetensors as craft, readFixture } from './test-utils.js';

function header(bytes: Uint8Array): { len: number; json: Record<string, any> } {
  const len = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { len, json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) };
}

describe('safetensors codec', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('round-trips float32, int32 (as I32 and I64), bool, scalars and metadata without leaks', () => {
    const tensors = {
      a: tf.tensor([[1.5, -2.25, 3e-8], [4, 5, 6]], [2, 3], 'float32'),
      counts: tf.scalar(123456789, 'int32'),
      ids: tf.tensor([-7, 0, 2147483647], [3], 'int32'),
      mask: tf.tensor([true, false, true], [3], 'bool'),
      empty: tf.zeros([0, 4]),
    };
    const before = tf.memory().numTensors;
    const bytes = encodeSafetensors(tensors, { note: 'hi', layout: 'tfjs' }, { dtypes: { counts: 'I64' } });
    expect(tf.memory().numTensors).toBe(before);
    const { len, json } = header(bytes);
    expect(len % 8).toBe(0);
    expect(json.__metadata__).toEqual({ note: 'hi', layout: 'tfjs' });
    expect(json.counts).toEqual({ dtype: 'I64', shape: [], data_offsets: expect.any(Array) });
    expect(json.a.dtype).toBe('F32');
    expect(json.mask.dtype).toBe('BOOL');
    // The I64 is 8 little-endian bytes.
    const at = 8 + len + json.counts.data_offsets[0];
    expect(new DataView(bytes.buffer).getBigInt64(at, true)).toBe(123456789n);

    const decoded = decodeSafetensors(bytes);
    expect(decoded.metadata).toEqual({ note: 'hi', layout: 'tfjs' });
    expect(decoded.dtypes).toEqual({ a: 'F32', counts: 'I64', ids: 'I32', mask: 'BOOL', empty: 'F32' });
    for (const [k, t] of Object.entries(tensors)) {
      const d = decoded.tensors[k];
      expect(d.dtype, k).toBe(t.dtype);
      expect(d.shape, k).toEqual(t.shape);
      expect(Array.from(d.dataSync()), k).toEqual(Array.from(t.dataSync()));
    }
    tf.dispose(Object.values(decoded.tensors));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(tensors));
  });

  it('writes and reads F64, F16 and U8', () => {
    const t = { d: tf.tensor1d([0.1, -1e10]), h: tf.tensor1d([1, 0.333, -65504, 6e-8]), u: tf.tensor1d([0, 255, 17], 'int32') };
    const bytes = encodeSafetensors(t, undefined, { dtypes: { d: 'F64', h: 'F16', u: 'U8' } });
    const { json } = header(bytes);
    expect(json.__metadata__).toBeUndefined();
    expect(json.d.data_offsets[1] - json.d.data_offsets[0]).toBe(16);
    const { tensors, dtypes } = decodeSafetensors(bytes);
    expect(dtypes).toEqual({ d: 'F64', h: 'F16', u: 'U8' });
    expect(tensors.d.dataSync()[0]).toBeCloseTo(0.1, 7);
    // Values of numpy's float16(v) for the same inputs.
    expect(Array.from(tensors.h.dataSync())).toEqual([1, 0.3330078125, -65504, 5.960464477539063e-8]);
    expect(Array.from(tensors.u.dataSync())).toEqual([0, 255, 17]);
    tf.dispose([...Object.values(t), ...Object.values(tensors)]);
  });

  it('reads a state dict written by safetensors.torch.save_file (I64 num_batches_tracked)', () => {
    const { tensors, dtypes, metadata } = decodeSafetensors(readFixture('resnet20.weights.safetensors'));
    expect(metadata).toEqual({});
    expect(dtypes['bn1.num_batches_tracked']).toBe('I64');
    expect(tensors['bn1.num_batches_tracked'].dtype).toBe('int32');
    expect(tensors['bn1.num_batches_tracked'].shape).toEqual([]);
    expect(tensors['bn1.num_batches_tracked'].dataSync()[0]).toBe(3);
    expect(tensors['conv1.weight'].shape).toEqual([2, 3, 3, 3]); // PyTorch [out, in, kh, kw]
    expect(tensors['fc.weight'].shape).toEqual([5, 8]); // PyTorch [out, in]
    tf.dispose(Object.values(tensors));
  });

  it('reads U8 and I64 written by the fixtures’ numpy writer', () => {
    const { tensors, dtypes } = decodeSafetensors(readFixture('resnet20.io.safetensors'));
    expect(dtypes.input).toBe('U8');
    expect(dtypes.labels).toBe('I64');
    expect(tensors.input.shape).toEqual([4, 16, 16, 3]);
    const v = tensors.input.dataSync();
    expect(Math.max(...v)).toBeLessThanOrEqual(255);
    expect(Math.max(...v)).toBeGreaterThan(200);
    tf.dispose(Object.values(tensors));
  });

  it('rejects malformed files with errors that say what is wrong', () => {
    const ok = { x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    expect(() => decodeSafetensors(new Uint8Array(3))).toThrow(/too short/);
    expect(() => decodeSafetensors(craft(ok, new Uint8Array(8), 10_000))).toThrow(/header length 10000 exceeds/);
    expect(() => decodeSafetensors(craft(ok, new Uint8Array(4)))).toThrow(/"x" ends at byte 8 beyond the 4 data bytes/);
    expect(() => decodeSafetensors(craft({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)))).toThrow(
      /"x" \(F32, shape \[3\]\) needs 12 bytes, data_offsets give 8/,
    );
    expect(() => decodeSafetensors(craft({ x: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)))).toThrow(
      /"x" has unsupported dtype "C64"/,
    );
    const big = new Uint8Array(8);
    new DataView(big.buffer).setBigInt64(0, 1n << 40n, true);
    expect(() => decodeSafetensors(craft({ n: { dtype: 'I64', shape: [], data_offsets: [0, 8] } }, big))).toThrow(
      /"n" \(I64\) value 1099511627776 .* does not fit int32/,
    );
    const bad = new Uint8Array(16);
    new DataView(bad.buffer).setBigUint64(0, 8n, true);
    bad.set(new TextEncoder().encode('{notjson'), 8);
    expect(() => decodeSafetensors(bad)).toThrow(/header is not valid JSON/);
  });

  it('refuses to encode what it cannot represent', () => {
    const f = tf.tensor1d([1.5]);
    const i = tf.tensor1d([300], 'int32');
    expect(() => encodeSafetensors({ f }, undefined, { dtypes: { f: 'I64' } })).toThrow(/cannot write "f" \(float32\) as I64/);
    expect(() => encodeSafetensors({ i }, undefined, { dtypes: { i: 'U8' } })).toThrow(/"i" value 300 at index 0 does not fit U8/);
    expect(() => encodeSafetensors({ f }, undefined, { dtypes: { g: 'F32' } })).toThrow(/names "g", which is not among the tensors/);
    expect(() => encodeSafetensors({ __metadata__: f })).toThrow(/invalid tensor name/);
    tf.dispose([f, i]);
  });
});

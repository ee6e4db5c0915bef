import * as tf from '@tensorflow/tfjs-core';
import { DTYPE_BYTES as BYTES, type SafetensorsDtype } from './safetensors-dtype.js';
import { readSafetensorsLayout, show, type Fail, type TensorEntry } from './safetensors-header.js';

export type { SafetensorsDtype } from './safetensors-dtype.js';

/*
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * unsigned header length N, N bytes of UTF-8 JSON
 *   { "__metadata__": { string: string }, "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] } }
 * (offsets relative to the end of the header, padded with spaces to 8 bytes), then the raw
 * little-endian, row-major tensor bytes. Pure TypeScript, no file I/O: works in a browser.
 */

/** Options of {@link encodeSafetensors}. */
export interface EncodeSafetensorsOptions {
  /**
   * On-disk dtype per tensor name, when not the natural one (float32 → F32, int32 → I32,
   * bool → BOOL). Allowed: float32 → F32 | F64 | F16; int32 → I32 | I64 | U8 | I8 | I16 (range-checked);
   * bool → BOOL | U8. E.g. `{ 'bn1.num_batches_tracked': 'I64' }` as PyTorch writes it.
   */
  dtypes?: Record<string, SafetensorsDtype>;
}

/** Options of {@link decodeSafetensors}. */
export interface DecodeSafetensorsOptions {
  /** Where the bytes came from (e.g. a file path), named in error messages. */
  source?: string;
}

/**
 * Result of {@link decodeSafetensors}. The three records have no prototype, so every name the
 * format allows (any string, `__proto__` and `constructor` included) is an own key and nothing
 * inherited (`toString`…) looks like a tensor.
 */
export interface DecodedSafetensors {
  /** New tensors (the caller owns and disposes them), by name. */
  tensors: Record<string, tf.Tensor>;
  /** The `__metadata__` strings (empty when absent). */
  metadata: Record<string, string>;
  /** Each tensor's on-disk dtype (e.g. to know that an int32 came from I64). */
  dtypes: Record<string, SafetensorsDtype>;
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function naturalDtype(t: tf.Tensor, name: string): SafetensorsDtype {
  switch (t.dtype) {
    case 'float32':
      return 'F32';
    case 'int32':
      return 'I32';
    case 'bool':
      return 'BOOL';
    default:
      throw new Error(`encodeSafetensors: tensor "${name}" has dtype ${t.dtype}, which safetensors cannot hold here`);
  }
}

const ALLOWED: Record<string, SafetensorsDtype[]> = {
  float32: ['F32', 'F64', 'F16'],
  int32: ['I32', 'I64', 'U8', 'I8', 'I16'],
  bool: ['BOOL', 'U8'],
};

const INT_RANGE: Partial<Record<SafetensorsDtype, [number, number]>> = {
  U8: [0, 255],
  I8: [-128, 127],
  I16: [-32768, 32767],
};

/** float32 → IEEE half (round to nearest even), for F16 writing. */
function toHalf(value: number): number {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/**
 * Serialises tensors (and optional string metadata) to safetensors bytes. Tensor names must be
 * non-empty and not `__metadata__`. Reads the tensors' values (dataSync); disposes nothing.
 */
export function encodeSafetensors(
  tensors: Record<string, tf.Tensor>,
  metadata?: Record<string, string>,
  options: EncodeSafetensorsOptions = {},
): Uint8Array {
  const names = Object.keys(tensors);
  // No prototype: a tensor named "__proto__" must become a key of the JSON, not the header's prototype.
  const header: Record<string, unknown> = Object.create(null);
  const chosen = options.dtypes ?? {};
  if (metadata && Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new Error(`encodeSafetensors: metadata "${k}" must be a string, got ${typeof v}`);
    }
    header.__metadata__ = metadata;
  }
  const plan: { name: string; t: tf.Tensor; dtype: SafetensorsDtype; begin: number; end: number }[] = [];
  let offset = 0;
  for (const name of names) {
    if (!name || name === '__metadata__') throw new Error(`encodeSafetensors: invalid tensor name "${name}"`);
    const t = tensors[name];
    if (!(t instanceof tf.Tensor)) throw new Error(`encodeSafetensors: "${name}" is not a tensor`);
    const dtype = Object.hasOwn(chosen, name) ? chosen[name] : naturalDtype(t, name);
    if (!(ALLOWED[t.dtype] ?? []).includes(dtype)) {
      throw new Error(`encodeSafetensors: cannot write "${name}" (${t.dtype}) as ${dtype}; allowed: ${(ALLOWED[t.dtype] ?? []).join(', ')}`);
    }
    const size = t.size * BYTES[dtype];
    plan.push({ name, t, dtype, begin: offset, end: offset + size });
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  for (const k of Object.keys(chosen)) {
    if (!Object.hasOwn(tensors, k)) throw new Error(`encodeSafetensors: options.dtypes names "${k}", which is not among the tensors`);
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  const base = 8 + json.length;
  for (const { name, t, dtype, begin } of plan) {
    const values = t.dataSync();
    const at = base + begin;
    switch (dtype) {
      case 'F32':
        if (littleEndian) out.set(new Uint8Array(new Float32Array(values as Float32Array).buffer), at);
        else for (let i = 0; i < values.length; i++) view.setFloat32(at + 4 * i, values[i] as number, true);
        break;
      case 'F64':
        for (let i = 0; i < values.length; i++) view.setFloat64(at + 8 * i, values[i] as number, true);
        break;
      case 'F16':
        for (let i = 0; i < values.length; i++) view.setUint16(at + 2 * i, toHalf(values[i] as number), true);
        break;
      case 'I32':
        for (let i = 0; i < values.length; i++) view.setInt32(at + 4 * i, values[i] as number, true);
        break;
      case 'I64':
        for (let i = 0; i < values.length; i++) view.setBigInt64(at + 8 * i, BigInt(values[i] as number), true);
        break;
      case 'I16':
      case 'I8':
      case 'U8':
      case 'BOOL': {
        const [lo, hi] = INT_RANGE[dtype] ?? [0, 1];
        for (let i = 0; i < values.length; i++) {
          const v = values[i] as number;
          if (v < lo || v > hi) throw new Error(`encodeSafetensors: "${name}" value ${v} at index ${i} does not fit ${dtype}`);
          if (dtype === 'I16') view.setInt16(at + 2 * i, v, true);
          else if (dtype === 'I8') view.setInt8(at + i, v);
          else out[at + i] = v;
        }
        break;
      }
      default:
        throw new Error(`encodeSafetensors: cannot write ${dtype} ("${name}")`);
    }
  }
  return out;
}

/**
 * Parses safetensors bytes into new tfjs tensors: F32/F64/F16/BF16 → float32 (F64 loses precision),
 * I64/I32/I16/I8/U8 → int32 (I64 values outside int32 are an error), BOOL → bool. Checks everything
 * the format requires first (see safetensors-header.ts: dtypes, shapes, offsets, no overlaps or gaps,
 * no duplicate names), with errors naming the tensor and `options.source`. The caller owns the
 * returned tensors; on error none are left behind.
 */
export function decodeSafetensors(bytes: Uint8Array, options: DecodeSafetensorsOptions = {}): DecodedSafetensors {
  const where = options.source === undefined ? 'decodeSafetensors' : `decodeSafetensors(${options.source})`;
  const fail: Fail = (message) => {
    throw new Error(`${where}: ${message}`);
  };
  if (!(bytes instanceof Uint8Array)) fail(`expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  const { dataStart, metadata, entries } = readSafetensorsLayout(bytes, fail);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tensors: Record<string, tf.Tensor> = Object.create(null);
  const dtypes: Record<string, SafetensorsDtype> = Object.create(null);
  try {
    for (const entry of entries) {
      tensors[entry.name] = decodeTensor(bytes, view, dataStart + entry.begin, entry, fail);
      dtypes[entry.name] = entry.dtype;
    }
  } catch (error) {
    tf.dispose(Object.values(tensors));
    throw error;
  }
  return { tensors, metadata, dtypes };
}

function decodeTensor(bytes: Uint8Array, view: DataView, at: number, entry: TensorEntry, fail: Fail): tf.Tensor {
  const { count, dtype, shape } = entry;
  switch (dtype) {
    case 'F32': {
      let values: Float32Array;
      if (littleEndian) {
        // Copy (the data may be unaligned, and a Node Buffer's slice() is a view, not a copy).
        const copy = new Uint8Array(4 * count);
        copy.set(bytes.subarray(at, at + 4 * count));
        values = new Float32Array(copy.buffer);
      } else {
        values = new Float32Array(count);
        for (let i = 0; i < count; i++) values[i] = view.getFloat32(at + 4 * i, true);
      }
      return tf.tensor(values, shape, 'float32');
    }
    case 'F64':
    case 'F16':
    case 'BF16': {
      const values = new Float32Array(count);
      if (dtype === 'F64') for (let i = 0; i < count; i++) values[i] = view.getFloat64(at + 8 * i, true);
      else if (dtype === 'F16') for (let i = 0; i < count; i++) values[i] = fromHalf(view.getUint16(at + 2 * i, true));
      else {
        const u = new Uint32Array(1);
        const f = new Float32Array(u.buffer);
        for (let i = 0; i < count; i++) {
          u[0] = view.getUint16(at + 2 * i, true) << 16;
          values[i] = f[0];
        }
      }
      return tf.tensor(values, shape, 'float32');
    }
    case 'BOOL': {
      const values = new Uint8Array(count);
      for (let i = 0; i < count; i++) values[i] = bytes[at + i] ? 1 : 0;
      return tf.tensor(values, shape, 'bool');
    }
    default: {
      const values = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        if (dtype === 'I64') {
          const v = view.getBigInt64(at + 8 * i, true);
          if (v > 2147483647n || v < -2147483648n) {
            fail(`tensor ${show(entry.name)} (I64) value ${v} at index ${i} does not fit int32, the widest integer type of TF.js`);
          }
          values[i] = Number(v);
        } else if (dtype === 'I32') values[i] = view.getInt32(at + 4 * i, true);
        else if (dtype === 'I16') values[i] = view.getInt16(at + 2 * i, true);
        else if (dtype === 'I8') values[i] = view.getInt8(at + i);
        else values[i] = bytes[at + i];
      }
      return tf.tensor(values, shape, 'int32');
    }
  }
}

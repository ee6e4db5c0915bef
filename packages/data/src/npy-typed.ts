import type { NpyDtype } from './npy-header.js';

/** The typed array an npy element type reads into. */
export type NpyTypedArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

const DESCR_OF: [new (n: number) => NpyTypedArray, string][] = [
  [Uint8Array, '|u1'],
  [Int8Array, '|i1'],
  [Uint16Array, '<u2'],
  [Int16Array, '<i2'],
  [Uint32Array, '<u4'],
  [Int32Array, '<i4'],
  [BigUint64Array, '<u8'],
  [BigInt64Array, '<i8'],
  [Float32Array, '<f4'],
  [Float64Array, '<f8'],
];

/** The little-endian npy `descr` of a typed array (`Uint8Array` → `'|u1'`), or undefined. */
export function descrOf(data: unknown): string | undefined {
  return DESCR_OF.find(([Type]) => data instanceof Type && data.constructor === Type)?.[1];
}

const GETTERS = {
  u: { 1: 'getUint8', 2: 'getUint16', 4: 'getUint32', 8: 'getBigUint64' },
  i: { 1: 'getInt8', 2: 'getInt16', 4: 'getInt32', 8: 'getBigInt64' },
  f: { 4: 'getFloat32', 8: 'getFloat64' },
} as const;

/**
 * Elements of `dtype` from raw file bytes: one-byte types are a view (no copy); wider ones are
 * copied element by element in the file's byte order (the host's does not matter).
 */
export function toTypedArray(bytes: Uint8Array, dtype: NpyDtype): NpyTypedArray {
  if (dtype.kind === 'b' || dtype.descr.endsWith('u1')) return bytes;
  if (dtype.kind === 'i' && dtype.itemSize === 1) return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const Type = DESCR_OF.find(([, d]) => d.slice(1) === `${dtype.kind}${dtype.itemSize}`)?.[0];
  const getter = (GETTERS[dtype.kind as 'u' | 'i' | 'f'] as Record<number, string>)[dtype.itemSize];
  if (!Type || !getter) throw new Error(`no typed array for npy dtype ${dtype.descr}`);
  const n = bytes.length / dtype.itemSize;
  const out = new Type(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const get = (view as unknown as Record<string, (o: number, le: boolean) => number | bigint>)[getter].bind(view);
  for (let i = 0; i < n; i++) (out as unknown as (number | bigint)[])[i] = get(i * dtype.itemSize, dtype.littleEndian);
  return out;
}

/** The bytes of `data` in little-endian order, as an npy file stores them with a `<` descr. */
export function littleEndianBytes(data: NpyTypedArray): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const size = data.BYTES_PER_ELEMENT;
  if (size === 1 || new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) return bytes;
  const out = new Uint8Array(bytes.length); // a big-endian host: swap each element
  for (let i = 0; i < bytes.length; i += size) for (let k = 0; k < size; k++) out[i + k] = bytes[i + size - 1 - k];
  return out;
}

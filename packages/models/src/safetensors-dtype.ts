/*
 * The on-disk element types of safetensors that this package reads and writes, and their sizes.
 */

/** On-disk dtypes understood here. Decoding maps them to tfjs dtypes (float32, int32, bool). */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = Object.freeze({
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
});

/** All dtypes, for error messages. */
export const SAFETENSORS_DTYPES = Object.keys(DTYPE_BYTES) as SafetensorsDtype[];

/** True for one of the dtype strings above (an own key: not "toString", not ["F32"]). */
export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.hasOwn(DTYPE_BYTES, value);
}

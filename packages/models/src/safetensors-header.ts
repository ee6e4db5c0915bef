import { topLevelKeys } from './json-keys.js';
import { DTYPE_BYTES, isSafetensorsDtype, SAFETENSORS_DTYPES, type SafetensorsDtype } from './safetensors-dtype.js';

/*
 * Reading and checking a safetensors header against the format's rules (its README and the
 * reference reader): a u64 length ≤ 100 MB that fits the file; UTF-8 JSON starting with "{";
 * no duplicate keys; `__metadata__` a string → string map; every tensor a known dtype, a shape of
 * non-negative integers (multiplying to at most 2^53 − 1, zeros aside) and [begin, end] offsets
 * whose length is the shape's byte size; and the
 * tensors tiling the data buffer exactly — no overlaps, no gaps, nothing after the last one.
 */

/** The reference reader refuses larger headers (it bounds the JSON it parses). */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor's place in the file, checked. */
export interface TensorEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Element count (≤ the data bytes, so a safe integer). */
  count: number;
  /** Byte range in the data buffer. */
  begin: number;
  end: number;
}

/** A checked header. */
export interface SafetensorsLayout {
  /** Byte offset of the data buffer in the file (8 + header length). */
  dataStart: number;
  /** `__metadata__` (a null-prototype record, so any key is an own string). */
  metadata: Record<string, string>;
  /** The tensors in header order. */
  entries: TensorEntry[];
}

/** Throws an Error with the caller's prefix (the function and, when known, the file). */
export type Fail = (message: string) => never;

/** A name or value for an error message: JSON, so quotes and escapes show; cut when long. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const own = (o: object, key: string): unknown => (Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined);

function firstRepeated(keys: string[]): string | undefined {
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k)) return k;
    seen.add(k);
  }
  return undefined;
}

/** Reads and checks the header of safetensors `bytes`; `fail` reports the first problem. */
export function readSafetensorsLayout(bytes: Uint8Array, fail: Fail): SafetensorsLayout {
  if (bytes.length < 8) fail(`${bytes.length} bytes is too short for a safetensors file (needs an 8-byte header length)`);
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    fail(`header length ${declared} exceeds the format's limit of ${MAX_HEADER_BYTES} bytes (not a safetensors file?)`);
  }
  const headerLength = Number(declared);
  if (headerLength > bytes.length - 8) {
    fail(`header length ${headerLength} exceeds the ${bytes.length - 8} bytes after it (not a safetensors file, or truncated)`);
  }
  const header = parseHeader(bytes.subarray(8, 8 + headerLength), fail);
  const metadata = readMetadata(own(header, '__metadata__'), fail);
  const dataLength = bytes.length - 8 - headerLength;
  const entries: TensorEntry[] = [];
  for (const name of Object.keys(header)) {
    if (name !== '__metadata__') entries.push(readEntry(name, header[name], dataLength, fail));
  }
  checkTiling(entries, dataLength, fail);
  return { dataStart: 8 + headerLength, metadata, entries };
}

/** UTF-8 JSON object starting with "{", without repeated keys. */
function parseHeader(raw: Uint8Array, fail: Fail): Record<string, unknown> {
  if (raw[0] !== 0x7b) fail(`header does not start with "{" (not a safetensors file?)`);
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    fail('header is not valid UTF-8');
  }
  let header: Record<string, unknown> = {};
  try {
    header = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    fail(`header is not valid JSON (${(error as Error).message})`);
  }
  const keys = topLevelKeys(text);
  if (keys.length !== Object.keys(header).length) {
    const repeated = firstRepeated(keys);
    const times = keys.filter((k) => k === repeated).length;
    const what = repeated === '__metadata__' ? 'key' : 'tensor name';
    fail(`${what} ${show(repeated)} appears ${times} times in the header; the format forbids duplicate keys`);
  }
  return header;
}

function readMetadata(raw: unknown, fail: Fail): Record<string, string> {
  const metadata: Record<string, string> = Object.create(null);
  if (raw === undefined) return metadata;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(`__metadata__ must be an object of strings, got ${show(raw)}`);
  for (const [key, value] of Object.entries(raw as object)) {
    if (typeof value !== 'string') fail(`__metadata__ ${show(key)} is not a string (got ${show(value)})`);
    metadata[key] = value;
  }
  return metadata;
}


function readEntry(name: string, info: unknown, dataLength: number, fail: Fail): TensorEntry {
  const tensor = `tensor ${show(name)}`;
  if (info === null || typeof info !== 'object' || Array.isArray(info)) {
    fail(`${tensor} must be an object with dtype, shape and data_offsets, got ${show(info)}`);
  }
  const [dtype, shape, offsets] = ['dtype', 'shape', 'data_offsets'].map((k) => own(info as object, k));
  if (dtype === undefined) fail(`${tensor} has no dtype`);
  if (!isSafetensorsDtype(dtype)) fail(`${tensor} has unsupported dtype ${show(dtype)}; expected one of ${SAFETENSORS_DTYPES.join(', ')}`);
  if (shape === undefined) fail(`${tensor} has no shape`);
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(`${tensor} has an invalid shape ${show(shape)}; dimensions must be non-negative integers below 2^53`);
  }
  if (offsets === undefined) fail(`${tensor} has no data_offsets`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    fail(`${tensor} has invalid data_offsets ${show(offsets)}; expected [begin, end] with 0 ≤ begin ≤ end, integers below 2^53`);
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataLength) fail(`${tensor} ends at byte ${end} beyond the ${dataLength} data bytes (truncated file?)`);
  const dims = shape as number[];
  // Exact (BigInt) products. Beyond 2^53 elements no file holds the tensor and TF.js' strides lose
  // precision, so such a shape is refused even when a 0 dimension makes the tensor empty.
  const extent = dims.reduce((n, d) => n * BigInt(Math.max(d, 1)), 1n);
  if (extent > BigInt(Number.MAX_SAFE_INTEGER)) {
    fail(`${tensor} has an absurd shape ${show(dims)}; its dimensions multiply to ${extent}, more than 2^53 − 1 elements`);
  }
  const count = dims.includes(0) ? 0 : Number(extent);
  const needed = BigInt(count) * BigInt(DTYPE_BYTES[dtype]);
  if (needed !== BigInt(end - begin)) fail(`${tensor} (${dtype}, shape [${dims.join(', ')}]) needs ${needed} bytes, data_offsets give ${end - begin}`);
  return { name, dtype, shape: dims, count, begin, end };
}

/** The tensors must cover the data buffer exactly once: sorted by offset, each begins where the last ended. */
function checkTiling(entries: TensorEntry[], dataLength: number, fail: Fail): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let last: TensorEntry | undefined;
  for (const e of sorted) {
    if (e.begin < covered && last) {
      fail(`tensors ${show(last.name)} (bytes ${last.begin}–${last.end}) and ${show(e.name)} (bytes ${e.begin}–${e.end}) overlap`);
    }
    if (e.begin > covered) fail(`bytes ${covered}–${e.begin} of the data belong to no tensor (before ${show(e.name)}); the format allows no gaps`);
    covered = e.end;
    last = e;
  }
  if (covered < dataLength) {
    const where = last ? 'after the last tensor' : 'the header lists no tensors';
    fail(`bytes ${covered}–${dataLength} of the data belong to no tensor (${where}); the format allows no gaps`);
  }
}

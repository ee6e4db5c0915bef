/*
 * Seeded mutations of valid safetensors files, for the fuzz suite (test support, not exported from
 * the package). Each mutation returns the new bytes and a line saying what it did, so a failing
 * case can be read and replayed from its seed.
 */
import type { Rng } from '@cnn/core';

/** A mutated file and what was done to it. */
export interface Mutant {
  bytes: Uint8Array;
  what: string[];
}

type Json = Record<string, unknown>;

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)];

/** Values that tend to break parsers of sizes, offsets and names. */
const ODD_NUMBERS = [0, 1, -1, 2, 3, 4, 7, 8, 255, 256, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, 0.5, 1e-300];
const ODD_VALUES: unknown[] = [...ODD_NUMBERS, null, true, '8', 'F32', [], [1], {}, 'toString', '__proto__'];
const DTYPES = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'];
const ODD_DTYPES: unknown[] = [...DTYPES, 'F8_E4M3', 'U16', 'U32', 'U64', 'C64', 'f32', '', 'toString', '__proto__', 'constructor', ['F32'], { F32: 1 }, 4, null, true];
const ODD_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', '__metadata__', 'a\u0000b', 'é✓', '0', 'q"}\\,', 'x'.repeat(300)];

/** Splits a file into its header object (null prototype, so any key is own) and its data bytes. */
export function splitFile(bytes: Uint8Array): { header: Json; data: Uint8Array } {
  const len = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) as Json;
  return { header: Object.assign(Object.create(null) as Json, parsed), data: bytes.subarray(8 + len) };
}

/** Header text + data as a file; `length` overrides the length field. */
export function joinFile(headerText: string, data: Uint8Array, length?: bigint): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const tensorNames = (h: Json): string[] => Object.keys(h).filter((k) => k !== '__metadata__');

/** A copy of `h` with `key` → `value` (keys keep their order; a new key goes last). */
function withKey(h: Json, key: string, value: unknown): Json {
  const out: Json = Object.create(null);
  for (const k of Object.keys(h)) out[k] = h[k];
  out[key] = value;
  return out;
}

function without(h: Json, key: string): Json {
  const out: Json = Object.create(null);
  for (const k of Object.keys(h)) if (k !== key) out[k] = h[k];
  return out;
}

/** A prototype-free copy of an object (a non-object gives an empty one): "__proto__" stays a key. */
const ownCopy = (value: unknown): Json => Object.assign(Object.create(null) as Json, typeof value === 'object' ? value : {});

function renamed(h: Json, from: string, to: string): Json {
  const out: Json = Object.create(null);
  for (const k of Object.keys(h)) out[k === from ? to : k] = h[k];
  return out;
}

/** One change to a tensor's dtype, shape or data_offsets. */
function mutateField(rng: Rng, entry: Json, data: Uint8Array): string {
  const field = pick(rng, ['dtype', 'shape', 'data_offsets', 'delete', 'extra'] as const);
  if (field === 'delete') {
    const k = pick(rng, ['dtype', 'shape', 'data_offsets']);
    delete entry[k];
    return `delete ${k}`;
  }
  if (field === 'extra') {
    entry[pick(rng, ['offsets', 'stride', '__proto__', 'dtype2'])] = pick(rng, ODD_VALUES);
    return 'extra field';
  }
  if (field === 'dtype') return `dtype = ${JSON.stringify((entry.dtype = pick(rng, ODD_DTYPES)))}`;
  const value = entry[field];
  if (!Array.isArray(value) || rng.uniform() < 0.2) return `${field} = ${JSON.stringify((entry[field] = pick(rng, ODD_VALUES)))}`;
  const list = [...(value as unknown[])];
  const choice = rng.int(6);
  const i = rng.int(Math.max(list.length, 1));
  if (choice === 0) list[i] = pick(rng, ODD_VALUES);
  else if (choice === 1) list[i] = (typeof list[i] === 'number' ? (list[i] as number) : 0) + pick(rng, [-8, -4, -2, -1, 1, 2, 4, 8]);
  else if (choice === 2) list.push(pick(rng, [0, 1, 2, data.length]));
  else if (choice === 3) list.pop();
  else if (choice === 4) list.reverse();
  else list[i] = data.length + pick(rng, [-1, 0, 1]);
  entry[field] = list;
  return `${field} = ${JSON.stringify(list).slice(0, 60)}`;
}

/** One structural change of the header: a field, a name, an entry, the metadata. */
function mutateHeader(rng: Rng, h: Json, data: Uint8Array): { header: Json; what: string } {
  const names = tensorNames(h);
  const name = names.length ? pick(rng, names) : 'w';
  const kind = rng.int(10);
  if (kind < 5 && names.length && h[name] !== null && typeof h[name] === 'object') {
    const entry = ownCopy(h[name]);
    const what = mutateField(rng, entry, data);
    return { header: withKey(h, name, entry), what: `tensor ${JSON.stringify(name).slice(0, 30)}: ${what}` };
  }
  if (kind === 5 && names.length) {
    const to = rng.uniform() < 0.5 ? pick(rng, ODD_NAMES) : pick(rng, names);
    return { header: renamed(h, name, to), what: `rename ${name.slice(0, 30)} → ${JSON.stringify(to).slice(0, 30)}` };
  }
  if (kind === 6 && names.length) {
    return { header: without(h, name), what: `delete tensor ${name.slice(0, 30)}` };
  }
  if (kind === 7) {
    const entry = { dtype: pick(rng, ODD_DTYPES), shape: [rng.int(4)], data_offsets: [rng.int(data.length + 1), rng.int(data.length + 9)] };
    const to = pick(rng, ODD_NAMES);
    return { header: withKey(h, to, entry), what: `add tensor ${JSON.stringify(to).slice(0, 30)} ${JSON.stringify(entry)}` };
  }
  if (kind === 8) {
    const meta = rng.uniform() < 0.5 ? pick(rng, ODD_VALUES) : withKey(ownCopy(h.__metadata__), pick(rng, ODD_NAMES), pick(rng, ODD_VALUES));
    return { header: withKey(h, '__metadata__', meta), what: `__metadata__ = ${JSON.stringify(meta).slice(0, 60)}` };
  }
  const value = pick(rng, ODD_VALUES);
  return { header: withKey(h, name, value), what: `tensor ${name.slice(0, 30)} = ${JSON.stringify(value)}` };
}

/** Header text, sometimes space-padded or with a key repeated (which an object cannot hold). */
function headerText(rng: Rng, h: Json, what: string[]): string {
  let text = JSON.stringify(h);
  const names = tensorNames(h);
  if (rng.uniform() < 0.05 && names.length) {
    const n = pick(rng, names);
    text = `${text.slice(0, -1)},${JSON.stringify(n)}:${JSON.stringify(h[n])}}`;
    what.push(`repeat key ${n.slice(0, 30)}`);
  }
  if (rng.uniform() < 0.3) text += ' '.repeat(rng.int(8));
  return text;
}

/** 1–3 structural header changes, then a well-formed length field (mostly). */
function structural(rng: Rng, bytes: Uint8Array): Mutant {
  let { header, data } = splitFile(bytes);
  const what: string[] = [];
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const m = mutateHeader(rng, header, data);
    header = m.header;
    what.push(m.what);
  }
  if (rng.uniform() < 0.1) {
    data = data.subarray(0, rng.int(data.length + 1));
    what.push(`data cut to ${data.length}`);
  }
  return { bytes: joinFile(headerText(rng, header, what), data), what };
}

/** Byte-level changes: flips, truncation, a new length field, splices, random bytes, new data values. */
function byteLevel(rng: Rng, bytes: Uint8Array): Mutant {
  const out = bytes.slice();
  const kind = rng.int(7);
  const headerEnd = Math.min(out.length, 8 + Number(new DataView(out.buffer).getBigUint64(0, true)));
  if (kind === 6 && headerEnd < out.length) {
    // Data bytes only: still a valid file, with other values (NaN payloads, large I64s…).
    const flips = 1 + rng.int(8);
    for (let i = 0; i < flips; i++) out[headerEnd + rng.int(out.length - headerEnd)] = rng.int(256);
    return { bytes: out, what: [`${flips} data bytes changed`] };
  }
  if (kind === 0) {
    const flips = 1 + rng.int(4);
    // Half of the flips land in the length field and header, where most of the checks are.
    for (let i = 0; i < flips; i++) out[rng.uniform() < 0.5 ? rng.int(headerEnd) : rng.int(out.length)] ^= 1 << rng.int(8);
    return { bytes: out, what: [`${flips} bit flips`] };
  }
  if (kind === 1) {
    const at = rng.int(bytes.length + 1);
    return { bytes: bytes.slice(0, at), what: [`truncated to ${at}`] };
  }
  if (kind === 2) {
    const len = pick(rng, [0n, 1n, 2n, 7n, BigInt(bytes.length), BigInt(bytes.length - 8), 100_000_000n, 100_000_001n, 2n ** 53n, 2n ** 64n - 1n]);
    const delta = BigInt(rng.int(17) - 8);
    const value = BigInt.asUintN(64, len + delta);
    new DataView(out.buffer).setBigUint64(0, value, true);
    return { bytes: out, what: [`length field = ${value}`] };
  }
  if (kind === 3) {
    const at = rng.int(bytes.length + 1);
    const extra = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
    const spliced = new Uint8Array(bytes.length + extra.length);
    spliced.set(bytes.subarray(0, at));
    spliced.set(extra, at);
    spliced.set(bytes.subarray(at), at + extra.length);
    return { bytes: spliced, what: [`${extra.length} bytes inserted at ${at}`] };
  }
  if (kind === 4) {
    const at = rng.int(bytes.length);
    const count = 1 + rng.int(16);
    const rest = bytes.subarray(Math.min(at + count, bytes.length));
    const cut = new Uint8Array(at + rest.length);
    cut.set(bytes.subarray(0, at));
    cut.set(rest, at);
    return { bytes: cut, what: [`${count} bytes deleted at ${at}`] };
  }
  const random = Uint8Array.from({ length: rng.int(64) }, () => rng.int(256));
  return { bytes: random, what: [`${random.length} random bytes`] };
}

/** One seeded mutation of a valid file: mostly structural (header fields), else byte-level. */
export function mutate(rng: Rng, bytes: Uint8Array): Mutant {
  return rng.uniform() < 0.6 ? structural(rng, bytes) : byteLevel(rng, bytes);
}

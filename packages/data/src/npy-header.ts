// The header of a NumPy `.npy` file (format versions 1.0, 2.0 and 3.0), parsed strictly: the magic,
// the header length, then a Python dict literal with exactly 'descr', 'fortran_order' and 'shape'.
// Pure (bytes in, numbers out) so the format rules are tested without a file system.

/** An element type the reader knows: unsigned/signed integers, floats and booleans. */
export interface NpyDtype {
  /** The header's `descr`, e.g. `'|u1'`, `'<i8'`. */
  descr: string;
  kind: 'u' | 'i' | 'f' | 'b';
  /** Bytes per element. */
  itemSize: number;
  /** Byte order of multi-byte elements (true for `<` and for one-byte types). */
  littleEndian: boolean;
}

export interface NpyHeader {
  dtype: NpyDtype;
  shape: number[];
  /** Byte offset of the first element (magic + length field + header). */
  dataOffset: number;
  /** Number of elements: the product of `shape` (1 for a 0-d array). */
  count: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Bytes to read first: magic (6), version (2) and the longest length field (4). */
export const NPY_PRELUDE_BYTES = 12;
/** Headers longer than this are refused (numpy itself caps them far lower by default). */
const MAX_HEADER_BYTES = 1 << 20;

const SIZES: Record<string, readonly number[]> = { u: [1, 2, 4, 8], i: [1, 2, 4, 8], f: [2, 4, 8], b: [1] };

/**
 * From the first {@link NPY_PRELUDE_BYTES} bytes (fewer if the file is shorter): the offset of the
 * data, i.e. how many bytes the whole header takes. Throws naming `what` when it is not an npy file.
 */
export function npyDataOffset(prelude: Uint8Array, what: string): number {
  if (prelude.length < 10 || MAGIC.some((b, i) => prelude[i] !== b)) {
    throw new Error(`${what}: not a NumPy .npy file (it does not start with the magic "\\x93NUMPY"${prelude.length < 10 ? `; only ${prelude.length} bytes` : ''})`);
  }
  const [major, minor] = [prelude[6], prelude[7]];
  if (![1, 2, 3].includes(major) || minor !== 0) throw new Error(`${what}: unsupported .npy format version ${major}.${minor} (expected 1.0, 2.0 or 3.0)`);
  if (major === 1) return 10 + (prelude[8] | (prelude[9] << 8));
  if (prelude.length < 12) throw new Error(`${what}: .npy header cut short (${prelude.length} bytes, the version ${major}.0 prelude takes 12)`);
  const length = (prelude[8] | (prelude[9] << 8) | (prelude[10] << 16)) + prelude[11] * 2 ** 24;
  if (length > MAX_HEADER_BYTES) throw new Error(`${what}: .npy header length ${length} bytes is implausible (at most ${MAX_HEADER_BYTES})`);
  return 12 + length;
}

/** Parses the header; `bytes` holds at least the first {@link npyDataOffset} bytes of the file. */
export function parseNpyHeader(bytes: Uint8Array, what: string): NpyHeader {
  const dataOffset = npyDataOffset(bytes.subarray(0, NPY_PRELUDE_BYTES), what);
  if (bytes.length < dataOffset) throw new Error(`${what}: .npy header cut short (the header says ${dataOffset} bytes, the file has ${bytes.length})`);
  const start = bytes[6] === 1 ? 10 : 12;
  const text = new TextDecoder(bytes[6] === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, dataOffset));
  if (!text.endsWith('\n')) throw new Error(`${what}: .npy header does not end with a newline`);
  const dict = parseDictLiteral(text, what);
  const keys = Object.keys(dict).sort().join(',');
  if (keys !== 'descr,fortran_order,shape') throw new Error(`${what}: .npy header must have exactly the keys descr, fortran_order, shape; found ${keys || 'none'}`);
  const { descr, fortran_order: fortranOrder, shape } = dict;
  if (typeof descr !== 'string') throw new Error(`${what}: .npy header 'descr' must be a string like '|u1', found a structured dtype`);
  if (fortranOrder !== false) throw new Error(`${what}: .npy data in Fortran order (fortran_order: ${String(fortranOrder)}) is not supported; save it in C order`);
  if (!Array.isArray(shape)) throw new Error(`${what}: .npy header 'shape' must be a tuple of integers`);
  const count = shape.reduce((n, d) => n * d, 1);
  if (!Number.isSafeInteger(count)) throw new Error(`${what}: .npy shape (${shape.join(', ')}) has too many elements`);
  return { dtype: parseDtype(descr, what), shape, dataOffset, count };
}

/** `'<i8'` → kind, size, byte order; only the simple numeric types. */
export function parseDtype(descr: string, what: string): NpyDtype {
  const m = /^([<>|=])([uifb])(\d+)$/.exec(descr);
  const size = m ? Number(m[3]) : 0;
  if (!m || !SIZES[m[2]].includes(size)) throw new Error(`${what}: unsupported .npy dtype ${JSON.stringify(descr)} (expected a plain number type such as '|u1', '<i8', '<f4')`);
  if (m[1] === '|' && size !== 1) throw new Error(`${what}: .npy dtype ${JSON.stringify(descr)} has no byte order but ${size}-byte elements`);
  return { descr, kind: m[2] as NpyDtype['kind'], itemSize: size, littleEndian: m[1] !== '>' };
}

type PyValue = string | boolean | number[];

/** A Python dict literal of string keys and string / bool / int-tuple values, as numpy writes it. */
function parseDictLiteral(text: string, what: string): Record<string, PyValue> {
  let at = 0;
  const fail = (expected: string): never => {
    throw new Error(`${what}: malformed .npy header: expected ${expected} at character ${at} of ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)}`);
  };
  const space = () => {
    while (at < text.length && /\s/.test(text[at])) at++;
  };
  const eat = (c: string): boolean => (space(), text[at] === c ? (at++, true) : false);
  const str = (): string => {
    space();
    const q = text[at];
    if (q !== "'" && q !== '"') return fail('a quoted string');
    const end = text.indexOf(q, at + 1);
    if (end < 0) return fail('a closing quote');
    const s = text.slice(at + 1, end);
    at = end + 1;
    return s;
  };
  const int = (): number => {
    space();
    const m = /^(\d{1,16})L?/.exec(text.slice(at));
    if (!m) return fail('a non-negative integer');
    at += m[0].length;
    return Number(m[1]);
  };
  const value = (): PyValue => {
    space();
    if (text.startsWith('True', at)) return (at += 4), true;
    if (text.startsWith('False', at)) return (at += 5), false;
    if (!eat('(')) return str();
    const dims: number[] = [];
    while (!eat(')')) {
      dims.push(int());
      if (!eat(',')) {
        if (!eat(')')) fail("',' or ')'");
        if (dims.length === 1) fail("a ',' after the only dimension (a 1-tuple is written (n,))");
        break;
      }
    }
    return dims;
  };
  const dict: Record<string, PyValue> = {};
  if (!eat('{')) fail("'{'");
  while (!eat('}')) {
    const key = str();
    if (key in dict) fail(`a new key (${JSON.stringify(key)} appears twice)`);
    if (!eat(':')) fail("':'");
    dict[key] = value();
    if (!eat(',')) {
      if (!eat('}')) fail("',' or '}'");
      break;
    }
  }
  space();
  if (at !== text.length) fail('the end of the header');
  return dict;
}

/**
 * A version 1.0 header (2.0 when it does not fit), as numpy writes it: the dict padded with spaces
 * and a newline so that the data starts at a multiple of 64 bytes.
 */
export function encodeNpyHeader(descr: string, shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  const sizeWith = (prelude: number) => Math.ceil((prelude + dict.length + 1) / 64) * 64;
  const v1 = sizeWith(10) - 10 <= 0xffff;
  const prelude = v1 ? 10 : 12;
  const total = sizeWith(prelude);
  const length = total - prelude;
  const out = new Uint8Array(total);
  out.set(MAGIC);
  out[6] = v1 ? 1 : 2;
  const view = new DataView(out.buffer);
  if (v1) view.setUint16(8, length, true);
  else view.setUint32(8, length, true);
  out.set(new TextEncoder().encode(dict.padEnd(length - 1, ' ') + '\n'), prelude);
  return out;
}

import { writeFileAtomic } from '@cnn/core/node';
import { promises as fsp } from 'node:fs';
import { encodeNpyHeader, NPY_PRELUDE_BYTES, npyDataOffset, parseNpyHeader, type NpyHeader } from './npy-header.js';
import { descrOf, littleEndianBytes, toTypedArray, type NpyTypedArray } from './npy-typed.js';

/** An open `.npy` file whose header is checked, including that the file holds exactly its data. */
export interface NpyFile {
  readonly file: string;
  readonly header: NpyHeader;
  /** Raw bytes of elements `[first, first + count)` (C order), read from disk now. */
  readElements(first: number, count: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

async function readExactly(handle: fsp.FileHandle, position: number, length: number, file: string): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(out, got, length - got, position + got);
    if (bytesRead === 0) throw new Error(`${file}: file ended after ${position + got} bytes while reading ${length} bytes at ${position}`);
    got += bytesRead;
  }
  return out;
}

/** Opens `file`, reads only its header, and checks the size against it. Close it when done. */
export async function openNpy(file: string): Promise<NpyFile> {
  const handle = await fsp.open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`Cannot open ${file}: ${err.message}`);
  });
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error(`${file}: not a regular file (a .npy file was expected)`);
    const { size } = stat;
    const prelude = await readExactly(handle, 0, Math.min(size, NPY_PRELUDE_BYTES), file);
    const offset = npyDataOffset(prelude, file);
    const header = parseNpyHeader(await readExactly(handle, 0, Math.min(size, offset), file), file);
    const expected = header.dataOffset + header.count * header.dtype.itemSize;
    if (size !== expected) {
      const what = size < expected ? 'truncated' : 'longer than its header says';
      throw new Error(`${file}: .npy file ${what}: shape (${header.shape.join(', ')}) of ${header.dtype.descr} needs ${expected} bytes, the file has ${size}`);
    }
    return {
      file,
      header,
      readElements: (first, count) => {
        if (!(Number.isInteger(first) && Number.isInteger(count) && first >= 0 && count >= 0 && first + count <= header.count)) {
          return Promise.reject(new RangeError(`${file}: elements [${first}, ${first + count}) out of range [0, ${header.count})`));
        }
        const size = header.dtype.itemSize;
        return readExactly(handle, header.dataOffset + first * size, count * size, file);
      },
      close: () => handle.close(),
    };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** A whole `.npy` file: its dtype (`descr`), shape and elements. */
export async function readNpy(file: string): Promise<{ descr: string; shape: number[]; data: NpyTypedArray }> {
  const npy = await openNpy(file);
  try {
    const bytes = await npy.readElements(0, npy.header.count);
    return { descr: npy.header.dtype.descr, shape: npy.header.shape, data: toTypedArray(bytes, npy.header.dtype) };
  } finally {
    await npy.close();
  }
}

/**
 * Writes `data` (C order) with `shape` as a `.npy` file numpy reads (`np.load`): version 1.0 header,
 * little-endian dtype from the typed array (`Uint8Array` → `'|u1'`, `BigInt64Array` → `'<i8'`…).
 * Atomic (`writeFileAtomic` of `@cnn/core/node`): readers never see a half-written file.
 */
export async function writeNpy(file: string, data: NpyTypedArray, shape: readonly number[]): Promise<void> {
  const descr = descrOf(data);
  if (!descr) throw new Error(`writeNpy(${file}): data must be a typed array (Uint8Array, Int32Array, BigInt64Array, Float32Array…)`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`writeNpy(${file}): shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const count = shape.reduce((n, d) => n * d, 1);
  if (count !== data.length) throw new Error(`writeNpy(${file}): shape [${shape.join(', ')}] holds ${count} elements, data has ${data.length}`);
  const header = encodeNpyHeader(descr, shape);
  const body = littleEndianBytes(data);
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  await writeFileAtomic(file, out);
}

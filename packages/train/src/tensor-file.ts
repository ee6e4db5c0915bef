import * as tf from '@tensorflow/tfjs-core';

/**
 * Minimal safetensors codec for checkpoints (https://github.com/huggingface/safetensors):
 * 8-byte little-endian header length, JSON header `{name: {dtype, shape, data_offsets}}`, raw
 * little-endian data. float32 and int32 only (all the trainer stores).
 */
const DTYPES = { float32: 'F32', int32: 'I32' } as const;

/** Encodes named tensors (read with one `dataSync` each; not disposed). */
export function encodeTensors(tensors: Record<string, tf.Tensor>, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`encodeTensors: "${name}" has dtype ${t.dtype}; only float32/int32 are stored`);
    const data = t.dataSync() as Float32Array | Int32Array;
    const bytes = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    header[name] = { dtype: DTYPES[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    blobs.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' '; // align data to 8 bytes
  const jsonBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + jsonBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(jsonBytes.length), true);
  out.set(jsonBytes, 8);
  let o = 8 + jsonBytes.length;
  for (const b of blobs) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

/** Decodes {@link encodeTensors}' format (or any F32/I32 safetensors file) into new tensors (caller disposes). */
export function decodeTensors(bytes: Uint8Array, source = 'safetensors'): Record<string, tf.Tensor> {
  if (bytes.length < 8) throw new Error(`${source}: too short for a safetensors file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (8 + n > bytes.length) throw new Error(`${source}: header length ${n} exceeds the file size ${bytes.length}`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new Error(`${source}: corrupt header (${(e as Error).message})`);
  }
  const base = 8 + n;
  const out: Record<string, tf.Tensor> = {};
  try {
    for (const [name, info] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const [a, b] = info.data_offsets;
      if (base + b > bytes.length) throw new Error(`${source}: "${name}" data [${a}, ${b}) lies past the end of the file`);
      const size = info.shape.reduce((x, y) => x * y, 1);
      const raw = bytes.slice(base + a, base + b);
      if (info.dtype === 'F32' && raw.length === size * 4) out[name] = tf.tensor(new Float32Array(raw.buffer), info.shape, 'float32');
      else if (info.dtype === 'I32' && raw.length === size * 4) out[name] = tf.tensor(new Int32Array(raw.buffer), info.shape, 'int32');
      else throw new Error(`${source}: "${name}" has dtype ${info.dtype} and ${raw.length} bytes for shape [${info.shape}]`);
    }
  } catch (e) {
    tf.dispose(Object.values(out));
    throw e;
  }
  return out;
}

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RECORD = 1 + 32 * 32 * 3; // CIFAR-10 binary: label byte, then the image as CHW planes

/** A .npy file (format 1.0) of uint8 values with the given shape. */
function npyBytes(shape: number[], data: Uint8Array): Buffer {
  const dict = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const unpadded = 10 + dict.length + 1;
  const header = `${dict}${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix.writeUInt8(1, 6);
  prefix.writeUInt8(0, 7);
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), data]);
}

/**
 * A miniature CIFAR-10-C folder in the official layout (`<corruption>.npy` of 5 severities × k HWC
 * images, `labels.npy`): the first 5·k real test images stand in for the corrupted ones, so
 * loadCifarC reads real pixels and labels. Written for the docs' loadCifarC snippets.
 */
export function writeCifarCFixture(testBatch: string, dest: string, corruption = 'fog', k = 20): void {
  const bin = readFileSync(testBatch);
  const n = 5 * k;
  const images = new Uint8Array(n * 3072);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const rec = bin.subarray(i * RECORD, (i + 1) * RECORD);
    labels[i] = rec[0];
    for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) images[i * 3072 + p * 3 + c] = rec[1 + c * 1024 + p];
  }
  mkdirSync(dest, { recursive: true });
  writeFileSync(join(dest, `${corruption}.npy`), npyBytes([n, 32, 32, 3], images));
  writeFileSync(join(dest, 'labels.npy'), npyBytes([n], labels));
}

import { createGunzip } from 'node:zlib';

/**
 * Default cap on the uncompressed size of an archive read into memory: 512 MiB. The official
 * CIFAR-10 and CIFAR-100 binary archives uncompress to about 185 MB each.
 */
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 512 * 2 ** 20;

/** Checks a `maxUncompressedBytes` option; `what` names the caller in the error. */
export function checkMaxBytes(maxBytes: number, what: string): void {
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new RangeError(`${what}: maxUncompressedBytes must be a positive integer, got ${String(maxBytes)}`);
  }
}

/**
 * The gzip trailer's ISIZE (uncompressed size mod 2^32): only a hint for the first allocation,
 * bounded by deflate's best ratio (about 1032 : 1) so a forged trailer cannot force a huge one.
 */
function sizeHint(gz: Uint8Array): number {
  if (gz.length < 18) return 0;
  const n = gz.length;
  const isize = (gz[n - 4] | (gz[n - 3] << 8) | (gz[n - 2] << 16)) + gz[n - 1] * 2 ** 24;
  return Math.min(isize, n * 1032);
}

/**
 * Decompresses `gz` as a stream and gives up as soon as the output passes `maxBytes`, so a gzip
 * bomb costs at most about `maxBytes` of memory and the time to inflate that much. Errors name
 * `source`: the cap (with how far into the input it stopped) or what is wrong with the gzip data.
 */
export function gunzipCapped(gz: Uint8Array, maxBytes: number, source: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const engine = createGunzip({ chunkSize: 1 << 16 });
    let out = new Uint8Array(Math.min(maxBytes, Math.max(1 << 16, sizeHint(gz))));
    let length = 0;
    let done = false;
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      engine.destroy();
      reject(err);
    };
    engine.on('data', (chunk: Buffer) => {
      if (done) return;
      if (length + chunk.length > maxBytes) {
        fail(
          new Error(
            `${source}: uncompresses to more than ${maxBytes} bytes (maxUncompressedBytes); stopped after ` +
              `${engine.bytesWritten} of ${gz.length} compressed bytes. Raise maxUncompressedBytes if the archive is genuine.`,
          ),
        );
        return;
      }
      if (length + chunk.length > out.length) {
        const grown = new Uint8Array(Math.min(maxBytes, Math.max(out.length * 2, length + chunk.length)));
        grown.set(out.subarray(0, length));
        out = grown;
      }
      out.set(chunk, length);
      length += chunk.length;
    });
    engine.on('error', (err) => fail(new Error(`${source} is not a valid gzip file: ${err.message}`)));
    engine.on('end', () => {
      if (done) return;
      done = true;
      // a wrong hint can leave much unused room: hand back a tight copy then
      resolve(out.length > length * 1.25 + (1 << 16) ? out.slice(0, length) : out.subarray(0, length));
    });
    engine.end(gz);
  });
}

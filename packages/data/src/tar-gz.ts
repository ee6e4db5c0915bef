import { promises as fsp } from 'node:fs';
import { extractTarEntries, type ExtractOptions } from './extract-tar.js';
import { checkMaxBytes, DEFAULT_MAX_UNCOMPRESSED_BYTES, gunzipCapped } from './gunzip-capped.js';
import { readTar, type TarEntry } from './tar.js';

export interface ReadTarGzOptions {
  /**
   * Give up once the archive uncompresses to more than this many bytes (default 512 MiB,
   * {@link DEFAULT_MAX_UNCOMPRESSED_BYTES}). Decompression stops at the cap, so a gzip bomb costs
   * at most about this much memory.
   */
  maxUncompressedBytes?: number;
}

/**
 * Reads a `.tar.gz` (or `.tgz`) file into memory and parses it; errors name the file. The
 * uncompressed size is capped (see {@link ReadTarGzOptions.maxUncompressedBytes}); a number as
 * the second argument is that cap.
 */
export async function readTarGz(file: string, options: ReadTarGzOptions | number = {}): Promise<TarEntry[]> {
  const maxBytes = (typeof options === 'number' ? options : options.maxUncompressedBytes) ?? DEFAULT_MAX_UNCOMPRESSED_BYTES;
  checkMaxBytes(maxBytes, `readTarGz(${file})`);
  let compressed: Buffer;
  try {
    compressed = await fsp.readFile(file);
  } catch (err) {
    throw new Error(`Cannot read archive ${file}: ${(err as Error).message}`);
  }
  return readTar(await gunzipCapped(compressed, maxBytes, file), file);
}

/** {@link readTarGz} + {@link extractTarEntries} (all or nothing). */
export async function extractTarGz(
  file: string,
  dest: string,
  options: Omit<ExtractOptions, 'source'> & ReadTarGzOptions = {},
): Promise<string[]> {
  const { maxUncompressedBytes, ...extract } = options;
  return extractTarEntries(await readTarGz(file, { maxUncompressedBytes }), dest, { ...extract, source: file });
}

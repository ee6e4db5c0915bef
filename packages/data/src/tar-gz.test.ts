import { mkdirSync, mkdtempSync, promises as fsp, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_UNCOMPRESSED_BYTES } from './gunzip-capped.js';
import { extractTarGz, readTarGz } from './tar-gz.js';
import { fixChecksum, makeTar, makeTarGz } from './testing/tar-writer.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cnn-data-targz-'));
afterAll(() => fsp.rm(tmp, { recursive: true, force: true }));

function sandbox(name: string): { box: string; dest: string } {
  const box = path.join(tmp, name);
  mkdirSync(box, { recursive: true });
  return { box, dest: path.join(box, 'dest') };
}

describe('readTarGz / extractTarGz', () => {
  it("reads and extracts .tar.gz; reports a corrupt gzip with the file name", async () => {
    const gz = path.join(tmp, 'x.tar.gz');
    writeFileSync(gz, makeTarGz([{ name: 'top/f.bin', data: new Uint8Array([9, 8]) }]));
    expect((await readTarGz(gz)).map((e) => e.name)).toEqual(['top/f.bin']);
    const written = await extractTarGz(gz, path.join(tmp, 'gzout'));
    expect(written).toEqual([path.join(tmp, 'gzout', 'top', 'f.bin')]);
    expect(Array.from(readFileSync(path.join(tmp, 'gzout', 'top', 'f.bin')))).toEqual([9, 8]);
    const bad = path.join(tmp, 'bad.tar.gz');
    const bytes = readFileSync(gz);
    writeFileSync(bad, bytes.subarray(0, bytes.length - 12));
    await expect(readTarGz(bad)).rejects.toThrow(/bad\.tar\.gz is not a valid gzip file/);
    await expect(readTarGz(gz, 1000)).rejects.toThrow(/x\.tar\.gz: uncompresses to more than 1000 bytes/);
    await expect(readTarGz(path.join(tmp, 'missing.tar.gz'))).rejects.toThrow(/Cannot read archive .*missing\.tar\.gz/);
  });

  it('the cap: default 512 MiB, given as an option or a number, checked', async () => {
    expect(DEFAULT_MAX_UNCOMPRESSED_BYTES).toBe(512 * 2 ** 20);
    const gz = path.join(tmp, 'small.tar.gz');
    writeFileSync(gz, makeTarGz([{ name: 'f', data: new Uint8Array(5000) }]));
    await expect(readTarGz(gz, { maxUncompressedBytes: 4096 })).rejects.toThrow(/small\.tar\.gz: uncompresses to more than 4096 bytes/);
    const size = 512 + 5120 + 1024; // header, data padded to whole blocks, end blocks
    expect((await readTarGz(gz, { maxUncompressedBytes: size })).length).toBe(1); // exactly the tar's size
    await expect(readTarGz(gz, size - 1)).rejects.toThrow(new RegExp(`more than ${size - 1} bytes`));
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      await expect(readTarGz(gz, { maxUncompressedBytes: bad })).rejects.toThrow(/maxUncompressedBytes must be a positive integer/);
    }
  });

  it('reads a multi-member gzip (concatenated members) and a tar whose trailer size hint lies', async () => {
    const a = makeTar([{ name: 'one', data: 'first' }]);
    const gz = path.join(tmp, 'multi.tar.gz');
    // the tar split in two gzip members: the trailer of the last one gives only its own size
    writeFileSync(gz, Buffer.concat([gzipSync(a.subarray(0, 512)), gzipSync(a.subarray(512))]));
    const entries = await readTarGz(gz);
    expect(new TextDecoder().decode(entries[0].data)).toBe('first');
    const lying = Buffer.from(gzipSync(a));
    lying.writeUInt32LE(0xffffffff, lying.length - 4);
    writeFileSync(gz, lying);
    await expect(readTarGz(gz)).rejects.toThrow(/multi\.tar\.gz is not a valid gzip file/);
  });
});

// issue 17, item 6: the cap was a fixed 2 GiB, reached only after inflating all of it.
describe('issue 17: gzip bomb', () => {
  it('a small gzip bomb is refused before it is decompressed, naming the cap', async () => {
    const { box, dest } = sandbox('bomb');
    const bomb = path.join(box, 'bomb.tar.gz');
    const size = 64 * 2 ** 20;
    const tar = new Uint8Array(512 + size + 1024);
    tar.set(makeTar([{ name: 'zeros.bin', data: new Uint8Array(0) }]).subarray(0, 512));
    // patch the size field (and checksum) of the header to describe the 64 MiB of zeros
    tar.set(new TextEncoder().encode(size.toString(8).padStart(11, '0')), 124);
    fixChecksum(tar);
    const compressed = gzipSync(tar, { level: 9 });
    writeFileSync(bomb, compressed);
    const cap = 2 ** 20;
    const err = await extractTarGz(bomb, dest, { maxUncompressedBytes: cap }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const m = /bomb\.tar\.gz: uncompresses to more than 1048576 bytes \(maxUncompressedBytes\); stopped after (\d+) of (\d+) compressed bytes/.exec(
      (err as Error).message,
    );
    expect(m).not.toBeNull();
    // it stopped near the cap: well under a quarter of the input was read
    expect(Number(m![1])).toBeLessThan(Number(m![2]) / 4);
    expect(readdirSync(box)).toEqual(['bomb.tar.gz']);
    await expect(readTarGz(bomb, { maxUncompressedBytes: cap })).rejects.toThrow(/more than 1048576 bytes/);
  });
});

import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, promises as fsp, readdirSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCifar } from './cifar.js';
import { downloadFile } from './download.js';
import { fileMd5 } from './file-md5.js';
import { extractTarGz } from './tar-gz.js';
import { fakeCifarBytes } from './testing/fake-cifar.js';
import { makeTarGz } from './testing/tar-writer.js';

// A real HTTP server on localhost stands in for the data set's home page (there is no internet here).
const tmp = mkdtempSync(path.join(os.tmpdir(), 'cnn-data-dl-'));
const batch = fakeCifarBytes('cifar10', 4, 1);
const test = fakeCifarBytes('cifar10', 2, 2);
const archive = makeTarGz([
  { name: 'cifar-10-batches-bin/', type: 'directory' },
  { name: 'cifar-10-batches-bin/data_batch_1.bin', data: batch },
  { name: 'cifar-10-batches-bin/test_batch.bin', data: test },
  { name: 'cifar-10-batches-bin/readme.html', data: '<p>not needed</p>' },
]);
const evil = makeTarGz([{ name: 'cifar-10-batches-bin/../../../evil.bin', data: 'x' }]);
const md5 = createHash('md5').update(archive).digest('hex');
let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/stall') {
      res.writeHead(200, { 'content-length': '1000' });
      res.write(Buffer.alloc(100)); // …and never the rest
      return;
    }
    const body = req.url === '/cifar-10-binary.tar.gz' ? archive : req.url === '/evil.tar.gz' ? evil : undefined;
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': String(body.length) });
    // two chunks, so progress is reported more than once
    res.write(body.subarray(0, body.length >> 1));
    setTimeout(() => res.end(body.subarray(body.length >> 1)), 5);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await fsp.rm(tmp, { recursive: true, force: true });
});

describe('download', () => {
  it('downloads with progress, checks MD5, extracts the official layout and loads it', async () => {
    const root = path.join(tmp, 'ok');
    const seen: number[] = [];
    const ds = await loadCifar({
      root,
      download: true,
      url: `${base}/cifar-10-binary.tar.gz`,
      md5,
      progress: (received) => seen.push(received),
    });
    expect(ds.length).toBe(4);
    expect(ds.get(3).label).toBe(batch[3 * 3073]);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[seen.length - 1]).toBe(archive.length);
    expect(await fileMd5(path.join(root, 'cifar-10-binary.tar.gz'))).toBe(md5);
    expect(readdirSync(path.join(root, 'cifar-10-batches-bin')).sort()).toEqual(['data_batch_1.bin', 'test_batch.bin']);
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // second load reads the extracted directory (no network needed)
    const again = await loadCifar({ root, split: 'test', download: true, url: 'http://127.0.0.1:9/never' });
    expect(again.length).toBe(2);
  });

  it('rejects a wrong MD5 and keeps nothing', async () => {
    const root = path.join(tmp, 'md5');
    await expect(
      loadCifar({ root, download: true, url: `${base}/cifar-10-binary.tar.gz`, progress: false, md5: '0'.repeat(32) }),
    ).rejects.toThrow(/MD5 mismatch .* expected 0{32}, got [0-9a-f]{32}; the file was not kept/);
    expect(existsSync(root) ? readdirSync(root) : []).toEqual([]);
    // the official MD5 is used by default: our test archive is not the real one
    await expect(loadCifar({ root, download: true, url: `${base}/cifar-10-binary.tar.gz`, progress: false })).rejects.toThrow(
      /expected c32a1d4ab5d03f1284b67883e8d87530/,
    );
  });

  it('offline: fails fast, saying where to put the files', async () => {
    // Nothing listens on port 9 (discard) here: the same failure as no network, without waiting for DNS.
    const root = path.join(tmp, 'offline');
    const err = await loadCifar({ root, download: true, url: 'http://127.0.0.1:9/cifar-10-binary.tar.gz', progress: false }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toMatch(/Cannot download http:\/\/127\.0\.0\.1:9\/cifar-10-binary\.tar\.gz \(offline\?/);
    expect(msg).toContain(path.join(root, 'cifar-10-binary.tar.gz'));
    expect(msg).toContain(path.join(root, 'cifar-10-batches-bin'));
    expect(msg).toContain('https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz');
    await expect(downloadFile(`${base}/missing`, path.join(root, 'x'), { progress: false })).rejects.toThrow(/HTTP 404/);
  });

  it('gives up on a stalled body and keeps nothing', async () => {
    const dest = path.join(tmp, 'stall', 'file.bin');
    await expect(downloadFile(`${base}/stall`, dest, { progress: false, idleTimeoutMs: 300 })).rejects.toThrow(
      /Download of .*\/stall stalled: no data for 300 ms after 100 bytes/,
    );
    expect(readdirSync(path.dirname(dest))).toEqual([]);
  });

  it('refuses an archive whose members escape the target', async () => {
    const root = path.join(tmp, 'evil');
    const file = path.join(root, 'evil.tar.gz');
    await downloadFile(`${base}/evil.tar.gz`, file, { progress: false });
    await expect(extractTarGz(file, path.join(root, 'out'))).rejects.toThrow(/evil\.tar\.gz: refusing member path that escapes the target/);
    expect(existsSync(path.join(tmp, 'evil.bin'))).toBe(false);
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

export interface DownloadOptions {
  /** Expected MD5 (hex); the download is rejected (and not kept) when it differs. */
  md5?: string;
  /**
   * Progress: `true` draws a bar on stderr (a single updating line on a TTY, otherwise a line every
   * 10%), `false` is silent, a function receives `(receivedBytes, totalBytes | undefined)`.
   */
  progress?: boolean | ((received: number, total: number | undefined) => void);
  /** Give up when no connection / response header arrives within this many ms (default 15 000). */
  connectTimeoutMs?: number;
  /** Give up when the body stalls (no bytes) for this many ms (default 60 000). */
  idleTimeoutMs?: number;
  /** What to tell the user when the download cannot be done (appended to the error). */
  hint?: string;
}

/**
 * Where the download streams to before it is verified: a hidden sibling of `dest` (same directory,
 * so the final rename is atomic). Not `writeFileAtomic` of `@cnn/core/node`: that takes the whole
 * file in memory, and an archive is streamed and hashed before it may replace anything.
 */
function partialPathFor(dest: string): string {
  return path.join(path.dirname(dest), `.${path.basename(dest)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function formatMB(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function progressPrinter(label: string): (received: number, total: number | undefined) => void {
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  return (received, total) => {
    const frac = total ? received / total : undefined;
    if (tty) {
      const width = 30;
      const filled = frac === undefined ? 0 : Math.round(frac * width);
      const bar = frac === undefined ? '' : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0)}% `;
      process.stderr.write(`\r${label} ${bar}${formatMB(received)}${total ? ` / ${formatMB(total)}` : ''}`);
      if (total !== undefined && received >= total) process.stderr.write('\n');
    } else if (frac !== undefined) {
      const decile = Math.floor(frac * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        process.stderr.write(`${label} ${decile * 10}% (${formatMB(received)} / ${formatMB(total!)})\n`);
      }
    }
  };
}

/**
 * Downloads `url` to `dest`: streamed to a temp file beside `dest` while hashing, MD5 checked,
 * then renamed into place (atomic: `dest` never holds a partial or unverified file). Fails fast
 * with a message that includes `options.hint` when the network is unreachable.
 */
export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<void> {
  const hint = options.hint ? ` ${options.hint}` : '';
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.connectTimeoutMs ?? 15_000);
  let response: Response;
  try {
    response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const reason = controller.signal.aborted
      ? `no response within ${options.connectTimeoutMs ?? 15_000} ms`
      : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new Error(`Cannot download ${url} (offline? ${reason}).${hint}`);
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok || !response.body) {
    throw new Error(`Cannot download ${url}: HTTP ${response.status} ${response.statusText}.${hint}`);
  }
  const totalHeader = Number(response.headers.get('content-length'));
  const total = Number.isFinite(totalHeader) && totalHeader > 0 ? totalHeader : undefined;
  const report =
    typeof options.progress === 'function'
      ? options.progress
      : options.progress === false
        ? undefined
        : progressPrinter(`Downloading ${path.basename(dest)}`);
  await fsp.mkdir(path.dirname(dest), { recursive: true });
  const tmp = partialPathFor(dest);
  const hash = createHash('md5');
  const handle = await fsp.open(tmp, 'w');
  let received = 0;
  const idleMs = options.idleTimeoutMs ?? 60_000;
  let idle = setTimeout(() => controller.abort(), idleMs);
  try {
    report?.(0, total);
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(), idleMs);
      hash.update(chunk);
      await handle.write(chunk);
      received += chunk.length;
      report?.(received, total);
    }
    clearTimeout(idle);
    await handle.close();
    if (total !== undefined && received !== total) {
      throw new Error(`Download of ${url} ended after ${received} of ${total} bytes.${hint}`);
    }
    const md5 = hash.digest('hex');
    if (options.md5 && md5 !== options.md5.toLowerCase()) {
      throw new Error(`MD5 mismatch for ${url}: expected ${options.md5}, got ${md5}; the file was not kept.${hint}`);
    }
    await fsp.rename(tmp, dest);
  } catch (err) {
    clearTimeout(idle);
    await handle.close().catch(() => {});
    await fsp.rm(tmp, { force: true });
    if (controller.signal.aborted) throw new Error(`Download of ${url} stalled: no data for ${idleMs} ms after ${received} bytes.${hint}`);
    throw err;
  }
}

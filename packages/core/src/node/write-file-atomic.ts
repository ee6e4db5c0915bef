import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** A failed {@link writeFileAtomic}: names the file and the step that failed; `cause` is the system error. */
export class WriteFileAtomicError extends Error {
  constructor(
    readonly file: string,
    readonly step: 'create the directory' | 'write' | 'flush' | 'rename',
    cause: unknown,
  ) {
    super(`Could not write ${file} (${step} failed): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'WriteFileAtomicError';
  }

  /** `instanceof` holds across the ESM and CJS copies of this package (a CJS program may load either). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
const BRAND = Symbol.for('@cnn/core:WriteFileAtomicError');
Object.defineProperty(WriteFileAtomicError.prototype, BRAND, { value: true });

/** A temporary sibling of `file`: same directory, so the final `rename` is atomic. */
function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes `data` to `file` so that readers (and a crash at any moment) see either the old file or
 * the whole new one, never a part: the bytes go to a temporary file in the same directory, are
 * flushed to disk (fsync), then renamed over `file`; the directory is flushed too so that the
 * rename survives a power loss. Creates the directory. On failure the temporary file is removed,
 * `file` is untouched, and the error (`WriteFileAtomicError`) names the file and the step.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true }).catch((error: unknown) => {
    throw new WriteFileAtomicError(file, 'create the directory', error);
  });
  const tmp = tempPathFor(file);
  try {
    await writeAndFlush(file, tmp, data);
    await fsp.rename(tmp, file).catch((error: unknown) => {
      throw new WriteFileAtomicError(file, 'rename', error);
    });
  } catch (error) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
  await flushDirectory(dir);
}

async function writeAndFlush(file: string, tmp: string, data: Uint8Array | string): Promise<void> {
  const handle = await fsp.open(tmp, 'wx').catch((error: unknown) => {
    throw new WriteFileAtomicError(file, 'write', error);
  });
  try {
    await handle.writeFile(data).catch((error: unknown) => {
      throw new WriteFileAtomicError(file, 'write', error);
    });
    await handle.sync().catch((error: unknown) => {
      throw new WriteFileAtomicError(file, 'flush', error);
    });
  } finally {
    await handle.close();
  }
}

/** fsync of the directory entry; some platforms (Windows) cannot open a directory: best effort there. */
async function flushDirectory(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    // Not supported here: the rename is still atomic, only its durability on power loss is weaker.
  } finally {
    await handle?.close();
  }
}

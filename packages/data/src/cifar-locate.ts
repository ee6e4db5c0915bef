import { existsSync, promises as fsp, statSync } from 'node:fs';
import * as path from 'node:path';
import { CIFAR_SOURCES, type CifarVariant } from './cifar-layout.js';
import { downloadFile } from './download.js';
import { extractTarEntries } from './extract-tar.js';
import { readTarGz } from './tar-gz.js';
import type { TarEntry } from './tar.js';

/** The files of one CIFAR folder or archive, by name. */
export interface ByteSource {
  /** Where `name` is, for messages and `CifarDataset.files`. */
  describe(name: string): string;
  /** Whether something of that name is there (a directory counts, so reading it says so). */
  has(name: string): boolean;
  /** Its bytes; `what` says what the file should be, for the error when it is a directory. */
  read(name: string, what: string): Promise<Uint8Array>;
}

/** What {@link locateCifar} needs from `LoadCifarOptions`. */
export interface LocateOptions {
  root: string;
  download?: boolean;
  progress?: boolean | ((received: number, total: number | undefined) => void);
  url?: string;
  md5?: string;
  maxUncompressedBytes?: number;
}

function dirSource(dir: string): ByteSource {
  return {
    describe: (name) => path.join(dir, name),
    has: (name) => existsSync(path.join(dir, name)),
    read: async (name, what) => {
      const file = path.join(dir, name);
      try {
        if ((await fsp.stat(file)).isDirectory()) throw new Error(`${file}: is a directory, expected ${what}`);
        return new Uint8Array(await fsp.readFile(file));
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        throw e.code ? new Error(`${file}: cannot read ${what}: ${e.code} (${e.syscall ?? 'read'})`) : e;
      }
    },
  };
}

function archiveSource(file: string, entries: readonly TarEntry[], dir: string): ByteSource {
  const byName = new Map<string, TarEntry>();
  for (const e of entries) {
    if (e.type !== 'file') continue;
    const clean = e.name.replace(/^(\.\/)+/, '');
    if (clean.startsWith(`${dir}/`)) byName.set(clean.slice(dir.length + 1), e);
  }
  return {
    describe: (name) => `${file}:${dir}/${name}`,
    has: (name) => byName.has(name),
    read: async (name) => byName.get(name)!.data,
  };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function whereToPut(variant: CifarVariant, root: string): string {
  const s = CIFAR_SOURCES[variant];
  return (
    `Put the official archive ${s.url} at ${path.join(root, s.archive)}, or its extracted folder at ` +
    `${path.join(root, s.dir)}/ (${[...s.train, ...s.test].join(', ')}), or pass download: true.`
  );
}

/**
 * Finds a variant's files under `options.root`: the archive itself, a folder of batch files, a
 * folder holding that folder, or one holding the archive; else downloads it when asked.
 */
export async function locateCifar(options: LocateOptions, variant: CifarVariant): Promise<ByteSource> {
  const s = CIFAR_SOURCES[variant];
  const root = path.resolve(options.root);
  const cap = { maxUncompressedBytes: options.maxUncompressedBytes };
  if (/\.(tar\.gz|tgz)$/.test(root) && isFile(root)) {
    return archiveSource(root, await readTarGz(root, cap), s.dir);
  }
  const hasBatches = (dir: string) => [...s.train, ...s.test].some((f) => isFile(path.join(dir, f)));
  if (isDir(root) && hasBatches(root)) return dirSource(root);
  if (isDir(path.join(root, s.dir)) && hasBatches(path.join(root, s.dir))) return dirSource(path.join(root, s.dir));
  const archive = path.join(root, s.archive);
  if (isFile(archive)) return archiveSource(archive, await readTarGz(archive, cap), s.dir);
  if (options.download) {
    await downloadFile(options.url ?? s.url, archive, {
      md5: options.md5 ?? s.md5,
      progress: options.progress ?? true,
      hint: whereToPut(variant, root),
    });
    const wanted = new Set<string>([...s.train, ...s.test, s.meta, 'coarse_label_names.txt', 'fine_label_names.txt']);
    await extractTarEntries(await readTarGz(archive, cap), root, {
      source: archive,
      filter: (rel) => rel.startsWith(`${s.dir}/`) && wanted.has(rel.slice(s.dir.length + 1)),
    });
    return dirSource(path.join(root, s.dir));
  }
  if (!existsSync(root)) {
    throw new Error(`${s.title}: directory ${root} does not exist. ${whereToPut(variant, root)}`);
  }
  throw new Error(`${s.title}: no batch files found under ${root}. ${whereToPut(variant, root)}`);
}

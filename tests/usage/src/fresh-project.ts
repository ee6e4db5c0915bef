import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './doc-files.js';

// Packs every published package (as `pnpm publish` would: workspace:* becomes the version) and
// installs the tarballs with npm into a fresh project outside the workspace: the shape users get.

export const TFJS = '4.22.0';
/** What a user adds beside the tarballs: tfjs, sharp for image folders, Node's types for TypeScript. */
const USER_DEPS = [`@tensorflow/tfjs@${TFJS}`, `@tensorflow/tfjs-core@${TFJS}`, 'sharp@0.34.5', '@types/node@20.19.43'];

export interface Packed { name: string; tarball: string; files: { path: string; size: number }[] }

function publishedPackages(): { name: string; dir: string }[] {
  return readdirSync(join(ROOT, 'packages'))
    .map((d) => ({ dir: join(ROOT, 'packages', d), json: JSON.parse(readFileSync(join(ROOT, 'packages', d, 'package.json'), 'utf8')) }))
    .filter((p) => !p.json.private)
    .map((p) => ({ name: p.json.name as string, dir: p.dir }));
}

function pack(pkg: { name: string; dir: string }, dest: string): Packed {
  const out = execFileSync('pnpm', ['pack', '--json', '--pack-destination', dest], { cwd: pkg.dir, encoding: 'utf8' });
  const info = JSON.parse(out.slice(out.indexOf('{')));
  return { name: pkg.name, tarball: info.filename, files: info.files };
}

/** Node, run in `cwd` the way a user runs a script (tfjs-node is not installed there: wasm or cpu). */
export const runNode = (file: string, cwd: string, env: Record<string, string> = {}, timeout = 600_000) =>
  spawnSync(process.execPath, [file], { cwd, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', ...env }, timeout });

/** Packs every package into `work`/tarballs and npm-installs them into `project` (created here). */
export function installFreshProject(work: string, project: string): Packed[] {
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const packed = publishedPackages().map((p) => pack(p, tarballs));
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh-user-project', version: '1.0.0', private: true }));
  const deps = [...packed.map((p) => p.tarball), ...USER_DEPS];
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...deps], { cwd: project, encoding: 'utf8' });
  if (npm.status !== 0) throw new Error(`npm install of the packed tarballs failed (needs the npm registry for their dependencies):\n${npm.stderr}`);
  return packed;
}

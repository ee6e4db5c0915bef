import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, exampleFile, toCommonJs, type ExampleName } from './examples.js';

// Packs every published package (as `pnpm publish` would: workspace:* becomes the version),
// installs the tarballs with npm into a fresh project outside the workspace, and runs the README's
// examples there as ESM and as CommonJS: the shape users get is the shape tested.
const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const SAMPLE = join(ROOT, 'examples', 'cifar', 'sample');
const TFJS = '4.22.0';
const work = mkdtempSync(join(tmpdir(), 'cnn-usage-'));
const project = join(work, 'project');
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Packed { name: string; tarball: string; files: { path: string; size: number }[]; size: number; unpackedSize: number }

function publishedPackages(): { name: string; dir: string }[] {
  return readdirSync(join(ROOT, 'packages'))
    .map((d) => ({ dir: join(ROOT, 'packages', d), json: JSON.parse(readFileSync(join(ROOT, 'packages', d, 'package.json'), 'utf8')) }))
    .filter((p) => !p.json.private)
    .map((p) => ({ name: p.json.name as string, dir: p.dir }));
}

function pack(pkg: { name: string; dir: string }, dest: string): Packed {
  const out = execFileSync('pnpm', ['pack', '--json', '--pack-destination', dest], { cwd: pkg.dir, encoding: 'utf8' });
  const info = JSON.parse(out.slice(out.indexOf('{')));
  return { name: pkg.name, tarball: info.filename, files: info.files, size: 0, unpackedSize: 0 };
}

const run = (file: string, cwd: string) => spawnSync(process.execPath, [file], { cwd, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CNN_BACKEND: 'wasm' }, timeout: 600_000 });

let packed: Packed[] = [];

beforeAll(() => {
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  packed = publishedPackages().map((p) => pack(p, tarballs));
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh-user-project', version: '1.0.0', private: true }));
  const deps = [...packed.map((p) => p.tarball), `@tensorflow/tfjs@${TFJS}`, `@tensorflow/tfjs-core@${TFJS}`];
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...deps], { cwd: project, encoding: 'utf8' });
  if (npm.status !== 0) throw new Error(`npm install of the packed tarballs failed (needs the npm registry for their dependencies):\n${npm.stderr}`);
  symlinkSync(SAMPLE, join(project, 'data'));
  // The user's model for the attack example: a small LayersModel saved with fileSystemModel.
  writeFileSync(
    join(project, 'make-model.mjs'),
    `import * as tf from '@tensorflow/tfjs';
import { fileSystemModel } from '@cnn/models';
const m = tf.sequential();
m.add(tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 8, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
m.add(tf.layers.flatten());
m.add(tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
await m.save(fileSystemModel('./my-model/model.json'));
`,
  );
  const made = run('make-model.mjs', project);
  if (made.status !== 0) throw new Error(`saving the example model failed:\n${made.stderr}`);
  for (const name of EXAMPLES) {
    writeFileSync(join(project, `${name}.mjs`), readFileSync(exampleFile(name), 'utf8'));
    writeFileSync(join(project, `${name}.cjs`), toCommonJs(readFileSync(exampleFile(name), 'utf8')));
  }
}, 900_000);

const EXPECTED: Record<ExampleName, RegExp[]> = {
  attack: [/^PGD-10 fooled [0-8] of 8$/m],
  calibration: [/^accuracy 0\.700$/m, /^ECE 0\.200$/m, /^debiased top-label CE 0\.2\d\d$/m],
  train: [/^clean \d\.\d{3}, PGD-20 \d\.\d{3}, ECE \d\.\d{3}$/m],
};

describe('the packed packages in a fresh npm project', () => {
  it('every tarball has its LICENSE and README, and no tests, benchmarks or source maps', () => {
    for (const p of packed) {
      const paths = p.files.map((f) => f.path);
      expect(paths, p.name).toContain('LICENSE');
      expect(paths, p.name).toContain('README.md');
      expect(paths.filter((f) => /\.test\.|(^|\/)bench|\.map$/.test(f)), p.name).toEqual([]);
    }
  });

  for (const format of ['mjs', 'cjs'] as const) {
    it.each(EXAMPLES)(`README example %s runs as written (${format === 'mjs' ? 'ESM' : 'CommonJS'})`, (name) => {
      const r = run(`${name}.${format}`, project);
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      for (const pattern of EXPECTED[name]) expect(r.stdout).toMatch(pattern);
    });
  }
});

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CORRUPTIONS, corrupt } from '@cnn/corruptions';
import { loadCifar, loadCifarC } from '@cnn/data/node';
import { afterAll, describe, expect, it } from 'vitest';
import { imageSeed } from '../src/seeds.js';

const PROGRAM = resolve(import.meta.dirname, '..', 'dist', 'main.js');
if (!existsSync(PROGRAM)) throw new Error(`${PROGRAM} is missing: run \`pnpm build\` in this package first (turbo's test task does)`);
const SAMPLE = resolve(import.meta.dirname, '..', '..', 'cifar', 'sample');
const work = mkdtempSync(join(tmpdir(), 'cnn-corrupt-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run { code: number | null; stdout: string; stderr: string }
const run = (args: string[]): Promise<Run> =>
  new Promise((done) => {
    const child = execFile(process.execPath, [PROGRAM, ...args], { encoding: 'utf8' }, (_e, stdout, stderr) => done({ code: child.exitCode, stdout, stderr }));
  });

describe('cnn-corrupt on the committed CIFAR-10 sample', () => {
  it('writes the CIFAR-10-C layout that loadCifarC reads, each image exactly corrupt() of the clean one, the same bytes run after run', async () => {
    const [a, b] = [join(work, 'a'), join(work, 'b')];
    const args = ['--limit', '6', '--corruptions', 'gaussian_noise,contrast,glass_blur', '--workers', '2', '--no-progress'];
    const [ra, rb] = await Promise.all([run([...args, '--out', a]), run([...args, '--out', b, '--workers', '1'])]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    expect(ra.stdout).toMatch(/^wrote 3 corruptions × 5 severities × 6 images and labels\.npy to /);
    expect(readdirSync(a).sort()).toEqual(['contrast.npy', 'gaussian_noise.npy', 'glass_blur.npy', 'labels.npy']);
    const clean = await loadCifar({ root: SAMPLE, split: 'test' });
    for (const name of ['gaussian_noise', 'contrast', 'glass_blur'] as const) {
      const c = CORRUPTIONS.indexOf(name);
      for (const severity of [1, 5]) {
        const [da, db] = await Promise.all([loadCifarC({ root: a, corruption: name, severity }), loadCifarC({ root: b, corruption: name, severity })]);
        expect(da.length).toBe(6);
        for (let i = 0; i < 6; i++) {
          const [x, got, again] = await Promise.all([clean.get(i), da.get(i), db.get(i)]);
          expect(got.label).toBe(x.label);
          expect(got.image).toEqual(again.image); // 1 or 2 workers: same bytes
          expect(got.image).toEqual(corrupt(x, name, severity, { seed: imageSeed(0, c, severity, i) }).image);
        }
      }
    }
  });

  it('bad input: one clear line naming the flag, no stack trace', async () => {
    const cases: [string[], RegExp, number][] = [
      [['--limit', '2'], /--out DIR is required/, 2],
      [['--out', join(work, 'x'), '--corruptions', 'fog,rain'], /--corruptions: unknown rain/, 2],
      [['--out', join(work, 'x'), '--seed', '-1'], /--seed/, 2],
      [['--out', join(work, 'x'), '--data', join(work, 'nowhere')], /--data: directory ".*nowhere" does not exist/, 2],
      [['--out', join(work, 'x'), '--data', work], /no batch files found/, 1],
    ];
    for (const [args, message, code] of cases) {
      const r = await run(args);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  });
});

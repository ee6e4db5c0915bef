import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { availableBackends, initBackend } from '@cnn/backend';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/main.js';

/** The built program (turbo's `test` depends on this package's `build`; run `pnpm build` first when calling vitest directly). */
const PROGRAM = resolve(import.meta.dirname, '..', 'dist', 'main.js');
if (!existsSync(PROGRAM)) throw new Error(`${PROGRAM} is missing: run \`pnpm build\` in this package first (turbo's test task does)`);

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs the built program in a child process to its end (TensorFlow's C++ start-up chatter silenced). */
function runProgram(args: string[]): Promise<Run> {
  return new Promise((done) => {
    const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' };
    const child = execFile(process.execPath, [PROGRAM, ...args], { env, encoding: 'utf8' }, (_error, stdout, stderr) =>
      done({ code: child.exitCode, stdout, stderr }));
  });
}

/** The number after `pattern`'s first group in `text` (fails the test when the line is missing). */
function numberAfter(text: string, pattern: RegExp): number {
  const match = pattern.exec(text);
  expect(match, `no line matching ${pattern} in:\n${text}`).not.toBeNull();
  return Number(match![1]);
}

const emptyDir = mkdtempSync(join(tmpdir(), 'cnn-minimal-'));
afterAll(() => rmSync(emptyDir, { recursive: true, force: true }));

describe('the built program (node dist/main.js), default settings on the committed CIFAR-10 sample', () => {
  it('trains (the loss falls) and prints clean accuracy, calibration and PGD robust accuracy in range', async () => {
    const { code, stdout, stderr } = await runProgram([]);
    expect(code, stderr).toBe(0);
    const losses = /^\w+: trained on 600 images, loss per epoch (\S+) → (\S+)$/m.exec(stdout);
    expect(losses, stdout).not.toBeNull();
    expect(Number(losses![2])).toBeLessThan(Number(losses![1]));
    const clean = numberAfter(stdout, /^clean accuracy (\S+) on 200 test images$/m);
    const ece = numberAfter(stdout, /^calibration: ECE (\S+), /m);
    const debiased = numberAfter(stdout, /, debiased top-label ℓ2 CE (\S+)$/m);
    const robust = numberAfter(stdout, /^robust accuracy under PGD-10 \(ε = 8\/255\): (\S+)$/m);
    for (const accuracy of [clean, robust]) expect(accuracy >= 0 && accuracy <= 1, `${accuracy} in [0, 1]`).toBe(true);
    expect(robust).toBeLessThanOrEqual(clean);
    expect(ece >= 0 && ece <= 1, `ECE ${ece} in [0, 1]`).toBe(true);
    expect(debiased >= 0 && debiased <= 1, `debiased CE ${debiased} in [0, 1]`).toBe(true);
  });

  it('bad input prints one clear line, no stack trace, and exits with 1', async () => {
    const noData = await runProgram(['--', '--data', emptyDir]); // a leading `--` (from `pnpm start -- …`) is skipped
    expect(noData.code).toBe(1);
    expect(noData.stderr).toContain(`example-minimal: CIFAR-10: no batch files found under ${emptyDir}`);
    const unknown = await runProgram(['--epochs', '3']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("example-minimal: Unknown option '--epochs'");
    for (const r of [noData, unknown]) {
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  });
});

// Tiny settings: one epoch of two steps, 20 test images, so that three runs take seconds.
const TINY = { trainImages: 100, testImages: 20, epochs: 1 };
const backends = (await availableBackends()).filter((b) => b.available && ['tensorflow', 'wasm'].includes(b.name)).map((b) => b.name);

describe.each(backends)('main() called directly on %s', (backend) => {
  beforeAll(async () => {
    vi.stubEnv('CNN_BACKEND', backend); // main() starts the backend CNN_BACKEND names
    await initBackend(); // started once before counting tensors
  });
  afterAll(() => vi.unstubAllEnvs());

  it('returns the printed metrics, leaks no tensors, and gives the same numbers for the same seed', async () => {
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const first = await main({ ...TINY, seed: 7, log: (line: string) => lines.push(line) });
    expect(tf.memory().numTensors).toBe(before);
    expect(first.backend).toBe(backend);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe(`clean accuracy ${first.clean.toFixed(3)} on 20 test images`);
    expect(lines[3]).toBe(`robust accuracy under PGD-10 (ε = 8/255): ${first.robust.toFixed(3)}`);
    expect(first.robust).toBeLessThanOrEqual(first.clean);

    const again = await main({ ...TINY, seed: 7, log: () => {} });
    expect(again).toEqual(first);
    // The seed reaches the run: another one trains differently (so the equality above means something).
    const other = await main({ ...TINY, seed: 8, log: () => {} });
    expect(other.losses).not.toEqual(first.losses);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensors when the data is missing', async () => {
    const before = tf.memory().numTensors;
    await expect(main({ ...TINY, data: emptyDir, log: () => {} })).rejects.toThrow(/no batch files found/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

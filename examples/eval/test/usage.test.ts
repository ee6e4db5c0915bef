// Bad input: one clear line naming the problem, exit code 2 (usage) or 1 (the run failed), no stack trace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoAttackFunction } from '../src/attack.js';
import { runCli, runSync, SAMPLE, testBackend, tinyWeights } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'cnn-eval-usage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const weights = join(dir, 'tiny.safetensors');
const backend = await testBackend();
beforeAll(() => tinyWeights(weights, backend, { epochs: 0 }));

/** The flags of a small run, with `more` added or replacing the same flag. */
function base(...more: string[]): string[] {
  const flags = new Map([['--weights', weights], ['--data', SAMPLE], ['--n', '8'], ['--batch-size', '4'], ['--backend', backend], ['--out', join(dir, 'out')]]);
  for (let i = 0; i < more.length; i += 2) flags.set(more[i], more[i + 1]);
  return [...flags].flat();
}

/** One error line (plus the --help pointer for usage errors), the expected code, nothing on stdout but the backend line. */
function expectOneLine(r: { code: number | null; stderr: string }, code: number, message: string | RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('cnn-eval'));
  expect(lines, r.stderr).toHaveLength(1);
  if (typeof message === 'string') expect(lines[0]).toContain(message);
  else expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

describe('cnn-eval bad input', () => {
  it("--verbose is a flag of evaluation runs (TensorFlow's start-up lines), not of merge, which starts no backend", () => {
    expect(runSync(['--help']).stdout).toContain("--verbose             also TensorFlow's start-up lines");
    expectOneLine(runSync(['merge', join(dir, 'a.json'), '--out', join(dir, 'r.html'), '--verbose']), 2, "cnn-eval merge: error: Unknown option '--verbose'");
  });

  it('usage errors before anything starts', () => {
    expectOneLine(runSync(base('--weights', join(dir, 'missing.safetensors'))), 2, `cnn-eval: error: --weights ${join(dir, 'missing.safetensors')}: no such file`);
    expectOneLine(runSync(base('--shard', '5/4')), 2, 'cnn-eval: error: --shard 5/4: the shard index counts from 0, so it must be below 4 (0 to 3)');
    expectOneLine(runSync(base('--attack', 'pgd', '--eps', '-1')), 2, 'cnn-eval: error: --eps: -1 is out of range (expected ≥ 0 and ≤ 1)');
    expectOneLine(runSync(base('--attack', 'cw')), 2, 'cnn-eval: error: --attack: "cw" is not one of autoattack, apgd, pgd, fgsm, none');
    expectOneLine(runSync(base('--attack', 'fgsm', '--steps', '3')), 2, 'cnn-eval: error: --steps applies to --attack pgd, apgd or autoattack, not fgsm');
    expectOneLine(runSync(base('--corruptions', 'fogg')), 2, 'cnn-eval: error: --corruptions: "fogg" is not a corruption');
    expectOneLine(runSync(['merge', join(dir, 'nothing.json')]), 2, 'cnn-eval merge: error: --out REPORT.html is required');
  });

  it.skipIf(autoAttackFunction() !== undefined)('--attack autoattack says it is not in this build (until @cnn/attacks has autoAttack)', () => {
    expectOneLine(runSync(base('--attack', 'autoattack')), 2, 'cnn-eval: error: --attack autoattack: AutoAttack is not available in this build');
  });

  it('weights that do not fit the model, and files that are not weights', async () => {
    expectOneLine(await runCli(base('--model', 'preact_resnet18')), 2, `cnn-eval: error: --model preact_resnet18: the weights file ${weights} holds a resnet20`);
    // The registry's resnet20 (16/32/64 channels) cannot take the tiny net's tensors: named, shape by shape.
    expectOneLine(await runCli(base('--model', 'resnet20', '--normalize', 'cifar10')), 2, new RegExp(`^cnn-eval: error: --weights ${weights} does not fit --model resnet20: .*conv1\\.weight`));
    const notWeights = join(dir, 'not-weights.safetensors');
    writeFileSync(notWeights, 'hello, this is text');
    expectOneLine(await runCli(base('--weights', notWeights)), 2, `cnn-eval: error: --weights ${notWeights}: not a safetensors file`);
    expectOneLine(await runCli(base('--n', '100000')), 2, `cnn-eval: error: --n 100000: the cifar10 test split in ${SAMPLE} has only 400 images`);
    expectOneLine(await runCli(base('--data', dir)), 2, `cnn-eval: error: --data ${dir}: CIFAR-10: no batch files found`);
  });
});

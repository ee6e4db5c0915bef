import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCheckpointFiles, epochRecords, readJsonl, runCli, waitFor } from './helpers.js';
import { makeImageTree } from './make-image-tree.js';

const root = mkdtempSync(join(tmpdir(), 'cnn-imagenet-e2e-'));
const data = join(root, 'data');
// A tiny ResNet-18 (ImageNet stem, widths 8/16/32/64, one block per stage) on 32-pixel crops of a
// generated JPEG tree (4 classes × 24 train / 6 val images): each run takes seconds.
const TINY = ['--data', data, '--model', 'resnet18', '--widths', '8,16,32,64', '--depths', '1,1,1,1', '--image-size', '32', '--progress', 'log'];
const NO_CLI_ERROR = /cnn-imagenet: (internal )?error|^\s+at /m;

beforeAll(async () => {
  await makeImageTree(data, { classes: 4, train: 24, val: 6 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function expectReport(outDir: string): void {
  const html = readFileSync(join(outDir, 'report.html'), 'utf8');
  expect(html).toContain('<h2>Reliability diagram</h2>');
  expect(html).toMatch(/class="reliability"><svg[\s\S]*<\/svg>/);
}

describe('cnn-imagenet end to end on a generated JPEG folder tree', () => {
  it('two epochs: loss falls, checkpoint and report written, report path printed', async () => {
    const out = join(root, 'standard');
    const r = await runCli([...TINY, '--batch-size', '16', '--epochs', '2', '--lr', '0.05', '--eval-attack', 'pgd-3', '--out', out]);
    expect(r.stderr).not.toMatch(NO_CLI_ERROR);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('96 train / 24 val images, 4 classes, 32px crops');
    const epochs = epochRecords(out);
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1]);
    expect(epochs[1].trainLoss).toBeLessThan(epochs[0].trainLoss);
    expect(checkCheckpointFiles(out)).toMatchObject({ epoch: 2, step: 0 });
    expectReport(out);
    expect(r.stdout).toContain(`report:     ${join(out, 'report.html')}`);
    expect(r.stdout).toMatch(/robust accuracy on 24 images: .*pgd-3/);
  });

  it('--resume after SIGKILL mid-epoch continues from the last checkpoint, with no corrupt file', async () => {
    const out = join(root, 'resume');
    const args = [...TINY, '--batch-size', '4', '--epochs', '2', '--lr', '0.02', '--eval-attack', 'none', '--out', out];
    const metrics = join(out, 'metrics.jsonl');
    const inSecondEpoch = () => existsSync(metrics) && readJsonl(metrics).some((rec) => rec.kind === 'step' && rec.epoch === 1);
    const killed = await runCli(args, (child) => {
      waitFor(inSecondEpoch, 120_000, 'a step of epoch 2').then(() => child.kill('SIGKILL'), () => child.kill('SIGKILL'));
    });
    expect(killed.signal, killed.stdout + killed.stderr).toBe('SIGKILL');
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    expect(checkCheckpointFiles(out, true)).toMatchObject({ epoch: 1 });
    const resumed = await runCli([...args, '--resume']);
    expect(resumed.stderr).not.toMatch(NO_CLI_ERROR);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/resumed from epoch 2, step 0/);
    expect(epochRecords(out).at(-1)!.epoch).toBe(1);
    expect(checkCheckpointFiles(out)).toMatchObject({ epoch: 2, step: 0 });
    expectReport(out);
  });

  it.each([
    ['mixup', ['--mixup', '0.2']],
    ['pgd', ['--adv', 'pgd', '--steps', '2']],
    ['fgsm-rs', ['--adv', 'fgsm-rs']],
  ])('%s runs one short epoch and writes the report', async (name, flags) => {
    const out = join(root, name);
    const r = await runCli([...TINY, '--train-limit', '32', '--batch-size', '16', '--epochs', '1', '--eval-attack', 'pgd-2', '--attack-limit', '8', ...flags, '--out', out]);
    expect(r.stderr).not.toMatch(NO_CLI_ERROR);
    expect(r.code).toBe(0);
    expect(Number.isFinite(epochRecords(out)[0].trainLoss)).toBe(true);
    expectReport(out);
  });

  it('rejects a model without the ImageNet stem and mismatched class folders, clearly', async () => {
    const r = await runCli([...TINY.slice(0, 2), '--model', 'resnet20', '--out', join(root, 'bad')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--model resnet20: .*stem "imagenet"/);
    const other = join(root, 'other');
    await makeImageTree(other, { classes: 2, train: 2, val: 1 });
    await makeImageTree(join(root, 'other3'), { classes: 3, train: 1, val: 1 });
    rmSync(join(other, 'val'), { recursive: true });
    const { renameSync } = await import('node:fs');
    renameSync(join(root, 'other3', 'val'), join(other, 'val'));
    const m = await runCli(['--data', other, '--out', join(root, 'bad2')]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/train\/ and val\/ must have the same class folders \(train has 2, val has 3\)/);
  });
});

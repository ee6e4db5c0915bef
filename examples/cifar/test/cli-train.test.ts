import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCheckpointFiles, epochRecords, readJsonl, runCli, waitFor } from './helpers.js';

// A tiny ResNet-20-shaped net (widths 8/16/32, one block per stage) on the first images of the
// committed real CIFAR-10 sample: each run takes seconds on any backend.
const TINY = ['--model', 'resnet20', '--widths', '8,16,32', '--depths', '1,1,1', '--test-limit', '100', '--progress', 'log'];
const root = mkdtempSync(join(tmpdir(), 'cnn-cifar-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function expectReport(outDir: string): string {
  const html = readFileSync(join(outDir, 'report.html'), 'utf8');
  expect(html).toContain('<h2>Reliability diagram</h2>');
  expect(html).toMatch(/class="reliability"><svg[\s\S]*<\/svg>/);
  return html;
}

describe('cnn-cifar end to end (built CLI in a child process)', () => {
  it('two epochs: loss falls, checkpoint and report written, report path printed', async () => {
    const out = join(root, 'standard');
    const r = await runCli([...TINY, '--train-limit', '640', '--batch-size', '32', '--epochs', '2', '--lr', '0.05',
      '--eval-attack', 'pgd-3', '--attack-limit', '16', '--out', out]);
    expect(r.stderr).not.toMatch(/cnn-cifar: (internal )?error|^\s+at /m);
    expect(r.code).toBe(0);
    const epochs = epochRecords(out);
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1]);
    expect(epochs[1].trainLoss).toBeLessThan(epochs[0].trainLoss);
    const latest = checkCheckpointFiles(out);
    expect(latest).toMatchObject({ epoch: 2, step: 0 });
    const html = expectReport(out);
    expect(html).toContain('pgd-3');
    expect(r.stdout).toContain(`report:     ${join(out, 'report.html')}`);
    expect(r.stdout).toMatch(/test accuracy \d+\.\d% on 100 images/);
    expect(r.stdout).toMatch(/robust accuracy on 16 images: .*pgd-3/);
  });

  it('--resume after SIGKILL mid-epoch continues from the last checkpoint, with no corrupt file', async () => {
    const out = join(root, 'resume');
    const args = [...TINY, '--train-limit', '640', '--batch-size', '16', '--epochs', '2', '--lr', '0.05', '--eval-attack', 'none', '--out', out];
    const metrics = join(out, 'metrics.jsonl');
    // Kill once a step record of the second epoch (epoch index 1) is in the JSONL: mid-epoch.
    const inSecondEpoch = () =>
      existsSync(metrics) && readJsonl(metrics).some((rec) => rec.kind === 'step' && rec.epoch === 1);
    const killed = await runCli(args, (child) => {
      waitFor(inSecondEpoch, 120_000, 'a step of epoch 2').then(() => child.kill('SIGKILL'), () => child.kill('SIGKILL'));
    });
    expect(killed.signal, killed.stdout + killed.stderr).toBe('SIGKILL');
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    const before = checkCheckpointFiles(out, true);
    expect(before).not.toBeNull();
    expect(before!.epoch).toBe(1); // the end-of-epoch-1 checkpoint: the next batch is epoch 1, step 0

    const resumed = await runCli([...args, '--resume']);
    expect(resumed.stderr).not.toMatch(/cnn-cifar: (internal )?error|^\s+at /m);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/resumed from epoch 2, step 0/);
    const epochs = epochRecords(out);
    expect(epochs.at(-1)!.epoch).toBe(1);
    expect(new Set(epochs.map((e) => e.epoch))).toEqual(new Set([0, 1]));
    expect(checkCheckpointFiles(out)).toMatchObject({ epoch: 2, step: 0 });
    expectReport(out);
  });

  it.each([
    ['mixup', ['--mixup', '1']],
    ['PGD adversarial training', ['--adv', 'pgd', '--steps', '2', '--eps', '8/255']],
    ['FGSM-RS adversarial training', ['--adv', 'fgsm-rs', '--eps', '8/255']],
  ])('%s runs one short epoch and writes the report', async (name, flags) => {
    const out = join(root, name.split(' ')[0].toLowerCase());
    const r = await runCli([...TINY, '--train-limit', '128', '--batch-size', '32', '--epochs', '1', '--eval-attack', 'pgd-2', '--attack-limit', '8', ...flags, '--out', out]);
    expect(r.stderr).not.toMatch(/cnn-cifar: (internal )?error|^\s+at /m);
    expect(r.code).toBe(0);
    const [epoch] = epochRecords(out);
    expect(Number.isFinite(epoch.trainLoss)).toBe(true);
    expect(r.stdout).toContain(`mode ${name === 'mixup' ? 'mixup α=1' : name.startsWith('PGD') ? 'PGD-2 adversarial ε=8.0/255' : 'FGSM-RS adversarial ε=8.0/255'}`);
    expectReport(out);
  });

  it('refuses to overwrite a run without --resume', async () => {
    const r = await runCli([...TINY, '--out', join(root, 'standard')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already holds a run: pass --resume/);
  });

  it('--resume of a finished run says so and loads nothing; changed flags are refused, naming each change, unless --force-resume', async () => {
    const out = join(root, 'standard');
    const flags = (lr: string, epochs: string) => [...TINY, '--train-limit', '640', '--batch-size', '32', '--epochs', epochs, '--lr', lr,
      '--eval-attack', 'pgd-3', '--attack-limit', '16', '--out', out];
    const metrics = join(out, 'metrics.jsonl');
    const log = readFileSync(metrics, 'utf8');
    const done = await runCli([...flags('0.05', '2'), '--resume']);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/already finished \(2 epochs trained, final evaluation done\): nothing to do; its report is .*report\.html/);
    expect(done.stdout).not.toMatch(/backend:|resumed from/); // nothing was started, nothing trained
    expect(readFileSync(metrics, 'utf8')).toBe(log);

    const changed = await runCli([...flags('0.1', '3'), '--adv', 'pgd', '--steps', '2', '--resume']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/^cnn-cifar: error: --resume: the run in .* was started with other settings \(checkpoint → now\): /m);
    for (const change of ['epochs 2 → 3', 'schedule.lr 0.05 → 0.1', 'mode.type "standard" → "pgd"', 'mode.steps (not set) → 2']) {
      expect(changed.stderr).toContain(change);
    }
    expect(changed.stderr).toContain('--force-resume');
    expect(changed.stdout).toBe('');
    expect(readFileSync(metrics, 'utf8')).toBe(log);

    // One more epoch, asked for explicitly (a run of 3 epochs gets the offline warm-up of 1 epoch,
    // which 2-epoch runs skip: a derived setting that changes is listed too).
    const forced = await runCli([...flags('0.05', '3'), '--force-resume']);
    expect(forced.stderr).not.toMatch(/cnn-cifar: (internal )?error|^\s+at /m);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('--force-resume: continuing with changed settings: epochs 2 → 3; schedule.warmupEpochs (not set) → 1');
    expect(forced.stdout).toMatch(/resumed from epoch 3, step 0/);
    expect(epochRecords(out).map((e) => e.epoch)).toEqual([0, 1, 2]);
    const records = readJsonl(metrics);
    expect(records.filter((r) => r.kind === 'start')).toHaveLength(1);
    expect(records.filter((r) => r.kind === 'resume')).toMatchObject([
      { epoch: 2, step: 0, changed: [{ setting: 'epochs', old: 2, now: 3 }, { setting: 'schedule.warmupEpochs', now: 1 }] },
    ]);
    expect(checkCheckpointFiles(out)).toMatchObject({ epoch: 3, step: 0, finished: true });
  });

  it('a --data directory without CIFAR files names the --download flag, not the library option', async () => {
    const empty = join(root, 'empty-data');
    mkdirSync(empty);
    const r = await runCli([...TINY, '--data', empty, '--out', join(root, 'no-data')]);
    expect(r.code).toBe(1);
    // (TensorFlow's C++ start-up lines may come first on stderr.)
    expect(r.stderr).toMatch(/^cnn-cifar: error: CIFAR-10: no batch files found under /m);
    expect(r.stderr).toContain(empty);
    expect(r.stderr).toMatch(/or pass --download\.\n/);
    expect(r.stderr).not.toContain('download: true');
  });

  it('names an unknown model with the registry', async () => {
    const r = await runCli(['--model', 'resnet7']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--model resnet7: Unknown model "resnet7".*resnet20/);
  });
});

// End to end on real files: the built CLI in child processes, a tiny saved model, 48 real CIFAR-10
// test images of the committed sample. A kill -9 + --resume and 4 shards + merge must both give
// what one uninterrupted process gives, bit for bit (per-example records and every number).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoAttackFunction } from '../src/attack.js';
import { readJson, resultOf, runCli, SAMPLE, testBackend, tinyWeights, waitFor } from './helpers.js';

const CHROMIUM = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
if (!CHROMIUM) console.warn('cnn-eval report test skipped: Debian\'s chromium is not at /usr/bin/chromium (apt-get install chromium)');

/** The DOM Chromium builds from `file` (headless, JavaScript irrelevant: the report has none). */
function renderedDom(file: string): string {
  const r = spawnSync(CHROMIUM!, ['--headless=new', '--no-sandbox', '--disable-gpu', '--dump-dom', pathToFileURL(file).href], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const dir = mkdtempSync(join(tmpdir(), 'cnn-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const backend = await testBackend();
const weights = join(dir, 'tiny.safetensors');
// 12 batches of 4; ε = 2/255 so that some examples survive the attack (counts that can differ).
const args = (out: string, ...more: string[]) => [
  '--weights', weights, '--data', SAMPLE, '--n', '48', '--batch-size', '4', '--attack', 'pgd', '--steps', '3', '--eps', '2/255',
  '--calibration', '--seed', '5', '--backend', backend, '--progress', 'log', '--out', out, ...more,
];
const single = join(dir, 'single');
type Batch = { labels: number[]; cleanPrediction: number[]; robust: number[] };

let singleRun: { stdout: string; stderr: string };
beforeAll(async () => {
  await tinyWeights(weights, backend);
  const r = await runCli(args(single));
  expect(r.code, r.stderr).toBe(0);
  singleRun = r;
});

describe(`cnn-eval on ${backend}`, () => {
  it('writes the results and the report; the numbers are those of its per-example records', () => {
    const r = readJson(join(single, 'eval.json')) as { complete: boolean; batches: Array<{ labels: number[]; cleanPrediction: number[]; robust: number[] }>; summary: { n: number; cleanCorrect: number; robustCorrect: number; robustAccuracy: number } };
    expect(r.complete).toBe(true);
    expect(r.batches).toHaveLength(12);
    expect(r.summary.n).toBe(48);
    const clean = r.batches.flatMap((b) => b.cleanPrediction.map((p, i) => (p === b.labels[i] ? 1 : 0)));
    expect(r.summary.cleanCorrect).toBe(clean.reduce((a: number, x) => a + x, 0));
    const robust = r.batches.flatMap((b) => b.robust);
    expect(r.summary.robustCorrect).toBe(robust.reduce((a, x) => a + x, 0));
    robust.forEach((x, i) => expect(x <= clean[i], `example ${i}: robust but not clean-correct`).toBe(true));
    expect(existsSync(join(single, 'eval.html'))).toBe(true);
    // --progress log: one line per batch on stderr with the ETA; the numbers on stdout.
    expect(singleRun.stderr.match(/^\d+\/48 images \(\d+%\) \| clean [\d.]+% robust [\d.]+% \| elapsed \S+ \| ETA \S+$/gm)).toHaveLength(12);
    expect(singleRun.stdout).toContain(`clean accuracy ${(100 * r.summary.cleanCorrect / 48).toFixed(2)}% (${r.summary.cleanCorrect}/48)`);
  });

  it('--resume refuses results computed from another weights file, naming its hash', async () => {
    const out = join(dir, 'other-weights');
    const before = join(single, 'eval.json');
    mkdirSync(out, { recursive: true });
    copyFileSync(before, join(out, 'eval.json'));
    const other = await tinyWeights(join(dir, 'other.safetensors'), backend, { seed: 2, epochs: 0 });
    const r = await runCli(args(out, '--resume').map((a) => (a === weights ? other : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cnn-eval: error: --resume: .*eval\.json was computed from other inputs \(saved → now\): weightsSha256 "[0-9a-f]+.* → "[0-9a-f]+/);
  });

  it('kill -9 after a finished batch, then --resume: the same result as the uninterrupted run, bit for bit', async () => {
    const out = join(dir, 'killed');
    const state = join(out, 'eval.json');
    let finishedAtKill = -1;
    const killed = await runCli(args(out), (child) => {
      // A finished batch in which the attack ran (a clean-correct example), so that the resumed part starts after attack draws.
      const attacked = () => (readJson(state).batches as Batch[]).some((b) => b.cleanPrediction.some((p, i) => p === b.labels[i]));
      waitFor(() => existsSync(state) && attacked(), 120_000, 'a finished batch with an attacked example').then(
        () => {
          child.kill('SIGKILL');
          finishedAtKill = (readJson(state).batches as unknown[]).length;
        },
        () => child.kill('SIGKILL'),
      );
    });
    expect(killed.signal).toBe('SIGKILL');
    const saved = readJson(state) as { complete: boolean; batches: unknown[] };
    // Killed mid-run (not after the end), and the state file is whole JSON (written atomically).
    expect(saved.complete, `the run finished before the kill (${finishedAtKill} batches seen)`).toBe(false);
    expect(saved.batches.length).toBeGreaterThanOrEqual(1);
    expect(saved.batches.length).toBeLessThan(12);

    const resumed = await runCli(args(out, '--resume'));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`${saved.batches.length} of 12 batches already done`);
    expect(resultOf(state)).toEqual(resultOf(join(single, 'eval.json')));
  });

  it('--resume with other settings is refused, naming each one that differs', async () => {
    const r = await runCli([...args(single, '--resume').map((a) => (a === '2/255' ? '3/255' : a === '5' ? '6' : a))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cnn-eval: error: --resume: .*eval\.json was written with other settings \(saved → now\): eps 0\.00784\d* → 0\.0117\d*, seed 5 → 6\./);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('without --resume an existing run is never overwritten', async () => {
    const r = await runCli(args(single));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already holds');
  });

  it.skipIf(!CHROMIUM)(`the HTML report renders in headless Chromium with its tables and charts${CHROMIUM ? '' : ' (skipped: no chromium at /usr/bin/chromium)'}`, () => {
    const dom = renderedDom(join(single, 'eval.html'));
    for (const id of ['results', 'calibration', 'settings', 'inputs']) expect(dom, `table#${id}`).toMatch(new RegExp(`<table id="${id}">`));
    expect(dom).toMatch(/<svg id="accuracy-chart"[^>]*>.*<rect /s);
    expect((dom.match(/<svg/g) ?? []).length, 'the accuracy chart and two reliability diagrams').toBeGreaterThanOrEqual(3);
    expect(dom).toContain('after pgd-3');
  });

  describe('4 shards as 4 processes, then merge', () => {
    const shards = join(dir, 'shards');
    const files = [0, 1, 2, 3].map((i) => join(shards, `shard-${i}-of-4.json`));
    beforeAll(async () => {
      const runs = await Promise.all([0, 1, 2, 3].map((i) => runCli(args(shards, '--shard', `${i}/4`))));
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
    });

    it('each shard evaluates its contiguous block of whole batches', () => {
      const starts = files.map((f) => (readJson(f).batches as Array<{ start: number }>).map((b) => b.start));
      expect(starts).toEqual([[0, 4, 8], [12, 16, 20], [24, 28, 32], [36, 40, 44]]);
    });

    it('merge gives the single-process result, bit for bit, and an HTML report', async () => {
      const report = join(dir, 'merged', 'report.html');
      const r = await runCli(['merge', ...files, '--out', report]);
      expect(r.code, r.stderr).toBe(0);
      expect(resultOf(join(dir, 'merged', 'report.json'))).toEqual(resultOf(join(single, 'eval.json')));
      expect(existsSync(report)).toBe(true);
    });

    it('merge refuses a missing shard, an overlap and a shard with other settings, naming them', async () => {
      const missing = await runCli(['merge', files[0], files[1], files[3], '--out', join(dir, 'x.html')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('examples 24–27, 28–31, 32–35 are in no file');

      const copy = join(dir, 'copy-of-shard-1.json');
      copyFileSync(files[1], copy);
      const overlap = await runCli(['merge', ...files, copy, '--out', join(dir, 'x.html')]);
      expect(overlap.code).toBe(2);
      expect(overlap.stderr).toContain(`examples 12–15 are in both ${files[1]} and ${copy}`);

      const other = join(dir, 'other-eps.json');
      const changed = readJson(files[2]) as { settings: { eps: number }; model: { weightsSha256: string } };
      changed.settings.eps = 4 / 255;
      changed.model.weightsSha256 = 'f'.repeat(64);
      writeFileSync(other, JSON.stringify(changed));
      const disagree = await runCli(['merge', files[0], files[1], other, files[3], '--out', join(dir, 'x.html')]);
      expect(disagree.code).toBe(2);
      expect(disagree.stderr).toMatch(new RegExp(`${other} disagrees with ${files[0]} on eps 0\\.0078\\d* → 0\\.0156\\d*, weightsSha256 .* → "fff`));
      const unfinished = join(dir, 'unfinished.json');
      writeFileSync(unfinished, JSON.stringify({ ...readJson(files[3]), complete: false }));
      const incomplete = await runCli(['merge', files[0], files[1], files[2], unfinished, '--out', join(dir, 'x.html')]);
      expect(incomplete.code).toBe(2);
      expect(incomplete.stderr).toContain(`cnn-eval merge: error: ${unfinished} is incomplete (3 of 3 batches): finish it with the same flags plus --resume`);
      for (const r of [missing, overlap, disagree, incomplete]) expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(existsSync(join(dir, 'x.html'))).toBe(false);
    });
  });

  // AutoAttack (when @cnn/attacks has it; else APGD) and corruption counts through the same machinery.
  const cascade = autoAttackFunction() ? ['--attack', 'autoattack', '--steps', '2', '--queries', '20'] : ['--attack', 'apgd', '--steps', '3'];
  it(`${cascade[1]} with --corruptions: 2 shards + merge = the single process, bit for bit`, async () => {
    const more = (out: string, ...extra: string[]) => [
      '--weights', weights, '--data', SAMPLE, '--n', '16', '--batch-size', '4', ...cascade, '--eps', '1/255',
      '--corruptions', 'gaussian_noise,fog', '--calibration', '--backend', backend, '--progress', 'none', '--out', out, ...extra,
    ];
    const out = join(dir, 'cascade');
    const runs = await Promise.all([runCli(more(join(out, 'single'))), ...[0, 1].map((i) => runCli(more(out, '--shard', `${i}/2`)))]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const merged = await runCli(['merge', join(out, 'shard-0-of-2.json'), join(out, 'shard-1-of-2.json'), '--out', join(out, 'merged.html')]);
    expect(merged.code, merged.stderr).toBe(0);
    const single = resultOf(join(out, 'single', 'eval.json')) as { stageNames: string[]; summary: { corruptions: { correct: Record<string, number[]> }; stages: Array<{ correct: number }> } };
    expect(resultOf(join(out, 'merged.json'))).toEqual(single);
    expect(single.stageNames).toEqual(cascade[1] === 'autoattack' ? ['apgd-ce', 'apgd-t', 'fab-t', 'square'] : ['apgd-ce-3']);
    const counts = single.summary.stages.map((st) => st.correct);
    expect(counts, 'robust counts never grow along the cascade').toEqual([...counts].sort((a, b) => b - a));
    expect(Object.keys(single.summary.corruptions.correct)).toEqual(['gaussian_noise', 'fog']);
    for (const row of Object.values(single.summary.corruptions.correct)) expect(row.every((k) => k >= 0 && k <= 16)).toBe(true);
  });
});

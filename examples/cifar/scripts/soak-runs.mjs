// Part of `pnpm test:soak` (not of `pnpm test`): trains the offline default (ResNet-20 on the
// shipped CIFAR-10 sample, seed fixed) twice on wasm with 2 threads, each in its own process, and
// compares every logged number of the two runs (losses, accuracies, PGD and calibration results).
// Exits 1 and prints the first difference if they are not identical.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const main = path.join(here, '..', 'dist', 'main.js');
const runs = Number(process.argv[2] ?? 2);
const TIMING = /(^|_)(seconds|ms|time|elapsed|imagesPerSecond|timestamp|date|started|finished|eta)$|^(time|t|at|date)$/i;

/** The run's metrics.jsonl without wall-clock fields. */
function numbers(dir) {
  return readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.stringify(JSON.parse(line), (k, v) => (TIMING.test(k) || k === 'config' || k === 'backendInfo' ? undefined : v)));
}

const root = mkdtempSync(path.join(tmpdir(), 'cnn-soak-runs-'));
try {
  const logs = [];
  for (let i = 0; i < runs; i++) {
    const out = path.join(root, `run${i}`);
    execFileSync(process.execPath, [main, '--out', out, '--progress', 'none'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CNN_BACKEND: 'wasm', CNN_WASM_THREADS: '2' } });
    logs.push(numbers(out));
    console.log(`run ${i + 1}: ${logs[i].length} log records`);
  }
  for (let i = 1; i < runs; i++) {
    const j = logs[i].findIndex((line, k) => line !== logs[0][k]);
    if (j >= 0 || logs[i].length !== logs[0].length) {
      console.log(`run ${i + 1} differs from run 1 at record ${j}:\n  ${logs[0][j]}\n  ${logs[i][j]}`);
      process.exit(1);
    }
  }
  console.log(`${runs} seeded runs: every logged number identical`);
} finally {
  rmSync(root, { recursive: true, force: true });
}

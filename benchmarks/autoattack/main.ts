/**
 * AutoAttack rows of `pnpm bench` (issue 15): the wall time of the whole standard cascade (L∞ 8/255)
 * on real CIFAR-10 test images, @cnn/attacks on the `tensorflow` backend against fra31/auto-attack
 * on PyTorch, same models, same weights, same images, alternating who goes first.
 *
 *   node autoattack/dist/main.js [--models small,resnet18] [--count 64] [--resnet-count N]
 *        [--seed 0] [--threads 2] [--autoattack-dir DIR] [--cifar FILE] [--no-torch] [--out FILE]
 *
 * auto-attack's checkout: --autoattack-dir, else $AUTOATTACK_DIR, else autoattack/reference/ here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTestBatch } from './cifar.js';
import { runModel, type ModelRow } from './run-model.js';
import { torchUnavailable } from './torch-side.js';
import { renderReport } from './report.js';

const here = dirname(fileURLToPath(import.meta.url)); // autoattack/dist
const scriptDir = resolve(here, '..');
const repoRoot = resolve(scriptDir, '../..');
// The same glibc malloc settings as the throughput harness (src/main.ts) and its intra-op threads,
// set before tfjs-node and PyTorch start: this process re-runs itself once with them.
const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '17179869184', MALLOC_TOP_PAD_: '268435456' };

function flags() {
  const argv = process.argv.slice(2);
  const get = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const models = (get('--models') ?? 'small,resnet18').split(',');
  for (const m of models) if (m !== 'small' && m !== 'resnet18') throw new Error(`--models: unknown model ${m} (expected small, resnet18)`);
  const count = Number(get('--count') ?? 64);
  const resnetCount = Number(get('--resnet-count') ?? count);
  const threads = Number(get('--threads') ?? 2);
  for (const [name, v, max] of [['--count', count, 10000], ['--resnet-count', resnetCount, 10000], ['--threads', threads, 8]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`${name} must be an integer in [1, ${max}], got ${String(v)}`);
  }
  const refFlag = get('--autoattack-dir') ?? process.env.AUTOATTACK_DIR;
  const refDefault = join(scriptDir, 'reference');
  const refDir = refFlag ? resolve(refFlag) : existsSync(refDefault) ? refDefault : undefined;
  return { models: models as ('small' | 'resnet18')[], count, resnetCount, threads, seed: Number(get('--seed') ?? 0), refDir, noTorch: argv.includes('--no-torch'), cifar: get('--cifar'), out: get('--out') };
}

async function main(): Promise<void> {
  if (!process.env.CNN_AUTOATTACK_BENCH_CHILD) {
    const threads = flags().threads;
    const env = { ...process.env, ...MALLOC_ENV, TF_NUM_INTRAOP_THREADS: String(threads), CNN_AUTOATTACK_BENCH_CHILD: '1', TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2' };
    const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env, stdio: 'inherit' });
    process.exit(child.status ?? 1);
  }
  const args = flags();
  const cifar = findTestBatch(repoRoot, args.cifar);
  const skipTorch = args.noTorch ? '--no-torch given' : torchUnavailable(args.refDir);
  console.log(`AutoAttack standard, L∞ 8/255, CIFAR-10 test images from ${cifar}; ${args.threads} threads per side`);
  if (skipTorch) console.log(`PyTorch column skipped: ${skipTorch}`);
  const { initBackend } = await import('@cnn/backend');
  await initBackend('tensorflow');
  const work = mkdtempSync(join(tmpdir(), 'cnn-autoattack-bench-'));
  const rows: ModelRow[] = [];
  const started = new Date();
  try {
    for (const [i, model] of args.models.entries()) {
      const count = model === 'resnet18' ? args.resnetCount : args.count;
      // alternate who starts: ours first for the 1st model, PyTorch first for the 2nd, ...
      rows.push(await runModel({ model, count, cifar, work, scriptDir, seed: args.seed, threads: args.threads, refDir: skipTorch ? undefined : args.refDir, oursFirst: i % 2 === 0 }));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const report = renderReport(rows, { started, command: `node benchmarks/autoattack/dist/main.js ${process.argv.slice(2).filter((a) => a !== '--').join(' ')}`.trim(), skipTorch, threads: args.threads, loadEnd: loadavg() });
  console.log('\n' + report);
  const out = args.out ? resolve(args.out) : join(scriptDir, '..', 'bench-results', `autoattack-${started.toISOString().replace(/[:.]/g, '-')}.md`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out + '.tmp', report);
  renameSync(out + '.tmp', out);
  console.log(`wrote ${out}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

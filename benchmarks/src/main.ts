/**
 * `pnpm bench`: times a training step, inference and a PGD-10 batch per backend and model, with
 * PyTorch (2 threads) alternated run by run in the same invocation when it is importable.
 *
 *   node dist/main.js [--quick] [--models resnet20,resnet18] [--backends tensorflow,wasm,cpu]
 *                     [--tasks train,infer,pgd10] [--reps N] [--warmup N] [--no-torch]
 *                     [--ablations [relu,fold,ref,threads,simd]] [--torch-channels-last] [--impl cnn|ref] [--out FILE]
 *
 * Protocol: every contender (a worker process per backend, one for PyTorch) is set up and warmed
 * up, then the orchestrator asks each in turn for one run, rotating who goes first, `reps` times.
 * A run repeats the step until it lasts ≥ minRunSeconds. Reported: median seconds per step, spread
 * (min–max around the median), images/s, GFLOP/s from the architecture's FLOP count, the median of
 * the per-round ratios tfjs/PyTorch (same-moment pairs cancel most of the shared-machine noise),
 * and the CPU other processes used during the runs (from /proc/stat minus our workers' own time).
 */
import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, renameSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { ARCHS, DEFAULT_BATCH, countFlops } from './arch.js';
import type { CaseConfig } from './tfjs-worker.js';
import type { Task } from './steps.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, '..');
const PYTHON = '/usr/bin/python3';
// glibc keeps freed memory instead of returning it, so steps do not pay first-touch page faults
// on fresh pages (measured: benchmarks/results/kernel-measurements.md#malloc-settings); given to
// every contender alike.
const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '17179869184', MALLOC_TOP_PAD_: '268435456' };

const ABLATIONS = ['relu', 'fold', 'ref', 'threads', 'simd'] as const;
type Ablation = (typeof ABLATIONS)[number];

interface Args {
  quick: boolean;
  models: string[];
  backends: ('tensorflow' | 'wasm' | 'cpu')[];
  tasks: Task[];
  reps: number;
  warmup: number;
  minRunSeconds: number;
  torch: boolean;
  /** Which ablation contenders to add (`--ablations` alone: all). */
  ablations: Set<Ablation>;
  torchChannelsLast: boolean;
  impl: 'cnn' | 'ref' | 'auto';
  out: string | null;
  wasmThreads: number | undefined;
  /** Before each round, wait up to this many seconds for the machine to be idle. */
  idleWait: number;
  /** Other processes' load (cores) above which a round counts as disturbed. */
  loadLimit: number;
  /** Threads for every contender: PyTorch intra-op, TF intra-op (TF_NUM_INTRAOP_THREADS), wasm XNNPACK. */
  threads: number;
}

/** `--ablations` (all kinds) or `--ablations relu,fold` (those kinds); absent: none. */
function parseAblations(argv: string[]): Set<Ablation> {
  const i = argv.indexOf('--ablations');
  if (i < 0) return new Set();
  const next = argv[i + 1];
  if (next === undefined || next.startsWith('--')) return new Set(ABLATIONS);
  const kinds = next.split(',').map((k) => k.trim()).filter(Boolean);
  for (const k of kinds) {
    if (!(ABLATIONS as readonly string[]).includes(k)) throw new Error(`--ablations: unknown kind "${k}"; use ${ABLATIONS.join(', ')} (or none for all)`);
  }
  return new Set(kinds as Ablation[]);
}

function parseArgs(argv: string[]): Args {
  const get = (k: string): string | undefined => {
    const i = argv.indexOf(k);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (k: string, d: string[]): string[] => (get(k)?.split(',').map((s) => s.trim()).filter(Boolean) ?? d);
  const quick = argv.includes('--quick');
  const a: Args = {
    quick,
    models: list('--models', quick ? ['resnet20', 'resnet18'] : Object.keys(ARCHS)),
    backends: list('--backends', ['tensorflow', 'wasm', 'cpu']) as Args['backends'],
    tasks: list('--tasks', ['train', 'infer', 'pgd10']) as Task[],
    reps: Number(get('--reps') ?? (quick ? 5 : 7)),
    warmup: Number(get('--warmup') ?? (quick ? 1 : 2)),
    minRunSeconds: Number(get('--min-run') ?? (quick ? 0.2 : 0.5)),
    torch: !argv.includes('--no-torch'),
    ablations: parseAblations(argv),
    torchChannelsLast: argv.includes('--torch-channels-last'),
    impl: (get('--impl') ?? 'auto') as Args['impl'],
    out: get('--out') ?? null,
    wasmThreads: get('--wasm-threads') ? Number(get('--wasm-threads')) : undefined,
    idleWait: Number(get('--idle-wait') ?? 30),
    loadLimit: Number(get('--load-limit') ?? 0.3),
    threads: Number(get('--threads') ?? 2),
  };
  if (!(a.threads >= 1 && a.threads <= 8)) throw new Error(`--threads must be in [1, 8], got ${get('--threads')}`);
  for (const m of a.models) if (!ARCHS[m]) throw new Error(`--models: unknown model "${m}"; use ${Object.keys(ARCHS).join(', ')}`);
  for (const b of a.backends) if (!['tensorflow', 'wasm', 'cpu'].includes(b)) throw new Error(`--backends: unknown backend "${b}"`);
  for (const t of a.tasks) if (!['train', 'infer', 'pgd10'].includes(t)) throw new Error(`--tasks: unknown task "${t}"`);
  if (!(a.reps >= 5)) throw new Error(`--reps must be ≥ 5 (got ${a.reps})`);
  return a;
}

/** A child process speaking the line protocol. */
/**
 * Node 20's V8 has WebAssembly relaxed SIMD behind a flag; Node ≥ 22 has it on (and @cnn/backend's
 * kernels then use fused multiply-adds). The benchmark workers get the flag on Node < 22, so the
 * figures are what current Node runs; `--ablations simd` shows the plain-SIMD variant beside.
 */
const RELAXED_SIMD_FLAG = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];

class Worker {
  private proc: ChildProcessWithoutNullStreams;
  private pending: ((o: Record<string, unknown>) => void)[] = [];
  private stderrTail: string[] = [];
  dead = false;
  constructor(
    readonly name: string,
    cmd: string,
    args: string[],
    env: Record<string, string>,
  ) {
    this.proc = spawn(cmd, args, { env: { ...process.env, ...MALLOC_ENV, ...env }, cwd: pkgDir });
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return; // stray library output
      }
      this.pending.shift()?.(o);
    });
    this.proc.stderr.on('data', (d: Buffer) => {
      this.stderrTail.push(...d.toString().split('\n').filter(Boolean));
      this.stderrTail = this.stderrTail.slice(-5);
    });
    this.proc.on('exit', () => {
      this.dead = true;
      for (const p of this.pending.splice(0)) p({ ok: false, error: `${name} worker exited: ${this.stderrTail.join(' | ')}` });
    });
  }
  get pid(): number {
    return this.proc.pid ?? -1;
  }
  send(o: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.dead) return Promise.resolve({ ok: false, error: `${this.name} worker is not running: ${this.stderrTail.join(' | ')}` });
    return new Promise((res) => {
      this.pending.push(res);
      this.proc.stdin.write(JSON.stringify(o) + '\n');
    });
  }
  async close(): Promise<void> {
    if (this.dead) return;
    const exited = new Promise<void>((res) => this.proc.once('exit', () => res()));
    await this.send({ cmd: 'exit' });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

function busyCoreSeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const busy = v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] ?? 0);
  return busy / 100; // USER_HZ
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Cores busy over a short window (the orchestrator itself is idle meanwhile, workers wait). */
async function currentLoad(ms = 500): Promise<number> {
  const b0 = busyCoreSeconds();
  await sleep(ms);
  return (busyCoreSeconds() - b0) / (ms / 1000);
}

/** Waits (≤ maxSeconds) until other processes use < limit cores; returns the last load seen. */
async function waitForIdle(maxSeconds: number, limit: number): Promise<number> {
  const until = Date.now() + maxSeconds * 1000;
  let load = await currentLoad();
  while (load >= limit && Date.now() < until) {
    await sleep(1000);
    load = await currentLoad();
  }
  return load;
}

function psSnapshot(exclude: Set<number>): string {
  try {
    const out = execFileSync('ps', ['-eo', 'pid,pcpu,etime,comm', '--sort=-pcpu', '--no-headers'], { encoding: 'utf8' });
    const rows = out
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((r) => r.length >= 4 && !exclude.has(Number(r[0])) && Number(r[1]) >= 5)
      .slice(0, 4)
      .map((r) => `${r[3]} ${r[1]}%`);
    return rows.length ? rows.join(', ') : 'none ≥ 5%';
  } catch {
    return 'ps unavailable';
  }
}

interface Contender {
  label: string;
  worker: Worker;
  setup: Record<string, unknown>;
  isTorch: boolean;
  backend: string;
}

interface Row {
  model: string;
  batch: number;
  task: Task;
  label: string;
  impl: string;
  error?: string;
  median?: number;
  min?: number;
  max?: number;
  imgPerS?: number;
  gflops?: number;
  ratio?: number;
  ratioMin?: number;
  ratioMax?: number;
  /** Rounds whose pairs made the ratio (undisturbed ones when ≥ 3 exist). */
  ratioRounds?: string;
  foreignLoad?: number;
  disturbed?: boolean;
  ps?: string;
  leakPerStep?: number;
}

const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function benchCase(model: string, task: Task, contenders: Contender[], args: Args, ourPids: Set<number>): Promise<Row[]> {
  const spec = ARCHS[model];
  const batch = DEFAULT_BATCH[model];
  const flops = countFlops(spec);
  const perImage = task === 'train' ? flops.train : task === 'infer' ? flops.forward : flops.pgd10;
  const ps = psSnapshot(ourPids);
  const live: { c: Contender; impl: string; times: number[]; leak?: number }[] = [];
  const rows: Row[] = [];
  for (const c of contenders) {
    process.stderr.write(`  setup ${model}/${task}/${c.label} ... `);
    const r = await c.worker.send({ cmd: 'setup', ...c.setup });
    if (!r.ok) {
      process.stderr.write(`failed: ${String(r.error)}\n`);
      rows.push({ model, batch, task, label: c.label, impl: '', error: String(r.error) });
      continue;
    }
    process.stderr.write(`${String(r.impl)}, ${String(r.iters)} step(s)/run\n`);
    if (typeof r.leakPerStep === 'number' && r.leakPerStep !== 0) {
      process.stderr.write(`  warning: ${c.label} changes tf.memory().numTensors by ${r.leakPerStep} per step (a leak)\n`);
    }
    if (typeof r.params === 'number' && r.params !== flops.params) {
      process.stderr.write(`  note: ${c.label} has ${r.params} parameters; the FLOP count's architecture has ${flops.params}\n`);
    }
    live.push({ c, impl: String(r.impl), times: [], leak: r.leakPerStep as number | undefined });
    const info = r.info as Record<string, unknown> | undefined;
    if (info && !c.isTorch) {
      seenInfo[c.worker.name] =
        (info.details as string) || [info.threads != null ? `${String(info.threads)} thread(s)` : '', info.simd ? 'SIMD' : ''].filter(Boolean).join(', ') || 'stock';
    } else if (info && c.isTorch) {
      seenInfo.torch = `PyTorch ${String(info.torch)}, ${String(info.threads)} threads, mkldnn ${String(info.mkldnn)}`;
    }
  }
  const foreign: number[] = [];
  const pairs: { ratio: number; clean: boolean }[][] = live.map(() => []);
  for (let rep = 0; rep < args.reps; rep++) {
    const roundTimes: (number | undefined)[] = live.map(() => undefined);
    if (args.idleWait > 0) await waitForIdle(args.idleWait, args.loadLimit);
    let roundLoad = 0;
    for (let k = 0; k < live.length; k++) {
      const i = (k + rep) % live.length; // rotate who goes first
      const L = live[i];
      const busy0 = busyCoreSeconds();
      const r = await L.c.worker.send({ cmd: 'run', id: L.c.setup.id });
      const busy1 = busyCoreSeconds();
      if (!r.ok) {
        process.stderr.write(`  run failed ${L.c.label}: ${String(r.error)}\n`);
        continue;
      }
      L.times.push(r.seconds as number);
      roundTimes[i] = r.seconds as number;
      const wall = r.wall as number;
      const other = Math.max(0, (busy1 - busy0 - (r.cpuSeconds as number)) / wall);
      if (wall > 0.05) {
        foreign.push(other);
        roundLoad = Math.max(roundLoad, other);
      }
    }
    const torchIdx = live.findIndex((l) => l.c.isTorch);
    if (torchIdx >= 0 && roundTimes[torchIdx] != null) {
      live.forEach((_, i) => {
        if (roundTimes[i] != null) pairs[i].push({ ratio: roundTimes[torchIdx]! / roundTimes[i]!, clean: roundLoad < args.loadLimit });
      });
    }
  }
  for (const c of contenders) await c.worker.send({ cmd: 'teardown', id: c.setup.id });
  const load = foreign.length ? median(foreign) : undefined;
  live.forEach((L, i) => {
    if (!L.times.length) {
      rows.push({ model, batch, task, label: L.c.label, impl: L.impl, error: 'no successful run' });
      return;
    }
    const med = median(L.times);
    const row: Row = {
      model,
      batch,
      task,
      label: L.c.label,
      impl: L.impl,
      median: med,
      min: Math.min(...L.times),
      max: Math.max(...L.times),
      imgPerS: batch / med,
      gflops: (perImage * batch) / med / 1e9,
      foreignLoad: load,
      ps,
      leakPerStep: L.leak,
    };
    if (pairs[i].length && !L.c.isTorch) {
      const clean = pairs[i].filter((p) => p.clean);
      const use = (clean.length >= 3 ? clean : pairs[i]).map((p) => p.ratio);
      row.ratio = median(use);
      row.ratioMin = Math.min(...use);
      row.ratioMax = Math.max(...use);
      row.ratioRounds = clean.length >= 3 ? `${clean.length} quiet rounds` : `all ${pairs[i].length} rounds, ${clean.length} quiet`;
      row.disturbed = clean.length < 3;
    }
    if (load != null && load >= args.loadLimit) row.disturbed = true;
    rows.push(row);
  });
  return rows;
}

function machineInfo(torchInfo: string, backendInfo: Record<string, string>): string[] {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const modelName = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const flags = /flags\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? '';
  const simd = ['avx512f', 'avx2', 'fma'].filter((f) => flags.split(' ').includes(f)).join(', ');
  const pkg = (p: string): string => {
    try {
      return (JSON.parse(readFileSync(join(pkgDir, 'node_modules', p, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return '?';
    }
  };
  return [
    `- Machine: ${modelName} (${simd}), ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- Versions: Node ${process.version}, tfjs-core ${pkg('@tensorflow/tfjs-core')}${Object.entries(backendInfo)
      .map(([k, v]) => `, ${k}: ${v}`)
      .join('')}${torchInfo ? `; ${torchInfo}` : ''}`,
  ];
}

function fmt(n: number | undefined, d = 1): string {
  return n == null || !Number.isFinite(n) ? '—' : n.toFixed(d);
}

function table(rows: Row[]): string[] {
  const out = [
    '| model (batch) | task | contender | ms/step (median) | spread min–max | img/s | GFLOP/s | ×PyTorch (paired median, range; rounds) | other load (cores) |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    if (r.error) {
      out.push(`| ${r.model} (${r.batch}) | ${r.task} | ${r.label} | failed: ${r.error.replace(/\|/g, '/').slice(0, 90)} | | | | | |`);
      continue;
    }
    const spread = `${fmt(((r.min! - r.median!) / r.median!) * 100, 0)}…+${fmt(((r.max! - r.median!) / r.median!) * 100, 0)}%`;
    const ratio =
      r.ratio == null
        ? ''
        : `**${fmt(r.ratio, 2)}×** (${fmt(r.ratioMin, 2)}–${fmt(r.ratioMax, 2)}; ${r.ratioRounds})${r.disturbed ? ' ⚠' : ''}`;
    out.push(
      `| ${r.model} (${r.batch}) | ${r.task} | ${r.label} | ${fmt(r.median! * 1000, 0)} | ${spread} | ${fmt(r.imgPerS, r.imgPerS! < 10 ? 2 : 0)} | ${fmt(r.gflops, 1)} | ${ratio} | ${fmt(r.foreignLoad, 2)} |`,
    );
  }
  return out;
}

async function torchAvailable(): Promise<string | null> {
  try {
    return execFileSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

async function cnnModelsBuilt(): Promise<boolean> {
  try {
    const m = (await import('@cnn/models' as string)) as { createModel?: unknown };
    return typeof m.createModel === 'function';
  } catch {
    return false;
  }
}

export async function orchestrate(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const torchVersion = args.torch ? await torchAvailable() : null;
  if (args.torch && !torchVersion) process.stderr.write(`PyTorch not importable by ${PYTHON}: tfjs only, no ratios\n`);
  const impl: 'cnn' | 'ref' = args.impl === 'auto' ? ((await cnnModelsBuilt()) ? 'cnn' : 'ref') : args.impl;
  if (impl === 'ref') process.stderr.write('@cnn/models not built (or --impl ref): timing the benchmark\'s own ResNets (src/ref-resnet.ts)\n');

  const workers = new Map<string, Worker>();
  const ourPids = new Set<number>([process.pid]);
  /**
   * One process per backend (key 'wasm@1' = wasm with 1 XNNPACK thread, for the thread ablation;
   * 'wasm!nosimd' = wasm without @cnn/backend's SIMD kernels, 'wasm!noconv' without its
   * convolutions, 'wasm!norelaxed' with its plain-SIMD variant, for the simd ablation).
   */
  const workerFor = (key: string): Worker => {
    let w = workers.get(key);
    if (!w) {
      const [name, threads] = key.split('@');
      const [backend, variant] = name.split('!');
      const env: Record<string, string> = {
        TF_CPP_MIN_LOG_LEVEL: '3',
        TF_NUM_INTRAOP_THREADS: String(args.threads),
        CNN_WASM_THREADS: threads ?? String(args.wasmThreads ?? args.threads),
        ...(variant === 'nosimd' ? { CNN_WASM_SIMD_KERNELS: '0' } : {}),
        ...(variant === 'noconv' ? { CNN_WASM_SIMD_CONV: '0' } : {}),
        ...(variant === 'norelaxed' ? { CNN_WASM_RELAXED_SIMD: '0' } : {}),
      };
      w =
        backend === 'torch'
          ? new Worker('torch', PYTHON, [join(pkgDir, 'torch_bench.py'), '--threads', String(args.threads)], {})
          : new Worker(key, process.execPath, [...RELAXED_SIMD_FLAG, join(here, 'main.js'), '--worker'], env);
      workers.set(key, w);
      ourPids.add(w.pid);
    }
    return w;
  };

  const rows: Row[] = [];
  const torchInfo = torchVersion ? '' : 'PyTorch: not available';
  let n = 0;
  const t0 = Date.now();
  try {
    for (const model of args.models) {
      for (const task of args.tasks) {
        const batch = DEFAULT_BATCH[model];
        const common = { arch: model, batch, task, warmup: args.warmup, minRunSeconds: args.minRunSeconds };
        const contenders: Contender[] = [];
        for (const backend of args.backends) {
          if (backend === 'cpu' && !(model === 'resnet20' && task === 'infer')) continue; // cpu: smallest case only
          const base: Partial<CaseConfig> = { ...common, backend, wasmThreads: args.wasmThreads };
          const add = (label: string, extra: Partial<CaseConfig>, workerKey: string = backend): void => {
            contenders.push({ label, worker: workerFor(workerKey), setup: { id: `c${n++}`, ...base, ...extra }, isTorch: false, backend });
          };
          if (impl === 'cnn') add(`${backend} @cnn/models`, { impl: 'cnn' });
          else add(`${backend} ref`, { impl: 'ref', bn: 'lib', fold: task !== 'train' });
          const ab = backend !== 'cpu' ? args.ablations : new Set<Ablation>();
          // @cnn/backend's ReLU gradient (TF's ReluGrad on tensorflow) against tfjs' stock dy·step(x).
          if (ab.has('relu') && backend === 'tensorflow' && impl === 'cnn' && task !== 'infer') {
            add(`${backend} @cnn/models, stock Relu grad`, { impl: 'cnn', reluGrad: 'stock' });
          }
          // @cnn/models' eval-mode BN folded into the conv (default) against BN as x·scale + shift.
          if (ab.has('fold') && impl === 'cnn' && task !== 'train') add(`${backend} @cnn/models BN unfolded`, { impl: 'cnn', foldBatchNorm: false });
          if (ab.has('threads') && backend === 'wasm' && impl === 'cnn' && args.threads > 1) add('wasm 1 thread @cnn/models', { impl: 'cnn' }, 'wasm@1');
          // @cnn/backend's own SIMD kernels (conv, filter gradient, BatchNorm) against tfjs/XNNPACK alone.
          if (ab.has('simd') && backend === 'wasm' && impl === 'cnn') add('wasm @cnn/models, no SIMD kernels', { impl: 'cnn' }, 'wasm!nosimd');
          if (ab.has('simd') && backend === 'wasm' && impl === 'cnn') add('wasm @cnn/models, XNNPACK conv', { impl: 'cnn' }, 'wasm!noconv');
          if (ab.has('simd') && backend === 'wasm' && impl === 'cnn') add('wasm @cnn/models, no fused multiply-add', { impl: 'cnn' }, 'wasm!norelaxed');
          if (ab.has('ref')) {
            if (task === 'train') {
              add(`${backend} ref bn=moments`, { impl: 'ref', bn: 'moments' });
              add(`${backend} ref bn=customGrad`, { impl: 'ref', bn: 'custom' });
              if (backend === 'tensorflow') add(`${backend} ref bn=tf-native`, { impl: 'ref', bn: 'tf-native' });
            } else {
              add(`${backend} ref BN unfolded`, { impl: 'ref', bn: 'lib', fold: false });
              add(`${backend} ref BN folded`, { impl: 'ref', bn: 'lib', fold: true });
            }
          }
        }
        if (torchVersion) {
          contenders.push({ label: 'PyTorch', worker: workerFor('torch'), setup: { id: `c${n++}`, ...common, spec: ARCHS[model] }, isTorch: true, backend: 'torch' });
          if (args.torchChannelsLast) {
            contenders.push({ label: 'PyTorch channels_last', worker: workerFor('torch'), setup: { id: `c${n++}`, ...common, spec: ARCHS[model], channelsLast: true }, isTorch: false, backend: 'torch' });
          }
        }
        process.stderr.write(`${model} b${batch} ${task}:\n`);
        const got = await benchCase(model, task, contenders, args, ourPids);
        rows.push(...got);
        for (const line of table(got).slice(2)) process.stderr.write(line + '\n');
      }
    }
  } finally {
    for (const w of workers.values()) await w.close();
  }

  const header = [
    `## Run of ${new Date().toISOString().slice(0, 10)}${args.quick ? ' (--quick)' : ''}, ${args.threads} thread(s) per contender`,
    '',
    ...machineInfo(torchInfo, seenInfo),
    `- Protocol: ${args.warmup} warm-up step(s), then ${args.reps} runs per contender alternated round by round (each run ≥ ${args.minRunSeconds} s of repeated steps); ` +
      `median, spread = min/max vs median; ×PyTorch = median of same-round ratios (>1 = faster than PyTorch). Took ${((Date.now() - t0) / 60000).toFixed(1)} min.`,
    `- Other load: CPU cores used by processes other than the benchmark during the timed runs (median, /proc/stat); ps at start: ${psSnapshot(ourPids)}. ` +
      `Each round waited ≤ ${args.idleWait} s for other load < ${args.loadLimit} cores; ratios use only rounds below that when ≥ 3 exist (rounds used/all). ` +
      `⚠ = disturbed (fewer than 3 quiet rounds, or median other load ≥ ${args.loadLimit}): PyTorch's 2 OpenMP threads slow down 10–30× when a core is taken, so such ratios flatter TF.js.`,
    `- FLOPs counted from the architecture (conv + linear multiply-adds × 2; training = forward + input-gradient + weight-gradient, PGD-10 = 10 × (forward + input-gradient)).`,
    '',
  ];
  const md = [...header, ...table(rows), ''].join('\n');
  process.stdout.write('\n' + md + '\n');
  const outFile = args.out ?? join(pkgDir, 'bench-results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
  mkdirSync(dirname(outFile), { recursive: true });
  const tmp = `${outFile}.tmp-${process.pid}`;
  writeFileSync(tmp, md + '\n<!-- json\n' + JSON.stringify(rows) + '\n-->\n');
  renameSync(tmp, outFile);
  process.stderr.write(`written: ${outFile}\n`);
}

const seenInfo: Record<string, string> = {};

if (process.argv.includes('--profile')) {
  const { profileMain } = await import('./profile.js');
  await profileMain(process.argv.slice(2));
} else if (process.argv.includes('--worker')) {
  const { workerMain } = await import('./tfjs-worker.js');
  await workerMain();
} else {
  await orchestrate(process.argv.slice(2));
}

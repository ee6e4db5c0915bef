/**
 * The TF.js side of a benchmark: a long-lived child process, one per backend, driven over stdin/stdout
 * with one JSON object per line, so the orchestrator can alternate contenders run by run.
 *
 * Commands: {cmd:'setup', id, ...CaseConfig} → {ok, iters, info}; {cmd:'run', id} → {ok, seconds,
 * cpuSeconds}; {cmd:'teardown', id}; {cmd:'exit'}.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createInterface } from 'node:readline';
import { ARCHS } from './arch.js';
import { createRefModel, type BnMode } from './ref-resnet.js';
import { stepFns, type Task, type BenchModel } from './steps.js';
import { rememberShippedReluGradient, useReluGradient } from './relu-gradient-choice.js';

export interface CaseConfig {
  backend: 'tensorflow' | 'wasm' | 'cpu';
  arch: string;
  batch: number;
  task: Task;
  /** 'cnn': @cnn/models (what users run); 'ref': this package's model (for ablations). */
  impl: 'cnn' | 'ref';
  bn?: BnMode;
  /** Fold BN into conv+bias(+ReLU) for inference/attacks (ref only). */
  fold?: boolean;
  /** PGD via @cnn/attacks when built, else the loop in steps.ts. */
  pgdImpl?: 'cnn' | 'own';
  /**
   * ReLU's gradient: 'shipped' (default) = what @cnn/backend registers (TF's ReluGrad kernel on
   * tensorflow); 'stock' = tfjs' `dy · step(x)`, for the ablation (./relu-gradient-choice.ts).
   */
  reluGrad?: 'shipped' | 'stock';
  /** @cnn/models only: `foldBatchNorm` of apply() in eval mode (default true = the library's default). */
  foldBatchNorm?: boolean;
  warmup: number;
  /** A run repeats the step until it lasts at least this long (≥ 1 step). */
  minRunSeconds: number;
  wasmThreads?: number;
}

interface Case {
  step: () => void | Promise<void>;
  iters: number;
  dispose: () => void;
}

const cases = new Map<string, Case>();
let backendReady: string | null = null;
let backendDetails: Record<string, unknown> = {};

async function ensureBackend(cfg: CaseConfig): Promise<void> {
  if (backendReady === cfg.backend) return;
  if (backendReady) throw new Error(`worker already runs ${backendReady}; one backend per worker`);
  const be = await import('@cnn/backend');
  const choice = await be.initBackend(cfg.backend, cfg.backend === 'wasm' && cfg.wasmThreads ? { wasmThreads: cfg.wasmThreads } : {});
  backendDetails = { ...choice, ...be.backendInfo() };
  rememberShippedReluGradient();
  backendReady = cfg.backend;
}

async function loadModel(cfg: CaseConfig): Promise<{ model: BenchModel; impl: string }> {
  const spec = ARCHS[cfg.arch];
  if (!spec) throw new Error(`unknown model ${cfg.arch}`);
  if (cfg.impl === 'cnn') {
    const models = (await import('@cnn/models' as string)) as unknown as {
      createModel?: (name: string, o: { numClasses: number; stem: string }) => BenchModel;
    };
    if (typeof models.createModel !== 'function') throw new Error('@cnn/models has no createModel (not built yet?)');
    return { model: models.createModel(cfg.arch, { numClasses: spec.numClasses, stem: spec.stem }), impl: '@cnn/models' };
  }
  const m = createRefModel(spec, cfg.bn ?? 'custom');
  if (cfg.fold && cfg.task !== 'train') m.foldBatchNorm();
  return { model: m, impl: `ref(bn=${cfg.bn ?? 'custom'}${cfg.fold ? ',folded' : ''})` };
}

async function setup(id: string, cfg: CaseConfig): Promise<Record<string, unknown>> {
  await ensureBackend(cfg);
  const { model, impl } = await loadModel(cfg);
  const spec = ARCHS[cfg.arch];
  const params = model.namedParameters().reduce((a, [, v]) => a + v.size, 0);
  const relu = cfg.reluGrad ?? 'shipped';
  const inner = await stepFns(model, spec, cfg);
  // The Relu gradient is global: each case sets its own choice before stepping.
  const fns = {
    ...inner,
    step: () => {
      useReluGradient(relu);
      return inner.step();
    },
  };
  for (let i = 0; i < cfg.warmup; i++) await fns.step();
  const t0 = performance.now();
  await fns.step();
  const one = (performance.now() - t0) / 1000;
  const iters = Math.max(1, Math.ceil(cfg.minRunSeconds / Math.max(one, 1e-6)));
  const numTensors = tf.memory().numTensors;
  await fns.step();
  const leak = tf.memory().numTensors - numTensors;
  cases.set(id, {
    step: fns.step,
    iters,
    dispose: () => {
      fns.dispose();
      (model as { dispose?: () => void }).dispose?.();
    },
  });
  const label = `${impl}${relu === 'stock' ? ', stock Relu grad' : ''}${cfg.foldBatchNorm === false ? ', BN unfolded' : ''}`;
  return { iters, impl: cfg.task === 'pgd10' ? `${label} + ${fns.pgdImpl}` : label, params, leakPerStep: leak, pgdImpl: fns.pgdImpl, info: backendDetails };
}

async function run(id: string): Promise<Record<string, unknown>> {
  const c = cases.get(id);
  if (!c) throw new Error(`no case ${id}`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < c.iters; i++) await c.step();
  const seconds = (performance.now() - t0) / 1000 / c.iters;
  const cpu = process.cpuUsage(cpu0);
  return { seconds, wall: seconds * c.iters, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

export async function workerMain(): Promise<void> {
  const rl = createInterface({ input: process.stdin });
  const reply = (o: unknown): void => void process.stdout.write(JSON.stringify(o) + '\n');
  for await (const line of rl) {
    if (!line.trim()) continue;
    const msg = JSON.parse(line) as { cmd: string; id: string } & CaseConfig;
    try {
      if (msg.cmd === 'setup') reply({ ok: true, ...(await setup(msg.id, msg)) });
      else if (msg.cmd === 'run') reply({ ok: true, ...(await run(msg.id)) });
      else if (msg.cmd === 'teardown') {
        cases.get(msg.id)?.dispose();
        cases.delete(msg.id);
        reply({ ok: true, numTensors: tf.memory().numTensors });
      } else if (msg.cmd === 'exit') {
        reply({ ok: true });
        break;
      } else throw new Error(`unknown command ${msg.cmd}`);
    } catch (e) {
      reply({ ok: false, error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
    }
  }
  rl.close();
  // wasm worker threads (when enabled) keep the event loop alive: leave explicitly.
  process.exit(0);
}

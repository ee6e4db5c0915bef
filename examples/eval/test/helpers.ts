import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { availableBackends, initBackend } from '@cnn/backend';
import { cliRunner, runCliSync } from '@cnn/example-common/testing';
import { loader } from '@cnn/data';
import { loadCifar } from '@cnn/data/node';
import { createModel, saveWeights } from '@cnn/models';
import { train } from '@cnn/train';

export { waitFor, type CliResult } from '@cnn/example-common/testing';

/** The built CLI (turbo's `test` depends on this package's `build`; run `pnpm build` first when calling vitest directly). */
export const CLI = resolve(import.meta.dirname, '..', 'dist', 'main.js');
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm build\` in this package first (turbo's test task does)`);

/** The real CIFAR-10 sample committed with the cifar example (400 test images). */
export const SAMPLE = resolve(import.meta.dirname, '..', '..', 'cifar', 'sample');

export const runCli = cliRunner(CLI);
/** Runs the built CLI to its end (usage checks). */
export function runSync(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = runCliSync(CLI, args);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** tfjs-node when installed (fast), else wasm; `CNN_BACKEND` picks one. */
export async function testBackend(): Promise<string> {
  if (process.env.CNN_BACKEND) return process.env.CNN_BACKEND;
  const list = await availableBackends();
  return list.find((b) => b.name === 'tensorflow' && b.available) ? 'tensorflow' : 'wasm';
}

/**
 * A tiny ResNet-20 (4/8/8 channels, one block per stage) trained for 2 epochs on the sample's 1,200
 * training images (so that it gets more than chance right and the attack has work), saved by
 * `saveWeights` (its file records the architecture).
 */
export async function tinyWeights(path: string, backend: string, { seed = 1, epochs = 2 } = {}): Promise<string> {
  await initBackend(backend as Parameters<typeof initBackend>[0]);
  const model = createModel('resnet20', { widths: [4, 8, 8], depths: [1, 1, 1], stemWidth: 4, seed });
  try {
    const trainSet = await loadCifar({ root: SAMPLE, split: 'train' });
    if (epochs > 0) await train({
      model, epochs, seed, progress: 'none', optimizer: { type: 'sgd', momentum: 0.9 }, schedule: { type: 'cosine', lr: 0.05 },
      trainLoader: loader(trainSet, { batchSize: 50, shuffle: true, seed }),
    });
    await saveWeights(model, path);
  } finally {
    model.dispose();
  }
  return path;
}

export const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

/** The parts of a results file that are the result (not timings, paths or the command line). */
export function resultOf(path: string): Record<string, unknown> {
  const r = readJson(path);
  return { settings: r.settings, model: r.model, data: r.data, stageNames: r.stageNames, batches: r.batches, summary: r.summary, complete: r.complete };
}

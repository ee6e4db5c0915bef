/**
 * `@cnn/train`'s root entry in a real browser: `train` with a `MemoryCheckpointSink` on cpu, wasm
 * (2 threads) and webgl — a run stopped after 4 steps and resumed from the sink continues at the
 * saved step with the uninterrupted run's losses — against the same runs in this Node process
 * (tfjs-backend-cpu). Tolerances: TRAINING_TOLERANCES.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@cnn/backend';
import { maxRelErr } from '@cnn/core/testing';
import { openSession, type Session } from './harness/session.js';
import { browserSuiteSkipReason } from './harness/skip.js';
import { STOP_AFTER, TRAIN_IMAGES, runTrainingWorkload, type TrainingRequest, type TrainingResult } from './training.js';
import { TRAINING_TOLERANCES, type BrowserBackend } from './tolerances.js';

const skip = browserSuiteSkipReason('training.test.ts');
// <repo>/../shared/data, as the packages' tests find it.
const CIFAR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/cifar-10-batches-bin/data_batch_1.bin');

describe.skipIf(skip != null)('training in headless Chromium with @cnn/train', () => {
  let session: Session;
  let request: TrainingRequest;
  let reference: TrainingResult;

  beforeAll(async () => {
    if (!existsSync(CIFAR)) throw new Error(`CIFAR-10 binary data not found: ${CIFAR}`);
    request = { records: Array.from(readFileSync(CIFAR).subarray(0, TRAIN_IMAGES * 3073)) };
    await initBackend('cpu');
    reference = await runTrainingWorkload(request);
    session = await openSession();
  });
  afterAll(async () => {
    await session?.close();
  });

  it('in Node (the reference): the resumed run continues the stopped one with the uninterrupted losses', () => {
    expect(reference.whole).toHaveLength(6);
    expect(reference.stopped).toEqual(reference.whole.slice(0, STOP_AFTER));
    expect(reference.resumed).toEqual(reference.whole.slice(STOP_AFTER));
    expect(reference.leakedTensors).toBe(0);
  });

  const cases: { backend: Exclude<BrowserBackend, 'webgpu'>; page: 'coi' | 'plain'; wasmThreads?: number }[] = [
    { backend: 'cpu', page: 'plain' },
    { backend: 'wasm', page: 'coi', wasmThreads: 2 },
    { backend: 'webgl', page: 'plain' },
  ];
  for (const { backend, page: kind, wasmThreads } of cases) {
    it(`${backend}: trains, stops with a checkpoint in memory, resumes at the saved step; losses match Node`, async () => {
      const page = await session.open(kind);
      const started = await page.call('start', { backend, wasmThreads });
      if (!started.ok) throw new Error(started.error);
      expect(started.value.choice.backend).toBe(backend);
      const run = await page.call('training', request);
      if (!run.ok) throw new Error(`${run.error}\n${page.console.join('\n')}`);
      const got = run.value;
      const tol = TRAINING_TOLERANCES[backend];
      const errors = { whole: maxRelErr(got.whole, reference.whole), resumed: maxRelErr(got.resumed, got.whole.slice(STOP_AFTER)) };
      console.info(`${started.value.info.details}: ${JSON.stringify(errors)}; ms ${JSON.stringify(got.millis)}`);
      expect(got.whole).toHaveLength(6);
      expect(got.whole.every(Number.isFinite)).toBe(true);
      // Stopped after step 4 (epoch 2, step 1): the checkpoint is there, and the resume begins there.
      expect(got.stopped).toHaveLength(STOP_AFTER);
      expect(got.checkpoint).toEqual({ epoch: 1, step: 1, globalStep: STOP_AFTER });
      expect(got.resumedFrom).toEqual({ epoch: 1, step: 1 });
      expect(got.resumed).toHaveLength(6 - STOP_AFTER);
      expect(got.finished).toBe(true);
      expect(got.leakedTensors).toBe(0);
      // The same backend twice: the stopped run is the uninterrupted one's start; the resumed its rest.
      expect(maxRelErr(got.stopped, got.whole.slice(0, STOP_AFTER))).toBeLessThanOrEqual(tol.sameBackend);
      expect(errors.resumed).toBeLessThanOrEqual(tol.sameBackend);
      expect(errors.whole).toBeLessThanOrEqual(tol.againstNode);
    });
  }
});

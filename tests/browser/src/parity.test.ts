/**
 * The same workload in the browser (cpu, wasm with 2 threads, webgl, webgpu where Chromium has
 * an adapter) and in this Node process (tfjs-backend-cpu, the reference): a tiny seeded ResNet's
 * logits and input gradient (@cnn/models), FGSM and PGD images (@cnn/attacks), calibration
 * metrics (@cnn/calibration). Tolerances: see TOLERANCES.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@cnn/backend';
import { maxRelErr } from '@cnn/core/testing';
import { openSession, type Session } from './harness/session.js';
import { browserSuiteSkipReason } from './harness/skip.js';
import { EPS, calibrationLabels, calibrationOf, runWorkload, workloadInputs, type WorkloadResult } from './workload.js';
import { TOLERANCES, differingPixels, type BrowserBackend } from './tolerances.js';

const skip = browserSuiteSkipReason('parity.test.ts');

describe.skipIf(skip != null)('browser backends against Node', () => {
  let session: Session;
  let reference: WorkloadResult;
  let labels: number[];

  beforeAll(async () => {
    await initBackend('cpu');
    const first = await runWorkload();
    labels = calibrationLabels(first.logits, workloadInputs().labels);
    reference = await runWorkload({ calibrationLabels: labels });
    expect(reference.leakedTensors).toBe(0);
    session = await openSession();
  });
  afterAll(async () => {
    await session?.close();
  });

  it('@cnn/calibration gives the same numbers in the page as in Node for the same logits', async () => {
    const page = await session.open('plain');
    const inPage = await page.call('calibrate', reference.logits, labels);
    if (!inPage.ok) throw new Error(inPage.error);
    expect(inPage.value).toEqual(calibrationOf(reference.logits, labels));
    expect(reference.calibration.temperature).toBeGreaterThan(0.01); // not stuck at a bound
    expect(reference.calibration.temperature).toBeLessThan(100);
  });

  // WebGPU on SwiftShader compiles each new pipeline slowly (≈ 20–40 s for this net's first
  // forward pass on 2 busy cores): there PGD — the same kernels as the gradient, three times — is
  // left out to keep the suite well under 2 minutes.
  const cases: { backend: BrowserBackend; page: 'coi' | 'plain'; wasmThreads?: number; pgd: boolean }[] = [
    { backend: 'cpu', page: 'plain', pgd: true },
    { backend: 'wasm', page: 'coi', wasmThreads: 2, pgd: true },
    { backend: 'webgl', page: 'plain', pgd: true },
    { backend: 'webgpu', page: 'plain', pgd: false },
  ];
  for (const { backend, page: kind, wasmThreads, pgd } of cases) {
    it(`${backend}: forward pass, gradients, FGSM${pgd ? ', PGD' : ''} and calibration match Node`, async (ctx) => {
      const page = await session.open(kind);
      if (backend === 'webgpu') {
        const adapter = await page.call('gpuAdapter');
        const why = adapter.ok ? adapter.value : adapter.error;
        if (why != null) {
          console.warn(`SKIPPED webgpu parity: this headless Chromium exposes no WebGPU adapter (${why})`);
          ctx.skip();
        }
      }
      const started = await page.call('start', { backend, wasmThreads });
      if (!started.ok) throw new Error(started.error);
      expect(started.value.choice.backend).toBe(backend);
      const run = await page.call('workload', { calibrationLabels: labels, pgd });
      if (!run.ok) throw new Error(`${run.error}\n${page.console.join('\n')}`);
      const got = run.value;
      const tol = TOLERANCES[backend];
      const errors = {
        logits: maxRelErr(got.logits, reference.logits),
        gradient: maxRelErr(got.inputGradient, reference.inputGradient),
        fgsm: differingPixels(got.fgsm, reference.fgsm),
        pgd: pgd ? differingPixels(got.pgd, reference.pgd) : null,
      };
      console.info(`${started.value.info.details}: ${JSON.stringify(errors)}; ms ${JSON.stringify(got.millis)}`);
      expect(got.leakedTensors).toBe(0);
      expect(errors.logits).toBeLessThanOrEqual(tol.logits);
      expect(errors.gradient).toBeLessThanOrEqual(tol.gradient);
      for (const attack of pgd ? (['fgsm', 'pgd'] as const) : (['fgsm'] as const)) {
        // A pixel whose gradient is ~0 may take the other sign: it moves by at most 2ε.
        expect(errors[attack]!.count).toBeLessThanOrEqual(tol.flippedPixels * got[attack].length);
        expect(errors[attack]!.max).toBeLessThanOrEqual(2 * EPS + 1e-6);
      }
      for (const [metric, value] of Object.entries(got.calibration)) {
        const want = reference.calibration[metric as keyof typeof reference.calibration];
        expect(Math.abs(value - want), metric).toBeLessThanOrEqual(tol.calibration * Math.max(1, Math.abs(want)));
      }
    });
  }
});

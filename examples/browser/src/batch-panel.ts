/** Robust accuracy of the chosen attack over the first N test images, with a progress bar. */
import { robustAccuracy } from '@cnn/attacks';
import type { LabeledBatch } from '@cnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { ATTACKS, attackFn, epsLabel } from './attack-choice.js';
import { attackSettings } from './attack-panel.js';
import { byId, numberInput, percent, showFraction } from './dom.js';
import type { Lab } from './lab.js';
import { imagesTensor } from './tensors.js';

export function setUpBatchPanel(lab: Lab): void {
  const button = byId<HTMLButtonElement>('run-batch');
  const stop = byId<HTMLButtonElement>('stop-batch');
  byId<HTMLInputElement>('batch-size').max = String(lab.images.count);
  button.disabled = false;
  const run = { stopped: false };
  stop.addEventListener('click', () => {
    run.stopped = true;
    stop.disabled = true;
  });
  button.addEventListener('click', () => {
    button.disabled = true;
    stop.disabled = false;
    run.stopped = false;
    runBatch(lab, () => run.stopped)
      .catch((error) => {
        byId('batch-status').textContent = `failed: ${error instanceof Error ? error.message : String(error)}`;
        lab.fail(error);
      })
      .finally(() => {
        button.disabled = false;
        stop.disabled = true;
        lab.showTensors();
      });
  });
}

/**
 * The first `total` images in chunks; ends early once `stopped()` (robustAccuracy then reports the
 * images done). Waits 10 ms (a macrotask) before each chunk: on wasm and cpu the attack's `await`s
 * settle as microtasks, so without it the page would neither repaint the progress bar nor see a
 * click on "stop" until the whole run is over.
 */
async function* batchesOf(lab: Lab, total: number, chunk: number, stopped: () => boolean): AsyncGenerator<LabeledBatch> {
  for (let start = 0; start < total; start += chunk) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    if (stopped()) return;
    const size = Math.min(chunk, total - start);
    yield { images: imagesTensor(lab.images, start, size), labels: tf.tensor1d(lab.images.labels.subarray(start, start + size), 'int32') };
  }
}

async function runBatch(lab: Lab, stopped: () => boolean): Promise<void> {
  const total = numberInput('batch-size');
  const chunk = numberInput('chunk-size');
  if (!Number.isInteger(total) || total < 1 || total > lab.images.count) {
    throw new RangeError(`the batch must be 1 to ${lab.images.count} images, got ${String(total)}`);
  }
  if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`the chunk must be a positive integer, got ${String(chunk)}`);
  const settings = attackSettings();
  const attack = ATTACKS[settings.id];
  const name = `${attack.label} ε=${epsLabel(attack.norm, settings.position)}${attack.iterative ? `, ${settings.steps} steps` : ''}`;
  const progress = byId<HTMLProgressElement>('batch-progress');
  const status = byId('batch-status');
  for (const id of ['batch-clean', 'robust-accuracy']) {
    byId(id).textContent = '…';
    delete byId(id).dataset.value;
  }
  progress.value = 0;
  status.textContent = `${name}: 0 / ${total}`;
  const started = performance.now();
  const report = await robustAccuracy(lab.classifier, batchesOf(lab, total, chunk, stopped), { [name]: attackFn(settings) }, {
    onProgress: (p) => {
      progress.value = p.total / total;
      status.textContent = `${name}: ${p.total} / ${total} images, robust so far ${percent(p.attacks[name] / p.total)}`;
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const done = report.counts.total;
  const stoppedEarly = done < total ? ` (stopped; ${total} asked for)` : '';
  status.textContent = `${name}: ${done} images in ${seconds.toFixed(1)} s on ${tf.getBackend()}${stoppedEarly}`;
  if (done === 0) return;
  showFraction('batch-clean', report.cleanAccuracy);
  showFraction('robust-accuracy', report.attackAccuracy[name]);
}

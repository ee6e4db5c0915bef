import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CORRUPTIONS, type CorruptionName } from '@cnn/corruptions';
import { writeNpy } from '@cnn/data/node';
import type { CorruptJob, WorkerMessage } from './worker.js';

export interface GenerateOptions {
  /** `count × height × width × 3` HWC bytes: the clean test images. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  corruptions: readonly CorruptionName[];
  severities: readonly number[];
  seed: number;
  out: string;
  /** Worker threads (each takes one corruption at a time). */
  workers: number;
  /** Called with images done so far and the total (corruptions × severities × images). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Writes the CIFAR-10-C layout into `out`: `labels.npy` (uint8, the labels once per severity) and
 * one `<corruption>.npy` (uint8 `[severities × count, height, width, 3]`, severity-major as the
 * official files) per corruption, each written atomically by the worker that computed it.
 */
export async function generate(o: GenerateOptions): Promise<void> {
  const tiled = new Uint8Array(o.severities.length * o.count);
  o.severities.forEach((_, k) => tiled.set(o.labels.subarray(0, o.count), k * o.count));
  await writeNpy(join(o.out, 'labels.npy'), tiled, [tiled.length]);
  const total = o.corruptions.length * o.severities.length * o.count;
  let done = 0;
  const queue = [...o.corruptions];
  const runOne = (name: CorruptionName): Promise<void> =>
    new Promise((resolve, reject) => {
      const job: CorruptJob = {
        name, index: CORRUPTIONS.indexOf(name), severities: [...o.severities], seed: o.seed,
        images: o.images, count: o.count, height: o.height, width: o.width, file: join(o.out, `${name}.npy`),
      };
      const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: job });
      worker.on('message', (m: WorkerMessage) => {
        if (m.kind === 'progress') o.onProgress?.((done += m.images), total);
        else if (m.kind === 'done') worker.terminate().then(() => resolve(), reject);
        else worker.terminate().then(() => reject(new Error(`${name}: ${m.message}`)), reject);
      });
      worker.on('error', reject);
    });
  const lane = async (): Promise<void> => {
    for (let name = queue.shift(); name; name = queue.shift()) await runOne(name);
  };
  await Promise.all(Array.from({ length: Math.min(o.workers, o.corruptions.length) }, lane));
}

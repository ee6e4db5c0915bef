// One corruption over every image and severity, on a worker thread; writes `<name>.npy` itself.
import { parentPort, workerData } from 'node:worker_threads';
import { corrupt, type CorruptionName } from '@cnn/corruptions';
import { writeNpy } from '@cnn/data/node';
import { imageSeed } from './seeds.js';

export interface CorruptJob {
  name: CorruptionName;
  /** Its index in CORRUPTIONS (part of every image's seed). */
  index: number;
  severities: number[];
  seed: number;
  /** `count` images, 32×32×3 each (or `height`×`width`×3), HWC bytes. */
  images: Uint8Array;
  count: number;
  height: number;
  width: number;
  file: string;
}

/** Messages to the main thread: progress every few images, then done (or an error). */
export type WorkerMessage = { kind: 'progress'; images: number } | { kind: 'done' } | { kind: 'error'; message: string };

async function run(job: CorruptJob): Promise<void> {
  const per = job.height * job.width * 3;
  const out = new Uint8Array(job.severities.length * job.count * per);
  let pending = 0;
  for (const [k, severity] of job.severities.entries()) {
    for (let i = 0; i < job.count; i++) {
      const image = { image: job.images.subarray(i * per, (i + 1) * per), height: job.height, width: job.width };
      out.set(corrupt(image, job.name, severity, { seed: imageSeed(job.seed, job.index, severity, i) }).image, (k * job.count + i) * per);
      if (++pending === 50) {
        parentPort!.postMessage({ kind: 'progress', images: pending } satisfies WorkerMessage);
        pending = 0;
      }
    }
  }
  parentPort!.postMessage({ kind: 'progress', images: pending } satisfies WorkerMessage);
  await writeNpy(job.file, out, [job.severities.length * job.count, job.height, job.width, 3]);
}

if (parentPort) {
  run(workerData as CorruptJob).then(
    () => parentPort!.postMessage({ kind: 'done' } satisfies WorkerMessage),
    (error: unknown) => parentPort!.postMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) } satisfies WorkerMessage),
  );
}

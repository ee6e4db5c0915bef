import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DecodedImage, DecodeSpec } from './image-decode.js';

interface Pending {
  resolve: (img: DecodedImage) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, Pending>;
}

interface Reply {
  id: number;
  ok: boolean;
  data?: Uint8Array;
  width?: number;
  height?: number;
  message?: string;
}

/**
 * Finds the worker script: `image-worker.js` beside this module (the built package), or the
 * package's `dist/` when running from source (tests).
 */
export function imageWorkerScript(): URL {
  const here = import.meta.url;
  for (const rel of ['./image-worker.js', '../dist/image-worker.js']) {
    const url = new URL(rel, here);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error(`@cnn/data: worker script image-worker.js not found near ${here}; build the package (pnpm build) or use workers: 0`);
}

/**
 * A fixed pool of decode workers. Each worker gets up to `perWorker` tasks at a time (sharp's
 * I/O waits overlap); tasks go to the least-busy worker. Idle workers are `unref`'d so a forgotten
 * pool never keeps Node alive; call {@link DecodePool.close} to end them.
 */
export class DecodePool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  private readonly queue: { file: string; spec: DecodeSpec; seed: number; pending: Pending }[] = [];

  constructor(
    readonly size: number,
    private readonly perWorker = 2,
  ) {
    if (!Number.isInteger(size) || size <= 0) throw new RangeError(`DecodePool: size must be a positive integer, got ${size}`);
  }

  private spawn(): Slot {
    const worker = new Worker(imageWorkerScript());
    const slot: Slot = { worker, inFlight: new Map() };
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const p = slot.inFlight.get(reply.id);
      if (!p) return;
      slot.inFlight.delete(reply.id);
      if (reply.ok) p.resolve({ data: reply.data!, width: reply.width!, height: reply.height! });
      else p.reject(new Error(reply.message));
      this.pump();
    });
    const fail = (err: Error) => {
      for (const p of slot.inFlight.values()) p.reject(new Error(`image decode worker failed: ${err.message}`));
      slot.inFlight.clear();
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1); // replaced on demand by pump()
      this.pump();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed && slot.inFlight.size > 0) fail(new Error(`exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      while (this.slots.length < this.size) this.spawn();
      let best: Slot | undefined;
      for (const s of this.slots) if (s.inFlight.size < this.perWorker && (!best || s.inFlight.size < best.inFlight.size)) best = s;
      if (!best) break;
      const task = this.queue.shift()!;
      const id = this.nextId++;
      best.inFlight.set(id, task.pending);
      best.worker.postMessage({ id, file: task.file, spec: task.spec, seed: task.seed });
    }
    // Keep the process alive only while work is outstanding.
    for (const s of this.slots) {
      if (s.inFlight.size > 0) s.worker.ref();
      else s.worker.unref();
    }
  }

  /** Decodes one image in a worker (see `decodeImage`). */
  decode(file: string, spec: DecodeSpec, seed: number): Promise<DecodedImage> {
    if (this.closed) return Promise.reject(new Error('DecodePool: closed'));
    return new Promise<DecodedImage>((resolve, reject) => {
      this.queue.push({ file, spec, seed, pending: { resolve, reject } });
      this.pump();
    });
  }

  /** Terminates the workers; pending decodes are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.pending.reject(new Error('DecodePool: closed'));
    const slots = this.slots.splice(0);
    for (const s of slots) for (const p of s.inFlight.values()) p.reject(new Error('DecodePool: closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

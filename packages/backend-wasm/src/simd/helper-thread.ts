/**
 * The hand-off between the calling thread and one helper worker that runs our kernel module on
 * tfjs' shared memory. One control block of Int32 slots per helper; the caller writes a job's
 * function and arguments, bumps SEQ and wakes the worker; the worker runs it and sets DONE = SEQ.
 *
 * The worker takes a job only when SEQ has moved past the last one it ran. A wake-up alone is not a
 * job: the caller's wake-up can arrive late — when the worker, which had not yet gone back to
 * waiting, already saw the new SEQ, ran the job and went back to waiting — and a worker that then
 * ran "the job at SEQ" again would rerun a finished job behind the caller's back (accumulating
 * kernels add twice; others write into buffers the caller has since freed and reused). That was
 * the rare wrong number on 2 threads (issue 17, item 1); `helper-thread.test.ts` replays it.
 */
import { KERNEL_NAMES, MAX_KERNEL_ARGS } from './exports.js';
import { nodeImport } from '../threaded-module.js';

/** Control block slots. */
export const SEQ = 0; // bumped by the caller for each job
export const DONE = 1; // set by the worker to the job's SEQ when finished
const STATUS = 2; // 0 ok, 1 failed
const FUNCTION = 3; // index into KERNEL_NAMES
const ARGS = 4;
const COUNT = ARGS + MAX_KERNEL_ARGS; // how many arguments
const CONTROL_SLOTS = COUNT + 1;
const WORKER_TIMEOUT_MS = 120_000;

// A dynamic import, not require: Node may run an eval'd worker as CommonJS or as an ES module.
const workerSource = `
import('node:worker_threads').then(({ workerData, parentPort }) => {
  const { module, memory, control, names } = workerData;
  const c = new Int32Array(control);
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const fns = names.map((name) => exports[name]);
  parentPort.postMessage('ready');
  let seen = 0;
  for (;;) {
    let seq;
    while ((seq = Atomics.load(c, ${SEQ})) === seen) Atomics.wait(c, ${SEQ}, seen);
    seen = seq;
    try {
      const args = [];
      for (let i = 0, n = Atomics.load(c, ${COUNT}); i < n; i++) args.push(Atomics.load(c, ${ARGS} + i));
      fns[Atomics.load(c, ${FUNCTION})](...args);
      Atomics.store(c, ${STATUS}, 0);
    } catch (error) {
      Atomics.store(c, ${STATUS}, 1);
    }
    Atomics.store(c, ${DONE}, seen);
    Atomics.notify(c, ${DONE});
  }
});
`;

export interface Helper {
  /** The control block (shared with the worker). */
  readonly control: Int32Array;
  /** SEQ of the last job posted. */
  seq: number;
}

/** Starts a worker that runs `module` on `memory`; resolves once it can take jobs. Node only. */
export async function startHelper(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<Helper> {
  const { Worker } = await nodeImport<typeof import('node:worker_threads')>('node:worker_threads');
  const control = new SharedArrayBuffer(4 * CONTROL_SLOTS);
  const worker = new Worker(workerSource, { eval: true, workerData: { module, memory, control, names: KERNEL_NAMES } });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`a wasm kernel worker exited with code ${code}`)));
  });
  worker.removeAllListeners();
  worker.unref(); // never keeps Node alive
  process.once('exit', () => void worker.terminate());
  return { control: new Int32Array(control), seq: 0 };
}

/** Posts kernel `fn` (an index into KERNEL_NAMES) with positional `args` and wakes the worker. */
export function postJob(helper: Helper, fn: number, args: readonly number[]): void {
  const c = helper.control;
  for (let i = 0; i < args.length; i++) Atomics.store(c, ARGS + i, args[i]);
  Atomics.store(c, COUNT, args.length);
  Atomics.store(c, FUNCTION, fn);
  helper.seq++;
  Atomics.store(c, SEQ, helper.seq);
  Atomics.notify(c, SEQ);
}

/** Blocks until the worker finished the last job posted; throws if it failed or hung. */
export function awaitJob(helper: Helper, name: string): void {
  const c = helper.control;
  for (;;) {
    const done = Atomics.load(c, DONE);
    if (done === helper.seq) break;
    if (Atomics.wait(c, DONE, done, WORKER_TIMEOUT_MS) === 'timed-out') {
      throw new Error(`@cnn/backend-wasm: a wasm kernel worker did not finish ${name} within ${WORKER_TIMEOUT_MS / 1000} s`);
    }
  }
  if (Atomics.load(c, STATUS) !== 0) throw new Error(`@cnn/backend-wasm: the wasm kernel ${name} failed in a worker`);
}

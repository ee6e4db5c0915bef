/**
 * Multithreaded wasm in Node.
 *
 * tfjs-backend-wasm 4.22 turns threads off under Node (its `WASM_HAS_MULTITHREAD_SUPPORT` flag is
 * hard-wired to false there, and its pthread worker is a `blob:` URL Node cannot load), so
 * `setThreadsCount` has no effect. We load the threaded-SIMD Emscripten module ourselves:
 *
 * - the pthread worker script (shipped as a string) is written to a real file in the OS temp dir
 *   (atomically, named by a hash of its content) and handed to Emscripten via `locateFile`;
 * - the module's C++ side caps threads at `os.cpus().length / 2` (computed once, when the module
 *   starts), which is 1 on a 2-vCPU machine: while the module starts we let `os.cpus()` report
 *   twice the threads asked for;
 * - the backend is re-registered under the name `wasm` with that module (the kernels are
 *   registered per backend name, so all of them, ours included, apply);
 * - the pthread workers are `unref()`'d so they never keep Node alive, and terminated at exit.
 */
import * as tf from '@tensorflow/tfjs-core';

/** What the threaded module needs from tfjs-backend-wasm's Node entry. */
interface WasmPackage {
  BackendWasm: new (module: unknown) => tf.KernelBackend;
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  PThread?: { runningWorkers: { unref(): void }[]; terminateAllThreads(): void };
  tfjs?: Record<string, unknown>;
}

export interface ThreadedLoad {
  threads: number;
}

/**
 * Imports a Node built-in through a non-literal specifier, so that bundlers targeting browsers
 * do not try to resolve it (this code only runs in Node).
 */
export function nodeImport<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}

/** True in Node (not in a browser or a bundle targeting one). */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** True when env `name` is "0" in Node (our switches for measurements and fallbacks). */
export function switchedOff(name: string): boolean {
  return isNode() && process.env[name] === '0';
}

/**
 * Loads the threaded-SIMD module with `threads` XNNPACK threads and registers it as the `wasm`
 * backend (not yet initialised). Throws with the reason when that is not possible.
 */
export async function registerThreadedWasm(threads: number, wasmPackage: WasmPackage): Promise<ThreadedLoad> {
  if (!isNode()) throw new Error('threaded wasm loading is implemented for Node only');
  if (typeof SharedArrayBuffer === 'undefined') throw new Error('SharedArrayBuffer is not available');
  // Not tf.findBackend: that would start tfjs' own wasm module as a side effect.
  const started = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry;
  if (started.wasm != null) throw new Error('the wasm backend was already started without threads');
  const [{ createRequire }, fs, path, osModule, crypto] = await Promise.all([
    nodeImport<typeof import('node:module')>('node:module'),
    nodeImport<typeof import('node:fs')>('node:fs'),
    nodeImport<typeof import('node:path')>('node:path'),
    nodeImport<typeof import('node:os')>('node:os'),
    nodeImport<typeof import('node:crypto')>('node:crypto'),
  ]);
  const require = createRequire(import.meta.url);
  const pkgDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const outDir = path.join(pkgDir, 'wasm-out');
  const factoryFile = path.join(outDir, 'tfjs-backend-wasm-threaded-simd.js');
  const factory = require(factoryFile) as (config: object) => Promise<EmscriptenModule>;
  const { wasmWorkerContents } = require(path.join(outDir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // As tfjs does before making its blob: keep the "\n" escapes inside the script's strings.
  const workerSource = wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = crypto.createHash('sha256').update(workerSource).digest('hex').slice(0, 16);
  const workerFile = path.join(osModule.tmpdir(), `cnn-backend-tfjs-wasm-worker-${hash}.cjs`);
  if (!fs.existsSync(workerFile)) {
    const temp = `${workerFile}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(temp, workerSource);
    fs.renameSync(temp, workerFile);
  }

  // The module reads the core count through require('os') when it starts: the same object.
  const os = require('os') as typeof import('node:os');
  const realCpus = os.cpus;
  os.cpus = () => {
    const cpus = realCpus.call(os);
    const want = 2 * threads;
    return cpus.length >= want ? cpus : Array.from({ length: want }, (_, i) => cpus[i % cpus.length]);
  };
  let module: EmscriptenModule;
  try {
    module = await factory({
      // Our own memory object, so that our SIMD kernels (simd/) can import it too; the size
      // limits are the module's own (16 MiB initial, 4 GiB maximum).
      wasmMemory: new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true }),
      locateFile: (file: string) => (file.endsWith('.worker.js') ? workerFile : path.join(outDir, file)),
      mainScriptUrlOrBlob: factoryFile,
    });
  } finally {
    os.cpus = realCpus;
  }
  // The bridge tfjs-backend-wasm sets up on its own module (see its `init()`).
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  const pthreads = module.PThread;
  process.once('exit', () => pthreads?.terminateAllThreads());

  wasmPackage.setThreadsCount(threads);
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    () => {
      const backend = new wasmPackage.BackendWasm(module);
      // XNNPACK's pool threads now exist; they must not keep the process alive.
      for (const worker of pthreads?.runningWorkers ?? []) worker.unref();
      return backend;
    },
    2,
  );
  return { threads };
}

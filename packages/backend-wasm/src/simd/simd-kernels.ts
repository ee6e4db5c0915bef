/**
 * Our WebAssembly SIMD kernels (csrc/*.c), running inside tfjs-backend-wasm's own memory: they
 * read and write tensors where tfjs keeps them (no copies), and in Node `threads − 1` helper
 * workers run the same module on the same (shared) memory, each taking a slice of the work.
 *
 * The module comes in two variants (see scripts/build-simd-kernels.sh): for tfjs' threaded module
 * (shared memory; the one @cnn/backend loads in Node) and for its single-threaded one (browsers,
 * `wasmThreads: 1`, or a wasm backend the user started). Where neither fits, or WebAssembly SIMD
 * is missing, or `CNN_WASM_SIMD_KERNELS=0`, the kernels that use these fall back to tfjs/XNNPACK.
 */
import { isNode, switchedOff } from '../threaded-module.js';
import { privateMemoryRelaxedWasm, privateMemoryWasm, sharedMemoryRelaxedWasm, sharedMemoryWasm } from './kernels-wasm.js';
import { KERNEL_NAMES, positional, type KernelArgs, type KernelExports, type KernelName } from './exports.js';
import { awaitJob, postJob, startHelper, type Helper } from './helper-thread.js';

export type { KernelArgs, KernelExports, KernelName } from './exports.js';

export class SimdKernels {
  private constructor(
    readonly memory: WebAssembly.Memory,
    readonly exports: KernelExports,
    private readonly helpers: Helper[],
    /** Whether the relaxed-SIMD variant runs (fused multiply-add in every inner product). */
    readonly relaxed: boolean,
  ) {}

  /** Threads the kernels run on (the calling thread included). */
  get threads(): number {
    return 1 + this.helpers.length;
  }

  /** Instantiates the module on `memory` with `threads − 1` helper workers (Node only). */
  static async create(memory: WebAssembly.Memory, threads: number): Promise<SimdKernels | null> {
    const compiled = await compileFor(memory);
    if (compiled == null) return null;
    const { module, relaxed } = compiled;
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    const helpers: Helper[] = [];
    if (threads > 1 && isNode() && memory.buffer instanceof SharedArrayBuffer) {
      for (let i = 1; i < threads; i++) helpers.push(await startHelper(module, memory));
    }
    return new SimdKernels(memory, exports, helpers, relaxed);
  }

  /**
   * Threads for `items` units (images, rows, tiles, values) of `work` in all: at most one per
   * item and one per `minWorkPerThread` of work (waking a helper costs ≈ 10–60 µs).
   */
  threadsFor(items: number, work: number, minWorkPerThread: number): number {
    return Math.max(1, Math.min(this.threads, items, Math.floor(work / minWorkPerThread)));
  }

  /**
   * Runs `name` on `parts` slices of the work at once (slice 0 on this thread, the others on the
   * helpers), with the arguments `args(part)` gives each; returns when all are done.
   */
  parallel<K extends KernelName>(name: K, parts: number, args: (part: number) => KernelArgs<K>): void {
    const n = Math.max(1, Math.min(parts, this.threads));
    const fn = KERNEL_NAMES.indexOf(name);
    for (let t = 1; t < n; t++) postJob(this.helpers[t - 1], fn, positional(name, args(t)));
    try {
      this.exports[name](...positional(name, args(0)));
    } finally {
      // Even when this thread's part failed: never return while a helper still writes.
      for (let t = 1; t < n; t++) awaitJob(this.helpers[t - 1], name);
    }
  }
}

/**
 * Where slice `t` of `parts` even slices of `total` starts (`t = parts` gives `total`), on
 * multiples of `align`.
 */
export function sliceStart(total: number, parts: number, align = 1): (t: number) => number {
  return (t) => (t === parts ? total : align * Math.round((total * t) / parts / align));
}

/**
 * Compiles the variant that can import `memory`: with relaxed SIMD where the engine has it (Node ≥ 22,
 * Chrome ≥ 114; Node 20 with --experimental-wasm-relaxed-simd) unless `CNN_WASM_RELAXED_SIMD=0`,
 * else plain SIMD; null without WebAssembly SIMD.
 */
async function compileFor(memory: WebAssembly.Memory): Promise<{ module: WebAssembly.Module; relaxed: boolean } | null> {
  const plain = memory.buffer instanceof ArrayBuffer;
  if (!switchedOff('CNN_WASM_RELAXED_SIMD')) {
    const bytes = decodeBase64(plain ? privateMemoryRelaxedWasm : sharedMemoryRelaxedWasm);
    if (WebAssembly.validate(bytes)) return { module: await WebAssembly.compile(bytes), relaxed: true };
  }
  const bytes = decodeBase64(plain ? privateMemoryWasm : sharedMemoryWasm);
  if (!WebAssembly.validate(bytes)) return null;
  return { module: await WebAssembly.compile(bytes), relaxed: false };
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(text, 'base64'));
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

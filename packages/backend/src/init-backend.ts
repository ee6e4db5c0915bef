import * as tf from '@tensorflow/tfjs-core';
import { ensureGradients } from './gradients.js';

/** The backends this project can run on, fastest first. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

export interface BackendChoice {
  /** What was asked for (after reading `CNN_BACKEND` when the argument was omitted or 'auto'). */
  requested: BackendPreference;
  /** Which backend is now active. */
  backend: BackendName;
  /** tfjs' own name of the active backend (`tensorflow` for both tfjs-node flavours). */
  tfjsBackend: string;
  /** Why this one: e.g. "@tensorflow/tfjs-node not installed; using wasm". */
  reason: string;
}

const BACKEND_ORDER: BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

const INSTALL_HINT: Record<BackendName, string> = {
  'tensorflow-gpu': 'npm install @tensorflow/tfjs-node-gpu@4.22.0 (needs CUDA; its install downloads libtensorflow)',
  tensorflow: 'npm install @tensorflow/tfjs-node@4.22.0 (its install downloads libtensorflow)',
  wasm: 'npm install @tensorflow/tfjs-backend-wasm@4.22.0',
  cpu: 'npm install @tensorflow/tfjs-backend-cpu@4.22.0',
};

function isBackendPreference(v: string): v is BackendPreference {
  return v === 'auto' || (BACKEND_ORDER as string[]).includes(v);
}

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * wasm only: XNNPACK threads (1–8). Default: env `CNN_WASM_THREADS`, else the number of logical
   * CPUs. Only the first start of wasm in a process counts.
   */
  wasmThreads?: number;
}

/** Loads a backend's package and registers it with tfjs; throws when it is not installed. */
async function load(name: BackendName, options: InitBackendOptions): Promise<string> {
  switch (name) {
    case 'tensorflow-gpu':
      await import('@tensorflow/tfjs-node-gpu' as string);
      return 'tensorflow';
    case 'tensorflow':
      await import('@tensorflow/tfjs-node' as string);
      return 'tensorflow';
    case 'wasm': {
      const { setupWasm } = await import('./wasm/setup-wasm.js');
      await setupWasm({ threads: options.wasmThreads });
      return 'wasm';
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return 'cpu';
  }
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

/**
 * Starts the best TF.js backend that is installed, or the one asked for.
 *
 * Order for `'auto'`: `@tensorflow/tfjs-node-gpu` → `@tensorflow/tfjs-node` (both optional peers,
 * loaded with a dynamic import only when present) → `wasm` → `cpu`. With no argument (or 'auto') the
 * environment variable `CNN_BACKEND` may name one. An explicit choice that cannot be started fails
 * with an error that says how to install it. Also registers the gradients and, on `wasm`, the
 * kernels tfjs lacks for training.
 */
export async function initBackend(preference?: BackendPreference, options: InitBackendOptions = {}): Promise<BackendChoice> {
  let requested: BackendPreference = preference ?? 'auto';
  const fromEnv = typeof process !== 'undefined' ? process.env?.CNN_BACKEND : undefined;
  if (requested === 'auto' && fromEnv) {
    if (!isBackendPreference(fromEnv)) {
      throw new Error(`CNN_BACKEND="${fromEnv}" is not a backend; use one of auto, ${BACKEND_ORDER.join(', ')}`);
    }
    requested = fromEnv;
  }
  if (!isBackendPreference(requested)) {
    throw new Error(`initBackend: unknown backend "${String(requested)}"; use one of auto, ${BACKEND_ORDER.join(', ')}`);
  }
  ensureGradients();

  const candidates = requested === 'auto' ? BACKEND_ORDER : [requested];
  const skipped: string[] = [];
  for (const name of candidates) {
    try {
      const tfjsName = await load(name, options);
      const ok = await tf.setBackend(tfjsName);
      if (!ok) throw new Error(`tf.setBackend('${tfjsName}') returned false`);
      await tf.ready();
      const reason =
        requested === 'auto'
          ? skipped.length
            ? `${skipped.join('; ')}; using ${name}`
            : `${name} is the fastest backend installed`
          : `${name} was requested${preference ? '' : ' by CNN_BACKEND'}`;
      return { requested, backend: name, tfjsBackend: tf.getBackend(), reason };
    } catch (error) {
      if (requested !== 'auto') {
        throw new Error(`Backend "${name}" could not be started: ${describe(error)}. Install it with: ${INSTALL_HINT[name]}`);
      }
      skipped.push(`${name} unavailable (${describe(error)})`);
    }
  }
  throw new Error(`No TF.js backend could be started: ${skipped.join('; ')}`);
}

import * as tf from '@tensorflow/tfjs-core';
import { ensureGradients } from '@cnn/core/gradients';
import { installReluGradient } from './relu-grad.js';
import { BACKEND_ORDER, INSTALL_HINT, firstLine, isBackendPreference, loadBackend } from './backend-loader.js';

import type { BackendName, BackendPreference } from './backend-loader.js';

export type { BackendName, BackendPreference } from './backend-loader.js';

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * wasm only: XNNPACK threads (1–8). Default: env `CNN_WASM_THREADS`, else the number of logical
   * CPUs. Only the first start of wasm in a process counts.
   */
  wasmThreads?: number;
}

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
      const tfjsName = await loadBackend(name, { wasmThreads: options.wasmThreads });
      const ok = await tf.setBackend(tfjsName);
      if (!ok) throw new Error(`tf.setBackend('${tfjsName}') returned false`);
      await tf.ready();
      if (tfjsName === 'tensorflow' || tfjsName === 'wasm') installReluGradient();
      if (tfjsName === 'wasm') {
        const { startSimdKernels } = await import('@cnn/backend-wasm/setup');
        await startSimdKernels(tf.backend() as never);
      }
      const reason =
        requested === 'auto'
          ? skipped.length
            ? `${skipped.join('; ')}; using ${name}`
            : `${name} is the fastest backend installed`
          : `${name} was requested${preference ? '' : ' by CNN_BACKEND'}`;
      return { requested, backend: name, tfjsBackend: tf.getBackend(), reason };
    } catch (error) {
      // A bad option (e.g. wasmThreads: 0, CNN_WASM_THREADS=abc) is the caller's mistake, not a missing
      // package: report it as it is, and never fall back to a slower backend because of it.
      if (error instanceof RangeError) throw error;
      if (requested !== 'auto') {
        throw new Error(`Backend "${name}" could not be started: ${firstLine(error)}. Install it with: ${INSTALL_HINT[name]}`);
      }
      skipped.push(`${name} unavailable (${firstLine(error)})`);
    }
  }
  throw new Error(`No TF.js backend could be started: ${skipped.join('; ')}`);
}

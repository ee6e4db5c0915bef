import * as tf from '@tensorflow/tfjs-core';
import { ensureGradients } from '@cnn/core/gradients';
import { installReluGradient } from './relu-grad.js';
import { BACKEND_NAMES, backendOrder, isBackendPreference, whyNot } from './backend-loader.js';
import { startBackend } from './start-backend.js';

import type { BackendName, BackendPreference } from './backend-loader.js';

export type { BackendName, BackendPreference } from './backend-loader.js';

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * wasm only: XNNPACK threads (1–8). Default: env `CNN_WASM_THREADS`, else the number of logical
   * CPUs (`navigator.hardwareConcurrency` in browsers). Only the first start of wasm in a process
   * (page) counts. In browsers more than 1 needs a cross-origin-isolated page (COOP/COEP headers,
   * `crossOriginIsolated === true`); elsewhere tfjs runs 1 thread and `backendInfo()` says why.
   */
  wasmThreads?: number;
  /**
   * tensorflow / tensorflow-gpu (Node): hide libtensorflow's INFO lines printed while it loads (which
   * CPU instructions it uses, ...) by setting `TF_CPP_MIN_LOG_LEVEL=1` for the load, unless that
   * variable is set already; warnings and errors still show. Default true; `false` shows them. Only
   * the first load in a process counts. TensorFlow builds that log through absl (2.16 and later)
   * print two lines before any setting is read (absl's "All log messages before
   * absl::InitializeLog()" warning and the oneDNN notice): no option hides those in-process.
   */
  quiet?: boolean;
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
 * Order for `'auto'` in Node: `@tensorflow/tfjs-node-gpu` → `@tensorflow/tfjs-node` (both optional
 * peers, loaded with a dynamic import only when present) → `wasm` → `cpu`. In browsers: `webgpu` →
 * `webgl` (optional peers `@tensorflow/tfjs-backend-webgpu` / `-webgl`, imported only when tried) →
 * `wasm` → `cpu`. With no argument (or 'auto') the environment variable `CNN_BACKEND` may name one
 * (Node). An explicit choice that cannot be started fails with an error that says why, and how to
 * install it when its package is missing. Also registers the gradients and, on `wasm`, the
 * kernels tfjs lacks for training.
 */
export async function initBackend(preference?: BackendPreference, options: InitBackendOptions = {}): Promise<BackendChoice> {
  let requested: BackendPreference = preference ?? 'auto';
  const fromEnv = typeof process !== 'undefined' ? process.env?.CNN_BACKEND : undefined;
  if (requested === 'auto' && fromEnv) {
    if (!isBackendPreference(fromEnv)) {
      throw new Error(`CNN_BACKEND="${fromEnv}" is not a backend; use one of auto, ${BACKEND_NAMES.join(', ')}`);
    }
    requested = fromEnv;
  }
  if (!isBackendPreference(requested)) {
    throw new Error(`initBackend: unknown backend "${String(requested)}"; use one of auto, ${BACKEND_NAMES.join(', ')}`);
  }
  ensureGradients();

  const candidates = requested === 'auto' ? backendOrder() : [requested];
  const skipped: string[] = [];
  for (const name of candidates) {
    try {
      const tfjsName = await startBackend(name, { wasmThreads: options.wasmThreads, quiet: options.quiet });
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
        const { reason, installHint } = whyNot(name, error);
        throw new Error(`Backend "${name}" could not be started: ${reason}${installHint ? `. Install it with: ${installHint}` : ''}`);
      }
      skipped.push(`${name} unavailable (${whyNot(name, error).reason})`);
    }
  }
  throw new Error(`No TF.js backend could be started: ${skipped.join('; ')}`);
}

import * as tf from '@tensorflow/tfjs-core';
import { backendOrder, whyNot, type BackendName } from './backend-loader.js';
import { startBackend } from './start-backend.js';

export interface BackendAvailability {
  name: BackendName;
  /** True when the backend started here. */
  available: boolean;
  /** Why not (with how to install it when its package is missing), or what it is when available. */
  reason: string;
}

/**
 * Which backends can start in this process (or page), in `initBackend('auto')` order, each with
 * the reason when it cannot — for tests that loop over backends and skip with a message, and for
 * tools that list choices. Starts each installed backend once (tfjs caches started backends; wasm
 * starts with its default threads) and switches back to the backend that was active, if any —
 * otherwise call {@link initBackend} afterwards to choose one. Creates no tensors.
 */
export async function availableBackends(): Promise<BackendAvailability[]> {
  const engine = tf.engine() as unknown as { backendName: string | null };
  const previous = engine.backendName ?? null;
  const result: BackendAvailability[] = [];
  for (const name of backendOrder()) {
    try {
      await startBackend(name);
      result.push({ name, available: true, reason: describeAvailable(name) });
    } catch (error) {
      // A bad option (CNN_WASM_THREADS=abc) is no missing package: no install hint for it.
      const { reason, installHint } = error instanceof RangeError ? { reason: error.message, installHint: null } : whyNot(name, error);
      result.push({ name, available: false, reason: installHint ? `${reason} — install with: ${installHint}` : reason });
    }
  }
  if (previous != null) await tf.setBackend(previous);
  return result;
}

const DESCRIPTIONS: Record<BackendName, string> = {
  'tensorflow-gpu': '',
  tensorflow: '',
  webgpu: 'tfjs-backend-webgpu (GPU compute shaders)',
  webgl: 'tfjs-backend-webgl (GPU through WebGL fragment shaders, float32)',
  wasm: 'tfjs-backend-wasm (XNNPACK)',
  cpu: 'tfjs-backend-cpu (plain JavaScript, slow)',
};

function describeAvailable(name: BackendName): string {
  if (name === 'tensorflow' || name === 'tensorflow-gpu') {
    const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
    return `libtensorflow ${binding?.TF_Version ?? '(version unknown)'}`;
  }
  return DESCRIPTIONS[name];
}

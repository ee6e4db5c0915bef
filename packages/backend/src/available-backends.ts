import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_ORDER, INSTALL_HINT, firstLine, loadBackend, type BackendName } from './backend-loader.js';

export interface BackendAvailability {
  name: BackendName;
  /** True when the backend started here. */
  available: boolean;
  /** Why not (with how to install it), or what it is when available. */
  reason: string;
}

/**
 * Which backends can start in this process, in `initBackend('auto')` order, each with the reason
 * when it cannot — for tests that loop over backends and skip with a message, and for tools that
 * list choices. Starts each installed backend once (tfjs caches started backends; wasm starts
 * with its default threads) and switches back to the backend that was active, if any — otherwise
 * call {@link initBackend} afterwards to choose one. Creates no tensors.
 */
export async function availableBackends(): Promise<BackendAvailability[]> {
  const engine = tf.engine() as unknown as { backendName: string | null };
  const previous = engine.backendName ?? null;
  const result: BackendAvailability[] = [];
  for (const name of BACKEND_ORDER) {
    try {
      const tfjsName = await loadBackend(name);
      const ok = await tf.setBackend(tfjsName);
      if (!ok) throw new Error(`tfjs could not initialise backend '${tfjsName}'`);
      result.push({ name, available: true, reason: describeAvailable(name) });
    } catch (error) {
      result.push({ name, available: false, reason: `${firstLine(error)} — install with: ${INSTALL_HINT[name]}` });
    }
  }
  if (previous != null) await tf.setBackend(previous);
  return result;
}

function describeAvailable(name: BackendName): string {
  if (name === 'tensorflow' || name === 'tensorflow-gpu') {
    const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
    return `libtensorflow ${binding?.TF_Version ?? '(version unknown)'}`;
  }
  return name === 'wasm' ? 'tfjs-backend-wasm (XNNPACK)' : 'tfjs-backend-cpu (plain JavaScript, slow)';
}

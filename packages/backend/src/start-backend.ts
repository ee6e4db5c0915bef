import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, loadBackend, type BackendName, type LoadBackendOptions } from './backend-loader.js';
import { webglProblem, webgpuProblem } from './browser-checks.js';
import { isNode } from './environment.js';
import { missingWasmFile, withCoresForThreads } from './wasm-in-browser.js';

/**
 * Loads backend `name` and makes it tfjs' active backend; returns tfjs' name for it. Throws a
 * {@link BackendUnavailableError} saying why when it cannot start (and a RangeError for bad
 * options, as they are).
 */
export async function startBackend(name: BackendName, options: LoadBackendOptions = {}): Promise<string> {
  if ((name === 'tensorflow' || name === 'tensorflow-gpu') && !isNode()) {
    throw new BackendUnavailableError(`@tensorflow/tfjs-node${name === 'tensorflow-gpu' ? '-gpu' : ''} runs only in Node (a native addon)`, null);
  }
  const tfjsName = await loadBackend(name, options);
  const problem = name === 'webgpu' ? await webgpuProblem() : name === 'webgl' ? webglProblem() : null;
  if (problem != null) throw new BackendUnavailableError(problem, null);
  const ok = name === 'wasm' && !isNode() ? await startWasmInBrowser() : await tf.setBackend(tfjsName);
  if (!ok) throw new BackendUnavailableError(`tfjs could not initialise backend '${tfjsName}' (see its warning in the console)`, null);
  await tf.ready();
  return tfjsName;
}

async function startWasmInBrowser(): Promise<boolean> {
  const { wasmState } = await import('@cnn/backend-wasm');
  const ok = await withCoresForThreads(wasmState.current?.threads ?? 1, () => tf.setBackend('wasm'));
  if (ok) return true;
  const missing = await missingWasmFile();
  if (missing == null) return false;
  throw new BackendUnavailableError(
    `the wasm backend could not load ${missing}: serve the .wasm files of @tensorflow/tfjs-backend-wasm (dist/*.wasm) and point setWasmPaths() at them`,
    null,
  );
}

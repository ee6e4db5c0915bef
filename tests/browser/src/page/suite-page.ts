/**
 * The test page's script (bundled by esbuild): puts `window.cnnSuite` up for the test process,
 * which drives it through puppeteer. Every call reports errors as values, with their message.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { availableBackends, backendInfo, initBackend, type BackendPreference } from '@cnn/backend';
import { calibrationOf, runWorkload, type WorkloadOptions } from '../workload.js';
import { runTrainingWorkload, type TrainingRequest } from '../training.js';

export interface StartRequest {
  backend: BackendPreference;
  wasmThreads?: number;
  /** Where the page looks for tfjs-backend-wasm's .wasm files (default /wasm/). */
  wasmPath?: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

async function outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

const suite = {
  start: (request: StartRequest) =>
    outcome(async () => {
      setWasmPaths(request.wasmPath ?? '/wasm/');
      const choice = await initBackend(request.backend, { wasmThreads: request.wasmThreads });
      return { choice, info: backendInfo(), crossOriginIsolated: globalThis.crossOriginIsolated };
    }),
  available: () =>
    outcome(async () => {
      setWasmPaths('/wasm/');
      return availableBackends();
    }),
  /** Whether WebGPU would have an adapter here, asked directly (not through @cnn/backend). */
  gpuAdapter: () =>
    outcome(async () => {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      return gpu == null ? 'navigator.gpu is undefined' : (await gpu.requestAdapter()) == null ? 'requestAdapter() returned null' : null;
    }),
  workload: (options: WorkloadOptions = {}) => outcome(() => runWorkload(options)),
  /** `train` of @cnn/train (root entry) with a MemoryCheckpointSink: whole, stopped, resumed. */
  training: (request: TrainingRequest) => outcome(() => runTrainingWorkload(request)),
  /** @cnn/calibration on given logits (no tfjs involved). */
  calibrate: (logits: number[], labels: number[]) => outcome(async () => calibrationOf(logits, labels)),
  tensors: () => tf.memory().numTensors,
};

declare global {
  interface Window {
    cnnSuite: typeof suite;
  }
}
window.cnnSuite = suite;
export type Suite = typeof suite;

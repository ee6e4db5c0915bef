import * as tf from '@tensorflow/tfjs-core';
import { isNode } from './environment.js';
import { withQuietTensorflowLog } from './tensorflow-log-level.js';

/** The backends this project can run on. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

/** The order `initBackend('auto')` tries in Node, fastest first. */
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** The order `initBackend('auto')` tries in browsers (and web workers), fastest first. */
export const BROWSER_BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Every name `initBackend` accepts (each can be asked for by name anywhere; some only start in browsers). */
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'];

/** The `'auto'` order of this environment. */
export function backendOrder(): readonly BackendName[] {
  return isNode() ? BACKEND_ORDER : BROWSER_BACKEND_ORDER;
}

export const INSTALL_HINT: Record<BackendName, string> = {
  'tensorflow-gpu': 'npm install @tensorflow/tfjs-node-gpu@4.22.0 (needs CUDA; its install downloads libtensorflow)',
  tensorflow: 'npm install @tensorflow/tfjs-node@4.22.0 (its install downloads libtensorflow)',
  webgpu: 'npm install @tensorflow/tfjs-backend-webgpu@4.22.0',
  webgl: 'npm install @tensorflow/tfjs-backend-webgl@4.22.0',
  wasm: 'npm install @tensorflow/tfjs-backend-wasm@4.22.0',
  cpu: 'npm install @tensorflow/tfjs-backend-cpu@4.22.0',
};

export function isBackendPreference(v: string): v is BackendPreference {
  return v === 'auto' || (BACKEND_NAMES as readonly string[]).includes(v);
}

/**
 * A backend that cannot start here. `installHint` is set when its package could not be loaded
 * (then installing it may help); not when the package loaded and the backend still failed (no
 * WebGL, a `.wasm` file not served, …): installing again would not help there.
 */
export class BackendUnavailableError extends Error {
  constructor(
    message: string,
    readonly installHint: string | null,
  ) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

/**
 * Imports an optional peer through a non-literal specifier: bundlers must not try to resolve (or
 * bundle) the native tfjs-node packages, which may well be absent.
 */
function optionalImport(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
}

/** Runs a package import; a failure means "not installed (or cannot load)": with the install hint. */
async function importPackage(name: BackendName, load: () => Promise<unknown>): Promise<void> {
  try {
    await load();
  } catch (error) {
    throw new BackendUnavailableError(firstLine(error), INSTALL_HINT[name]);
  }
}

/**
 * The browser backends' packages. Literal specifiers, so that bundlers include them (as chunks
 * loaded only when tried); `.catch` right on the `import()` lets esbuild bundle an app that did not
 * install them (the import then fails at run time, with the install hint). An app that imported
 * the package itself has the backend registered already.
 */
async function importBrowserBackend(name: 'webgl' | 'webgpu'): Promise<void> {
  if (tf.findBackendFactory(name) != null) return;
  const missing = (error: unknown) => {
    throw new BackendUnavailableError(firstLine(error), INSTALL_HINT[name]);
  };
  if (name === 'webgl') await import('@tensorflow/tfjs-backend-webgl').catch(missing);
  else await import('@tensorflow/tfjs-backend-webgpu').catch(missing);
}

/** Options of {@link loadBackend} (see `InitBackendOptions`). */
export interface LoadBackendOptions {
  wasmThreads?: number;
  /** tensorflow(-gpu): hide libtensorflow's INFO start-up lines (default true). */
  quiet?: boolean;
}

/**
 * Loads a backend's package and registers it with tfjs (does not switch to it); throws a
 * {@link BackendUnavailableError} when it is not installed or its native part cannot load.
 * Returns tfjs' name for it.
 */
export async function loadBackend(name: BackendName, options: LoadBackendOptions = {}): Promise<string> {
  const quiet = options.quiet ?? true;
  switch (name) {
    case 'tensorflow-gpu':
      await importPackage(name, () => withQuietTensorflowLog(quiet, () => optionalImport('@tensorflow/tfjs-node-gpu')));
      return 'tensorflow';
    case 'tensorflow':
      await importPackage(name, () => withQuietTensorflowLog(quiet, () => optionalImport('@tensorflow/tfjs-node')));
      return 'tensorflow';
    case 'webgpu':
    case 'webgl':
      await importBrowserBackend(name);
      return name;
    case 'wasm': {
      // @cnn/backend-wasm depends on tfjs-backend-wasm: nothing optional to import here.
      const { setupWasm } = await import('@cnn/backend-wasm/setup');
      await setupWasm({ threads: options.wasmThreads });
      return 'wasm';
    }
    case 'cpu':
      await importPackage(name, () => import('@tensorflow/tfjs-backend-cpu'));
      return 'cpu';
    default:
      throw new Error(`unknown backend "${String(name)}"; use one of ${BACKEND_NAMES.join(', ')}`);
  }
}

/** The first line of an error's message (native-addon errors run to many lines). */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === 'object' && error != null && 'message' in error ? String(error.message) : String(error);
  return message.split('\n')[0];
}

/** Why backend `name` failed to start, and how to install it when its package is what is missing. */
export function whyNot(name: BackendName, error: unknown): { reason: string; installHint: string | null } {
  if (error instanceof BackendUnavailableError) return { reason: error.message, installHint: error.installHint };
  return { reason: firstLine(error), installHint: INSTALL_HINT[name] };
}

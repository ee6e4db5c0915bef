/** The backends this project can run on, fastest first. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

/** The order `initBackend('auto')` tries. */
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export const INSTALL_HINT: Record<BackendName, string> = {
  'tensorflow-gpu': 'npm install @tensorflow/tfjs-node-gpu@4.22.0 (needs CUDA; its install downloads libtensorflow)',
  tensorflow: 'npm install @tensorflow/tfjs-node@4.22.0 (its install downloads libtensorflow)',
  wasm: 'npm install @tensorflow/tfjs-backend-wasm@4.22.0',
  cpu: 'npm install @tensorflow/tfjs-backend-cpu@4.22.0',
};

export function isBackendPreference(v: string): v is BackendPreference {
  return v === 'auto' || (BACKEND_ORDER as readonly string[]).includes(v);
}

/**
 * Imports an optional peer through a non-literal specifier: bundlers must not try to resolve (or
 * bundle) the native tfjs-node packages, which may well be absent.
 */
function optionalImport(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
}

/**
 * Loads a backend's package and registers it with tfjs (does not switch to it); throws when it is
 * not installed or its native part cannot load. Returns tfjs' name for it.
 */
export async function loadBackend(name: BackendName, options: { wasmThreads?: number } = {}): Promise<string> {
  switch (name) {
    case 'tensorflow-gpu':
      await optionalImport('@tensorflow/tfjs-node-gpu');
      return 'tensorflow';
    case 'tensorflow':
      await optionalImport('@tensorflow/tfjs-node');
      return 'tensorflow';
    case 'wasm': {
      const { setupWasm } = await import('@cnn/backend-wasm/setup');
      await setupWasm({ threads: options.wasmThreads });
      return 'wasm';
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return 'cpu';
    default:
      throw new Error(`unknown backend "${String(name)}"; use one of ${BACKEND_ORDER.join(', ')}`);
  }
}

/** The first line of an error's message (native-addon errors run to many lines). */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** True when tfjs-node (`pkg`) can be loaded by `@cnn/backend`, which imports it. */
function resolvable(pkg: string): boolean {
  try {
    createRequire(require.resolve('@cnn/backend')).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `initBackend(backend)` may load tfjs-node (and with it libtensorflow, which prints its
 * start-up lines): asked for by name (also through CNN_BACKEND), or `auto` with tfjs-node installed.
 */
export function mayLoadTfjsNode(backend: string): boolean {
  const chosen = backend === 'auto' ? (process.env.CNN_BACKEND || 'auto') : backend;
  if (chosen !== 'auto') return chosen === 'tensorflow' || chosen === 'tensorflow-gpu';
  return resolvable('@tensorflow/tfjs-node') || resolvable('@tensorflow/tfjs-node-gpu');
}

import { isNode } from './environment.js';

/** The level set while tfjs-node loads: INFO hidden, warnings and errors shown. */
export const QUIET_TF_LOG_LEVEL = '1';

/**
 * Runs `load` (the import of tfjs-node) with `TF_CPP_MIN_LOG_LEVEL=1` when `quiet` and the variable
 * is unset, then unsets it again (libtensorflow reads it while it loads, so nothing later and no
 * child process sees the change). This hides TensorFlow's start-up INFO lines
 * (which CPU instructions it uses, ...) and keeps its warnings and errors. A value the user set is
 * left alone. Without effect in worker threads, whose `process.env` native code does not see.
 */
export async function withQuietTensorflowLog<T>(quiet: boolean, load: () => Promise<T>): Promise<T> {
  if (!quiet || !isNode() || process.env.TF_CPP_MIN_LOG_LEVEL !== undefined) return load();
  process.env.TF_CPP_MIN_LOG_LEVEL = QUIET_TF_LOG_LEVEL;
  try {
    return await load();
  } finally {
    delete process.env.TF_CPP_MIN_LOG_LEVEL;
  }
}

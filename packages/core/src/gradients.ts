import { getGradient, registerGradient } from '@tensorflow/tfjs-core';
import { gradientConfigs } from './generated/tfjs-core-gradients.js';

let registered = false;

/**
 * Registers tfjs-core's gradient functions (for every kernel that has one) if they are missing.
 *
 * tfjs-core's CommonJS entry — what Node loads — registers none: they are in its ESM-only
 * `register_all_gradients.js`, imported only by the `@tensorflow/tfjs` union bundle. Without them
 * `tf.grad` fails with "gradient function not found". Every function of ours that differentiates
 * calls this, so users never have to. Idempotent and cheap after the first call; gradients
 * already registered (e.g. by `@tensorflow/tfjs`) are left as they are.
 *
 * @returns the number of gradients this call registered.
 */
export function ensureGradients(): number {
  if (registered) return 0;
  let added = 0;
  for (const config of gradientConfigs) {
    if (getGradient(config.kernelName) == null) {
      registerGradient(config);
      added++;
    }
  }
  registered = true;
  return added;
}

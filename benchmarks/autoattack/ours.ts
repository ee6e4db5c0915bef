import * as tf from '@tensorflow/tfjs-core';
import { autoAttack } from '@cnn/attacks';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Classifier } from './small-cnn.js';

export interface OursRun {
  seconds: number;
  cleanAccuracy: number;
  robustAccuracy: number;
  /** Robust accuracy after each stage, e.g. "apgd-ce 17.2%". */
  stages: string[];
}

/** @cnn/attacks' standard AutoAttack on the whole batch, timed from call to result. */
export async function runOurs(classifier: Classifier, images: Tensor4D, labels: number[], eps: number, seed: number): Promise<OursRun> {
  const t0 = performance.now();
  let printed = '';
  const result = await autoAttack(classifier, images, labels, {
    norm: 'linf',
    eps,
    version: 'standard',
    seed,
    batchSize: images.shape[0],
    onProgress: (p) => {
      if (p.pending !== 0 || p.attack === printed) return;
      printed = p.attack;
      console.log(`    ours  | ${p.attack}: robust accuracy ${(100 * p.robustAccuracy).toFixed(2)}% (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  tf.dispose(result.adversarial);
  const stages = result.stages.map((s) => `${s.attack} ${(100 * s.robustAccuracy).toFixed(1)}% (${s.seconds.toFixed(0)} s)`);
  return { seconds, cleanAccuracy: result.cleanAccuracy, robustAccuracy: result.robustAccuracy, stages };
}

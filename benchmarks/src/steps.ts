/**
 * The three timed workloads, written the way a user of these libraries would write them:
 * a training step (forward, backward, SGD with momentum 0.9), inference (eval mode), and a
 * PGD-10 batch (L∞, ε = 8/255, step 2/255, random start; eval-mode model). Each step ends by
 * reading a scalar back, so the time includes all the work.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ArchSpec } from './arch.js';

export type Task = 'train' | 'infer' | 'pgd10';

export interface BenchModel {
  apply(x: tf.Tensor4D, opts: { training: boolean; foldBatchNorm?: boolean }): tf.Tensor2D;
  namedParameters(): [string, tf.Variable][];
}

export interface StepFns {
  step: () => void | Promise<void>;
  dispose: () => void;
  pgdImpl?: string;
}

const EPS = 8 / 255;
const ALPHA = 2 / 255;

function inputs(spec: ArchSpec, batch: number): { x: tf.Tensor4D; y: tf.Tensor1D; onehot: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomUniform([batch, spec.inputSize, spec.inputSize, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const y = tf.cast(tf.floor(tf.randomUniform([batch], 0, spec.numClasses, 'float32', 8)), 'int32') as tf.Tensor1D;
    return { x, y, onehot: tf.cast(tf.oneHot(y, spec.numClasses), 'float32') };
  }) as { x: tf.Tensor4D; y: tf.Tensor1D; onehot: tf.Tensor2D };
}

function crossEntropy(onehot: tf.Tensor2D, logits: tf.Tensor2D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar;
}

export async function stepFns(
  model: BenchModel,
  spec: ArchSpec,
  cfg: { batch: number; task: Task; pgdImpl?: 'cnn' | 'own'; foldBatchNorm?: boolean },
): Promise<StepFns> {
  const { ensureGradients } = await import('@cnn/backend');
  ensureGradients();
  const { x, y, onehot } = inputs(spec, cfg.batch);
  const disposeInputs = (): void => tf.dispose([x, y, onehot]);
  // Eval mode; foldBatchNorm only when asked (the ablation), so the default is the library's own.
  const evalOpts = cfg.foldBatchNorm === undefined ? { training: false } : { training: false, foldBatchNorm: cfg.foldBatchNorm };
  const classifier = (images: tf.Tensor4D): tf.Tensor2D => model.apply(images, evalOpts);

  if (cfg.task === 'infer') {
    return {
      step: () => {
        const out = tf.tidy(() => tf.sum(classifier(x)));
        out.dataSync();
        out.dispose();
      },
      dispose: disposeInputs,
    };
  }

  if (cfg.task === 'train') {
    const trainable = model.namedParameters().filter(([, v]) => v.trainable).map(([, v]) => v);
    const momenta: tf.Tensor[] = trainable.map((v) => tf.zerosLike(v));
    const lr = 0.01;
    return {
      step: () => {
        const loss = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => crossEntropy(onehot, model.apply(x, { training: true })), trainable);
          trainable.forEach((v, i) => {
            const m = tf.add(tf.mul(momenta[i], 0.9), grads[v.name]);
            momenta[i].dispose();
            momenta[i] = tf.keep(m);
            v.assign(tf.sub(v, tf.mul(m, lr)));
          });
          return value;
        });
        loss.dataSync();
        loss.dispose();
      },
      dispose: () => {
        tf.dispose(momenta);
        disposeInputs();
      },
    };
  }

  // PGD-10
  let pgdImpl = 'own loop';
  type LibPgd = (
    c: (i: tf.Tensor4D) => tf.Tensor2D,
    images: tf.Tensor4D,
    labels: tf.Tensor1D,
    o: Record<string, unknown>,
  ) => Promise<{ adversarial: tf.Tensor4D }>;
  let libPgd: LibPgd | undefined;
  if (cfg.pgdImpl !== 'own') {
    try {
      const attacks = (await import('@cnn/attacks' as string)) as { pgd?: LibPgd };
      if (typeof attacks.pgd === 'function') {
        libPgd = attacks.pgd;
        pgdImpl = '@cnn/attacks pgd';
      }
    } catch {
      /* not built: own loop */
    }
  }
  const ownPgd = (): tf.Tensor4D =>
    tf.tidy(() => {
      const lo = tf.clipByValue(tf.sub(x, EPS), 0, 1);
      const hi = tf.clipByValue(tf.add(x, EPS), 0, 1);
      let adv = tf.minimum(tf.maximum(tf.add(x, tf.randomUniform(x.shape, -EPS, EPS)), lo), hi) as tf.Tensor4D;
      const lossGrad = tf.grad((a: tf.Tensor) => crossEntropy(onehot, classifier(a as tf.Tensor4D)));
      for (let i = 0; i < 10; i++) {
        const g = lossGrad(adv);
        const next = tf.minimum(tf.maximum(tf.add(adv, tf.mul(tf.sign(g), ALPHA)), lo), hi) as tf.Tensor4D;
        tf.dispose([adv, g]);
        adv = next;
      }
      return adv;
    });
  const finish = (adv: tf.Tensor): void => {
    const s = tf.sum(adv);
    s.dataSync();
    tf.dispose([s, adv]);
  };
  return {
    pgdImpl,
    step: libPgd
      ? async () => {
          const r = await libPgd!(classifier, x, y, { eps: EPS, stepSize: ALPHA, steps: 10, randomStart: true, seed: 1, measureSuccess: false });
          finish(r.adversarial);
        }
      : () => finish(ownPgd()),
    dispose: disposeInputs,
  };
}

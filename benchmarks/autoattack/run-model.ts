import { join } from 'node:path';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, saveWeights, toClassifier } from '@cnn/models';
import { readCifar } from './cifar.js';
import { loadSmallCnn } from './small-cnn.js';
import { runOurs, type OursRun } from './ours.js';
import { runTorch, type TorchRun } from './torch-side.js';

export interface ModelRow {
  model: 'small' | 'resnet18';
  count: number;
  weights: string;
  ours: OursRun & { load: [number, number] };
  torch?: TorchRun & { load: [number, number] };
  torchError?: string;
  oursFirst: boolean;
}

export interface ModelJob {
  model: 'small' | 'resnet18';
  count: number;
  cifar: string;
  work: string;
  scriptDir: string;
  seed: number;
  threads: number;
  refDir?: string;
  oursFirst: boolean;
}

const EPS = 8 / 255;
const load1 = () => Number(loadavg()[0].toFixed(2));

/** Both sides on one model: the same weights file, the same first `count` test images. */
export async function runModel(job: ModelJob): Promise<ModelRow> {
  const { classifier, dispose, weights, description, labelsFrom } = await prepare(job);
  const { images, labels: trueLabels } = readCifar(job.cifar, 0, job.count);
  const labels = labelsFrom === 'own' ? ownPredictions(classifier, images) : trueLabels;
  console.log(`\n${job.model}: ${description}, ${job.count} images`);
  const timedOurs = async () => {
    const before = load1();
    const r = await runOurs(classifier, images, labels, EPS, job.seed);
    return { ...r, load: [before, load1()] as [number, number] };
  };
  const timedTorch = async () => {
    const before = load1();
    const r = await runTorch(job.scriptDir, { refDir: job.refDir!, model: job.model, weights, cifar: job.cifar, count: job.count, labels: labelsFrom, eps: EPS, seed: job.seed, threads: job.threads }, process.env);
    return { ...r, load: [before, load1()] as [number, number] };
  };
  let torch: ModelRow['torch'];
  let torchError: string | undefined;
  const torchSide = async () => {
    if (!job.refDir) return;
    try {
      torch = await timedTorch();
    } catch (err) {
      torchError = err instanceof Error ? err.message : String(err);
      console.log(`    torch | failed: ${torchError}`);
    }
  };
  try {
    if (!job.oursFirst) await torchSide();
    const ours = await timedOurs();
    if (job.oursFirst) await torchSide();
    return { model: job.model, count: job.count, weights: description, ours, torch, torchError, oursFirst: job.oursFirst };
  } finally {
    tf.dispose(images);
    dispose();
  }
}

async function prepare(job: ModelJob) {
  if (job.model === 'small') {
    const weights = join(job.scriptDir, 'small-cnn.safetensors');
    const { classifier, weights: tensors } = loadSmallCnn(weights);
    const description = 'small CNN (conv3x3 3→6, tanh, avg-pool 2, linear; 1 epoch = 10k images, 5 epochs FGSM adversarial training: small-cnn.safetensors)';
    return { classifier, weights, description, labelsFrom: 'true' as const, dispose: () => tf.dispose(tensors) };
  }
  const model = createModel('resnet18', { stem: 'cifar', seed: job.seed });
  const weights = join(job.work, 'resnet18.safetensors');
  await saveWeights(model, weights);
  const description =
    `CIFAR ResNet-18 (@cnn/models, random weights, seed ${job.seed}, written with saveWeights and loaded into torchvision's ResNet-18; ` +
    "labels: the model's own clean predictions, so all images are attacked — with the true labels a random model is right on ~6 %)";
  return { classifier: toClassifier(model), weights, description, labelsFrom: 'own' as const, dispose: () => model.dispose() };
}

/** The classifier's top-1 class per image. */
function ownPredictions(classifier: (x: tf.Tensor4D) => tf.Tensor2D, images: tf.Tensor4D): number[] {
  const top = tf.tidy(() => tf.argMax(classifier(images), 1));
  const classes = Array.from(top.dataSync());
  top.dispose();
  return classes;
}

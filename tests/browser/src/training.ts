/**
 * Training in the page with `@cnn/train`'s root entry (the browser-safe loop) and the same in Node:
 * a tiny seeded ResNet, 24 real CIFAR-10 images (their central 16×16 crops through `@cnn/data`'s loader,
 * shuffled per epoch), 3 steps per epoch, 2 epochs of SGD. Three runs: uninterrupted; stopped after 4 steps with its
 * checkpoints in a `MemoryCheckpointSink`; resumed from that sink into a model created with another
 * seed (so the weights can only come from the checkpoint).
 */
import * as tf from '@tensorflow/tfjs-core';
import { CIFAR10_CLASSES, loader, type Dataset } from '@cnn/data';
import { createModel, type Model } from '@cnn/models';
import { MemoryCheckpointSink, train, type BatchSource, type TrainOptions } from '@cnn/train';

export const TRAIN_IMAGES = 24;
export const STOP_AFTER = 4;

/** CIFAR-10 records as the binary files hold them: a label byte, then 3×32×32 bytes (planar RGB). */
export interface TrainingRequest {
  records: number[];
}

export interface TrainingResult {
  /** Loss of every step of the uninterrupted run. */
  whole: number[];
  /** Of the run stopped after {@link STOP_AFTER} steps. */
  stopped: number[];
  /** Of the run resumed from the stopped run's checkpoint. */
  resumed: number[];
  resumedFrom: { epoch: number; step: number } | undefined;
  /** The checkpoint the stopped run left: where training continues. */
  checkpoint: { epoch: number; step: number; globalStep: number };
  /** The sink's newest checkpoint says the run finished (after the resumed run). */
  finished: boolean;
  /** Tensors alive after the three runs minus before (the models are disposed): must be 0. */
  leakedTensors: number;
  /** Time per run in ms, for the report (never asserted). */
  millis: Record<string, number>;
}

const BATCH = 8;
const CROP = 16;

/** The central 16×16 crops of CIFAR-10 records (label byte, then planar RGB 3×32×32) as a data set of HWC bytes. */
export function cifarCrops(records: ArrayLike<number>): Dataset {
  const n = Math.floor(records.length / 3073);
  return {
    length: n,
    classNames: CIFAR10_CLASSES,
    get(i: number) {
      const image = new Uint8Array(CROP * CROP * 3);
      for (let y = 0; y < CROP; y++) {
        for (let x = 0; x < CROP; x++) {
          for (let c = 0; c < 3; c++) image[(y * CROP + x) * 3 + c] = records[i * 3073 + 1 + c * 1024 + (y + 8) * 32 + x + 8];
        }
      }
      return { image, height: CROP, width: CROP, label: records[i * 3073] };
    },
  };
}

/** The training batches: @cnn/data's loader (seeded shuffle per epoch, batches of 8, pixels / 255). */
function epochBatches(data: Dataset): (epoch: number) => BatchSource {
  const batches = loader(data, { batchSize: BATCH, shuffle: true, seed: 5, dropLast: true });
  return (epoch) => batches.withEpoch(epoch);
}

const tinyModel = (seed: number): Model => createModel('resnet20', { seed, stemWidth: 4, widths: [4, 8, 8], depths: [1, 1, 1] });

/** The three runs on tfjs' active backend. */
export async function runTrainingWorkload(request: TrainingRequest): Promise<TrainingResult> {
  const data = cifarCrops(request.records);
  const before = tf.memory().numTensors;
  const millis: Record<string, number> = {};
  const sink = new MemoryCheckpointSink('page');
  const run = async (name: string, seed: number, extra: Partial<TrainOptions>) => {
    const model = tinyModel(seed);
    const losses: number[] = [];
    const t0 = performance.now();
    try {
      const history = await train({
        model,
        trainLoader: epochBatches(data),
        epochs: 2,
        optimizer: { type: 'sgd', momentum: 0.9, weightDecay: 5e-4 },
        schedule: { type: 'cosine', lr: 0.05 },
        seed: 7,
        progress: 'none',
        onStep: (r) => void losses.push(r.loss),
        ...extra,
      });
      millis[name] = Math.round(performance.now() - t0);
      return { history, losses };
    } finally {
      model.dispose();
    }
  };
  const whole = await run('whole', 3, {});
  const stopped = await run('stopped', 3, { checkpoints: sink, maxSteps: STOP_AFTER });
  const { epoch, step, globalStep } = (await sink.loadLatest())!.state;
  const resumed = await run('resumed', 99, { checkpoints: sink, resume: true });
  return {
    whole: whole.losses,
    stopped: stopped.losses,
    resumed: resumed.losses,
    resumedFrom: resumed.history.resumedFrom,
    checkpoint: { epoch, step, globalStep },
    finished: (await sink.loadLatest())!.finished,
    leakedTensors: tf.memory().numTensors - before,
    millis,
  };
}

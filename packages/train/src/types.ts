import type * as tf from '@tensorflow/tfjs-core';
import type { LabeledBatch } from '@cnn/core';
import type { ReliabilityDiagram } from '@cnn/calibration';
import type { Dataset } from '@cnn/data';
import type { CheckpointSink } from './checkpoint-sink.js';
import type { CorruptionEvalOptions, CorruptionResult } from './corruption-types.js';

// ---------------------------------------------------------------------------------------------
// Model: the structural slice of @cnn/models' `Model` that training needs.
// ---------------------------------------------------------------------------------------------

/**
 * What the trainer needs from a model: the `Model` returned by `createModel()` in `@cnn/models`
 * satisfies it. Declared structurally here so that any model with PyTorch-named variables can be
 * trained.
 */
export interface TrainableModel {
  /**
   * Forward pass: NHWC float32 pixels in `[0, 1]` → logits `[batch, numClasses]`.
   * `training` selects batch statistics in BatchNorm; `updateRunningStats` (default: `training`)
   * lets an attack run in train-mode BN without moving the running averages.
   */
  apply(images: tf.Tensor4D, options: { training: boolean; updateRunningStats?: boolean }): tf.Tensor2D;
  /** Trainable variables with PyTorch-style names (`layer1.0.conv1.weight`, `bn1.bias`, …). */
  namedParameters(): Array<[string, tf.Variable]>;
  /** Non-trainable state (BatchNorm running mean/var, …) with PyTorch-style names. */
  namedBuffers(): Array<[string, tf.Variable | tf.Tensor]>;
  /**
   * State of the model's own random stream (dropout masks), as `Model.getRngState()` of
   * `@cnn/models`. When present it is saved in checkpoints and restored on resume.
   */
  getRngState?(): number[];
  /** Restores {@link TrainableModel.getRngState}'s state. */
  setRngState?(state: readonly number[]): void;
  /**
   * What a checkpoint needs to resume the model exactly: its weights as safetensors bytes and its
   * RNG state (`Model.trainingState()` of `@cnn/models`). When present, checkpoints and
   * `best.safetensors` store these bytes; otherwise the tensors are written by name in TF.js layout.
   */
  trainingState?(): { weights: Uint8Array; rng: number[] };
  /** Restores {@link TrainableModel.trainingState}'s output, all or nothing (`Model.loadTrainingState()`). */
  loadTrainingState?(state: { weights: Uint8Array; rng?: readonly number[] }): void;
}

/** Where batches come from. Any async iterable of {@link LabeledBatch} (e.g. `loader()` of `@cnn/data`). */
export type BatchSource = AsyncIterable<LabeledBatch> & {
  /** Batches in the whole epoch (also when the source starts later). */
  readonly length?: number;
  /** Index of the first batch yielded (a `@cnn/data` Loader's `startBatch`); absent means 0. */
  readonly startBatch?: number;
};

/** Where a (mid-epoch) resume wants an epoch's batches to start. */
export interface EpochStart {
  /** First batch to yield (0-based); batches before it were already trained on. */
  startBatch: number;
}

/**
 * The training batches of one epoch (0-based): a function `(epoch) => batches`, or a `Loader` of
 * `@cnn/data` (anything with `withEpoch(epoch)`). For exact resume the batches must be a pure
 * function of the seed and `epoch`, as `loader(ds, { seed, shuffle: true, transform })` of `@cnn/data`
 * is. On a mid-epoch resume the trainer asks for the epoch from batch k (`withEpoch(epoch,
 * { startBatch: k })`, or the function's second argument): a source whose `startBatch` property
 * equals k (a `@cnn/data` Loader does this, skipping batches without reading or decoding them) is
 * taken to start there; any other source is iterated from batch 0 and its first k batches are
 * disposed unused.
 */
export type EpochLoader =
  | ((epoch: number, start?: EpochStart) => BatchSource)
  | { withEpoch(epoch: number, start?: EpochStart): BatchSource };

/**
 * Evaluation batches: a re-iterable source (a `Loader` of `@cnn/data`: each iteration is a new
 * pass) or a function returning a fresh source each time.
 */
export type EvalLoader = BatchSource | (() => BatchSource);

// ---------------------------------------------------------------------------------------------
// Optimisers
// ---------------------------------------------------------------------------------------------

/** Options shared by every optimiser. */
export interface OptimizerCommon {
  /**
   * Weight decay coefficient (0 = none). For SGD it is L2 (added to the gradient, as
   * `torch.optim.SGD`) unless `decoupled` is set; for `adam` it is L2 (as `torch.optim.Adam`),
   * for `adamw` it is decoupled (`p ← p − lr·wd·p`, as `torch.optim.AdamW`).
   */
  weightDecay?: number;
  /**
   * Exempt BatchNorm/normalisation parameters and biases from weight decay (detected by name:
   * `bias`, `bn`, `norm`, `downsample.1` …, or rank ≤ 1). Default `false`.
   */
  noDecayOnBnAndBias?: boolean;
}

/** SGD with (optional) momentum / Nesterov, PyTorch semantics (`torch.optim.SGD`). */
export interface SgdConfig extends OptimizerCommon {
  type: 'sgd';
  /** Momentum factor, default 0.9. */
  momentum?: number;
  /** Dampening of the momentum, default 0. */
  dampening?: number;
  /** Nesterov momentum, default false. */
  nesterov?: boolean;
  /** Decoupled weight decay (`p ← p − lr·wd·p`, as SGDW) instead of L2. Default false. */
  decoupled?: boolean;
}

/** Adam (L2 decay) or AdamW (decoupled decay), PyTorch semantics. */
export interface AdamConfig extends OptimizerCommon {
  type: 'adam' | 'adamw';
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
  /** AMSGrad variant, default false. */
  amsgrad?: boolean;
}

export type OptimizerConfig = SgdConfig | AdamConfig;

// ---------------------------------------------------------------------------------------------
// Learning-rate schedules (all evaluated per iteration, at fractional epochs)
// ---------------------------------------------------------------------------------------------

/** Linear warm-up from ~0 to the schedule's value over `warmupEpochs` (fractional allowed). */
export interface WarmupOption {
  warmupEpochs?: number;
}

export type ScheduleConfig =
  | ({ type: 'constant'; lr: number } & WarmupOption)
  /** `lr · gamma^⌊epoch / stepSize⌋` (torch StepLR; `gamma` default 0.1). */
  | ({ type: 'step'; lr: number; stepSize: number; gamma?: number } & WarmupOption)
  /** `lr · gamma^(number of milestones ≤ epoch)` (torch MultiStepLR; `gamma` default 0.1). */
  | ({ type: 'multistep'; lr: number; milestones: readonly number[]; gamma?: number } & WarmupOption)
  /** Cosine from `lr` to `minLr` (default 0) over the epochs after warm-up, per iteration. */
  | ({ type: 'cosine'; lr: number; minLr?: number } & WarmupOption)
  /**
   * Piecewise linear through `(epoch, lr)` points, per iteration (as fast_adversarial's
   * `np.interp`); held constant outside the points.
   */
  | { type: 'piecewise'; points: ReadonlyArray<readonly [epoch: number, lr: number]> }
  /**
   * One cycle / cyclic (Wong et al. 2020): linear 0 → `maxLr` at epoch `⌊2·epochs/5⌋` (as
   * fast_adversarial; or `peakFraction·epochs`), then linear → 0 at the end.
   */
  | { type: 'onecycle'; maxLr: number; peakFraction?: number };

// ---------------------------------------------------------------------------------------------
// Training modes
// ---------------------------------------------------------------------------------------------

/** Plain empirical-risk minimisation. */
export interface StandardMode {
  type: 'standard';
}

/** mixup (Zhang et al. 2018): λ ~ Beta(α, α), x = λ·x_i + (1−λ)·x_j, soft targets likewise. */
export interface MixupMode {
  type: 'mixup';
  /** Beta(α, α) parameter, e.g. 1.0 for CIFAR (0.2 for ImageNet). */
  alpha: number;
}

/** CutMix (Yun et al. 2019): a random box of a shuffled partner pasted in; targets by area. */
export interface CutmixMode {
  type: 'cutmix';
  /** Beta(α, α) parameter, default 1.0. */
  alpha?: number;
  /** Probability a batch is cut-mixed at all, default 1. */
  prob?: number;
}

/** Options shared by the adversarial modes. ε in pixel units of `[0, 1]` images (8/255 …). */
export interface AdversarialCommon {
  /** ℓ∞ radius in `[0, 1]` pixel units, e.g. `8 / 255`. */
  eps: number;
  /**
   * Fraction of each batch (first ⌊f·B⌋ examples after shuffling) kept clean; the rest is
   * replaced by adversarial examples. Default 0 (all adversarial).
   */
  cleanFraction?: number;
}

/** Madry et al. 2018: PGD-k ℓ∞ with random start, generated by `pgd` of `@cnn/attacks`. */
export interface PgdMode extends AdversarialCommon {
  type: 'pgd';
  /** Step size α (pixel units), default ε/4 (2/255 at ε = 8/255). */
  stepSize?: number;
  /** Number of steps k, default 7. */
  steps?: number;
  /** Random start in the ε-ball, default true. */
  randomStart?: boolean;
  /**
   * BatchNorm mode while generating the attack: 'eval' (running statistics — the default) or
   * 'train' (batch statistics, as Madry's TF code; running averages are NOT updated).
   */
  bnMode?: 'eval' | 'train';
}

/** Wong et al. 2020 "fast is better than free": FGSM from a uniform random start, step α = 1.25ε. */
export interface FgsmRsMode extends AdversarialCommon {
  type: 'fgsm-rs';
  /** Step size, default 1.25·eps. */
  stepSize?: number;
  /** BatchNorm mode while generating the attack, default 'train' (as the paper's code). */
  bnMode?: 'eval' | 'train';
}

/**
 * AugMix (Hendrycks et al. 2020) with the Jensen–Shannon consistency loss, as google-research/augmix
 * `cifar.py`. The AugMix views come from the data side (a batch transform); this mode sets the loss.
 * With `jsd` (the default) a batch of B labels holds 3B images, view-major: rows 0…B−1 the clean
 * images, B…2B−1 the first AugMix view, 2B…3B−1 the second (`torch.cat(images, 0)`). One
 * training-mode forward runs over all 3B (BatchNorm statistics over the 3B, as the reference) and
 * the loss is `CE(z_clean, y) + λ·(KL(M‖p_clean) + KL(M‖p_aug1) + KL(M‖p_aug2))/3` with
 * `log M = log clamp((p_clean + p_aug1 + p_aug2)/3, 1e-7, 1)` (`F.kl_div(log M, p, 'batchmean')`).
 * Without `jsd` the batch holds one AugMix view per label and the loss is plain cross-entropy.
 * Step accuracy and loss statistics are of the clean view.
 */
export interface AugmixMode {
  type: 'augmix';
  /** Jensen–Shannon consistency loss over clean + two AugMix views, default true (`--no-jsd` off). */
  jsd?: boolean;
  /** Weight λ of the consistency term, default 12 (as `cifar.py`). */
  jsdWeight?: number;
}

export type TrainingMode = StandardMode | MixupMode | CutmixMode | PgdMode | FgsmRsMode | AugmixMode;

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/** An attack to evaluate robust accuracy under (ℓ∞, ε in `[0, 1]` pixel units). */
export interface AttackSpec {
  /** Display name / key in results, default e.g. `pgd-20` or `fgsm`. */
  name?: string;
  type: 'pgd' | 'fgsm' | 'fgsm-rs';
  eps: number;
  /** PGD / FGSM-RS step size; default ε/4 for PGD, 1.25·ε for FGSM-RS. */
  stepSize?: number;
  /** PGD steps, default 20. */
  steps?: number;
  /** PGD restarts, default 1. */
  restarts?: number;
  /** PGD random start, default true. */
  randomStart?: boolean;
}

export interface EvaluateOptions {
  /** Attacks for robust accuracy; none = clean only. */
  attacks?: AttackSpec[];
  /** Stop after this many examples (default: the whole loader). */
  maxExamples?: number;
  /** Only attack the first N evaluated examples (attacks are costly). Default: all. */
  attackMaxExamples?: number;
  /** Bins of the ECE / reliability diagram, default 15. */
  bins?: number;
  /** Seed of the attacks' random starts, default 0. */
  seed?: number;
  /** Keep this many clean/adversarial image pairs for the report grid (default 0). */
  keepExamples?: number;
  /** Keep the per-example probabilities and labels in the result (default false). */
  keepPredictions?: boolean;
  /** Called after each batch with the number of examples done. */
  onProgress?: (done: number) => void;
}

/** Robust accuracy table. */
export interface RobustResult {
  /** Clean accuracy on the attacked subset. */
  clean: number;
  /**
   * Accuracy under each attack, by attack name: correct on the clean image and not fooled by the
   * attack (only clean-correct examples are attacked, as in AutoAttack and `robustAccuracy` of
   * `@cnn/attacks`), so never above `clean`.
   */
  perAttack: Record<string, number>;
  /** Accuracy when an example counts as correct only if it is correct clean and survives every attack. */
  worstCase: number;
  /** Number of attacked examples. */
  n: number;
  /** The attacks as run, with their names and resolved defaults (steps, step size). */
  attacks: Array<AttackSpec & { name: string }>;
}

/** One example kept for the report's clean-vs-adversarial grid. Pixels HWC in `[0, 1]`. */
export interface ExampleImage {
  height: number;
  width: number;
  channels: number;
  clean: Float32Array;
  adversarial?: Float32Array;
  label: number;
  cleanPrediction: number;
  adversarialPrediction?: number;
  /** Name of the attack that made `adversarial` (the first configured). */
  attack?: string;
}

export interface EvalResult {
  /** Number of evaluated examples. */
  n: number;
  /** Clean top-1 accuracy in `[0, 1]`. */
  accuracy: number;
  /** Mean negative log-likelihood (nats). */
  nll: number;
  /** Brier score (sum over classes, mean over examples). */
  brier: number;
  /** Expected calibration error of the top label (equal-width bins). */
  ece: number;
  /** Debiased ℓ2 top-label calibration error (Kumar et al. 2019). */
  calibrationErrorTopLabel: number;
  /** Debiased ℓ2 marginal (class-wise) calibration error. */
  calibrationErrorMarginal: number;
  /** Robust accuracy under the configured attacks (absent when none). */
  robust?: RobustResult;
  /** Reliability diagram data from `@cnn/calibration` (for the report). */
  reliability?: ReliabilityDiagram;
  /** Reliability diagram as an SVG string (from `@cnn/calibration`). */
  reliabilitySvg?: string;
  /** Kept examples for the report grid. */
  examples?: ExampleImage[];
  /** Per-example probabilities `[n][numClasses]` (only with `keepPredictions`). */
  probabilities?: number[][];
  /** Per-example labels (only with `keepPredictions`). */
  labels?: number[];
}

// ---------------------------------------------------------------------------------------------
// Training
// ---------------------------------------------------------------------------------------------

/** Metric to pick the best model by (from the per-epoch evaluation). */
export interface BestMetric {
  /** e.g. 'accuracy', 'nll', 'ece', 'robust.worstCase', 'robust.pgd-20'. Default 'accuracy'. */
  name: string;
  /** 'max' (default for accuracies) or 'min' (losses, calibration errors). */
  mode?: 'max' | 'min';
}

/** How progress is shown. 'auto': a live bar when stdout is a TTY, plain lines otherwise. */
export type ProgressMode = 'auto' | 'bar' | 'log' | 'none';

/** One optimisation step's record (JSONL `{"kind":"step",…}` every `logEverySteps`). */
export interface StepRecord {
  epoch: number;
  /** Step within the epoch (0-based). */
  step: number;
  /** Global step (0-based). */
  globalStep: number;
  lr: number;
  loss: number;
  /** Training accuracy on the batch (against the hard labels; after mixing / attack). */
  accuracy: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  batchSize: number;
}

/** One epoch's record (JSONL `{"kind":"epoch",…}`). */
export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's steps (weighted by batch size). */
  trainLoss: number;
  /** Training accuracy over the epoch. */
  trainAccuracy: number;
  /** Learning rate at the last step. */
  lr: number;
  /** Images per second over the epoch (training only). */
  imagesPerSecond: number;
  /** Wall seconds for the epoch (training + evaluation). */
  seconds: number;
  /** Per-epoch evaluation (when an eval loader is given). */
  eval?: EvalResult;
}

export interface TrainHistory {
  epochs: EpochRecord[];
  /** Per-step loss/LR (downsampled every `logEverySteps`), for curves. */
  steps: StepRecord[];
  /** Final evaluation with the full `finalEvaluate` options (when an eval loader is given). */
  final?: EvalResult;
  /** Best epoch by `bestMetric` and its value. */
  best?: { epoch: number; metric: string; value: number };
  /** Corruption robustness of the final model (with `corruptionEval`). */
  corruptions?: CorruptionResult;
  /** Where the run wrote its files (when `outDir` is set, `@cnn/train/node`). */
  files?: { outDir: string; checkpoint?: string; metrics?: string; report?: string; best?: string };
  /** True when the run stopped early (SIGINT, `signal`), after writing a checkpoint. */
  interrupted?: boolean;
  /** Epoch the run resumed from (when it resumed). */
  resumedFrom?: { epoch: number; step: number };
  /**
   * True when `resume` found a run that had already finished (all epochs, final evaluation,
   * report): nothing was done, the history is the checkpoint's (without `final`).
   */
  alreadyFinished?: boolean;
}

export interface TrainOptions {
  /** The model to train (mutated in place). */
  model: TrainableModel;
  /** Training batches per epoch (see {@link EpochLoader}). */
  trainLoader: EpochLoader;
  /** Evaluation batches, used after every `evalEvery` epochs and at the end (see {@link EvalLoader}). */
  evalLoader?: EvalLoader;
  /** Number of epochs. */
  epochs: number;
  /**
   * Steps per epoch, when the loader has no `length` (needed by per-iteration schedules).
   * Default: `trainLoader(0).length`.
   */
  stepsPerEpoch?: number;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  /** Training mode, default standard. */
  mode?: TrainingMode;
  /** Label smoothing ε ∈ [0, 1): targets (1−ε)·onehot + ε/K. Default 0. */
  labelSmoothing?: number;
  /** Clip the global gradient ℓ2 norm to this value (default: no clipping). */
  gradClipNorm?: number;
  /** Number of classes (default: inferred from the first logits). */
  numClasses?: number;
  /** Seed of the trainer's RNG (mixup λ, attack starts). Default 0. */
  seed?: number;
  /**
   * Where checkpoints go, and where `resume` finds the newest (see {@link CheckpointSink}):
   * `new MemoryCheckpointSink()` in a browser, `FileCheckpointSink` of `@cnn/train/node` for a
   * folder (or `outDir` there). Without it (and without `outDir`) no checkpoint is written.
   */
  checkpoints?: CheckpointSink;
  /**
   * Stops the run when it aborts: the current step is finished, a checkpoint written (with
   * `checkpoints`) and the result says `interrupted: true`; `resume` continues it.
   */
  signal?: AbortSignal;
  /** Also checkpoint every N optimisation steps (default: only at epoch ends). */
  checkpointEverySteps?: number;
  /** Checkpoints to keep (older ones deleted), default 2. */
  keepCheckpoints?: number;
  /**
   * Resume from the newest checkpoint of `checkpoints` (or `outDir`) if there is one (else start
   * from the beginning). The checkpoint's recorded settings (everything but the free-form `config`)
   * must equal this run's, or `train` refuses, naming each change; a finished run is left
   * untouched. Without `resume`, a sink (or `outDir`) that already holds a checkpoint is refused.
   * Default false.
   */
  resume?: boolean;
  /**
   * Resume (as `resume`) even when settings changed since the checkpoint: the run continues with
   * the new ones (a warning and the `resume` record of `metrics.jsonl` list the changes). Default false.
   */
  forceResume?: boolean;
  /** Evaluate every N epochs (default 1) with `evaluate` options. */
  evalEvery?: number;
  /** Per-epoch evaluation options (default: clean only). */
  evaluate?: EvaluateOptions;
  /** Final evaluation options after the last epoch (default: `evaluate`). */
  finalEvaluate?: EvaluateOptions;
  /**
   * After the final evaluation, `evaluateCorruptions(model, dataset, options)` of the final model:
   * the result goes to `history.corruptions`, a `corruptions` record of `metrics.jsonl` and the
   * report's "Corruption robustness" section.
   */
  corruptionEval?: { dataset: Dataset; options: CorruptionEvalOptions };
  /** Best-model tracking (`history.best`; needs an eval loader). Default accuracy/max. */
  bestMetric?: BestMetric;
  /** Progress display, default 'auto'. */
  progress?: ProgressMode;
  /** Record a step line in the JSONL / history every N steps, default 10. */
  logEverySteps?: number;
  /** Free-form configuration recorded in checkpoints and the report (CLI flags, model name …). */
  config?: Record<string, unknown>;
  /** Called after every optimisation step. */
  onStep?: (record: StepRecord) => void;
  /** Called after every epoch. */
  onEpoch?: (record: EpochRecord) => void;
  /** Stop after this many global steps (testing / budgets), checkpointing first when there are `checkpoints`. */
  maxSteps?: number;
}

/** The report of a run folder (`train` of `@cnn/train/node` with `outDir`). */
export interface ReportOptions {
  /** Write `report.html` at the end (needs `outDir`), default true. */
  report?: boolean;
  /** Title of the report, default 'Training run'. */
  title?: string;
  /** Class names for the report's captions (index → name); default `config.classNames` if given. */
  classNames?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

export interface ReportInput {
  title?: string;
  /** Free-form configuration shown as a table / JSON. */
  config?: Record<string, unknown>;
  /** Backend description (e.g. `backendInfo()` of `@cnn/backend`). */
  backend?: unknown;
  history?: TrainHistory;
  /** Final evaluation (defaults to `history.final`). */
  evaluation?: EvalResult;
  /** Class names for captions (index → name). */
  classNames?: readonly string[];
  /** Extra notes shown under the title. */
  notes?: string[];
  /** Corruption robustness (defaults to `history.corruptions`). */
  corruptions?: CorruptionResult;
}

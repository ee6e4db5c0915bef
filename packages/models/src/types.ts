import type * as tf from '@tensorflow/tfjs-core';

/**
 * Residual block types.
 * - `basic`, `bottleneck`: torchvision's post-activation blocks (bottleneck = v1.5, stride on the 3×3).
 * - `preact-basic`, `preact-bottleneck`: full pre-activation blocks of locuslab/fast_adversarial
 *   (BN → ReLU → conv; the projection shortcut takes the pre-activated input).
 * - `wide`: RobustBench's Wide-ResNet block (pre-activation basic block with optional dropout
 *   between the two convs; the 1×1 shortcut `convShortcut` exists when the channel count changes).
 */
export type BlockType = 'basic' | 'bottleneck' | 'preact-basic' | 'preact-bottleneck' | 'wide';

/**
 * Parameter naming scheme (fixes the names of every parameter and buffer):
 * - `torchvision`: `conv1`, `bn1`, `layer1.0.conv1`, `layer2.0.downsample.0`, `layerX.Y.se.fc1`, `fc`.
 * - `fast_adversarial`: `conv1`, `layer1.0.bn1`, `…conv1`, `…shortcut.0`, `bn`, `linear`.
 * - `robustbench`: `conv1`, `block1.layer.0.bn1`, `…conv1`, `…convShortcut`, `bn1`, `fc`.
 */
export type NamingScheme = 'torchvision' | 'fast_adversarial' | 'robustbench';

/** `cifar`: 3×3 stride-1 conv, no max-pool. `imagenet`: 7×7 stride-2 conv + 3×3 stride-2 max-pool. */
export type StemType = 'cifar' | 'imagenet';

/** Per-channel input normalisation applied inside the model: `(x − mean) / std`, x in [0, 1]. */
export interface Normalization {
  mean: readonly number[];
  std: readonly number[];
}

/**
 * A model variant as plain data. One builder turns any valid config into a network; the registry
 * only maps names to configs.
 */
export interface ModelConfig {
  /** Residual block type (see {@link BlockType}). */
  block: BlockType;
  /** Number of blocks in each stage. */
  depths: readonly number[];
  /**
   * Each stage's "planes": the output channels of a basic/wide block, or the inner width before
   * expansion of a bottleneck (output = 4 × widths[i]).
   */
  widths: readonly number[];
  /** Stride of each stage's first block (torchvision: [1, 2, 2, 2]). */
  strides: readonly number[];
  /** Output channels of the stem convolution. */
  stemWidth: number;
  /** Stem type (see {@link StemType}). */
  stem: StemType;
  /** Input channels (3 for RGB). */
  inChannels: number;
  /** Number of output logits. */
  numClasses: number;
  /**
   * Bottleneck inner-width factor (torchvision `width_per_group / 64`): 1 for ResNet-50, 2 for
   * `wide_resnet50_2`. Ignored by non-bottleneck blocks.
   */
  bottleneckWidthFactor: number;
  /** Squeeze-excitation on the residual branch (after its last BN/conv, before the addition). */
  se: boolean;
  /** SE reduction: the squeeze has `max(1, floor(channels / reduction))` channels (16 as timm). */
  reduction: number;
  /**
   * Shortcut where the shape changes: 'B' = 1×1 projection (conv + BN for post-activation blocks),
   * 'A' = parameter-free: every second pixel, channels zero-padded equally on both sides
   * (akamaster/pytorch_resnet_cifar10). Pre-activation and wide blocks support only 'B'.
   */
  shortcut: 'A' | 'B';
  /** Parameter naming scheme; fixed by the block type (see {@link NamingScheme}). */
  naming: NamingScheme;
  /** Dropout rate between the two convs of a `wide` block, training only (0 = off). */
  dropout: number;
  /** Input normalisation inside the model, or null when inputs are used as given. */
  normalize: Normalization | null;
  /**
   * Zero-initialise the last BN weight of each residual branch (torchvision's `zero_init_residual`);
   * for pre-activation/wide blocks (no BN at the end of the branch) the last conv's weight instead.
   */
  zeroInitResidual: boolean;
}

/** Options of {@link Model.apply} and {@link Model.forwardFeatures}. */
export interface ApplyOptions {
  /** Training mode: BatchNorm uses batch statistics, dropout is active. Default false. */
  training?: boolean;
  /** In training mode, update the BN running statistics (and `num_batches_tracked`). Default = `training`. */
  updateRunningStats?: boolean;
  /**
   * Eval mode only: where a convolution is directly followed by BatchNorm (post-activation ResNets,
   * SE-ResNets, wide/torchvision nets, downsample shortcuts), run both as one convolution whose
   * filter and bias have the BN folded in (computed from the current variables on each call).
   * Same values up to float32 rounding (≈ 1e-6), fewer activation-sized ops. Default true; false
   * computes BN separately (`conv(x)·scale + shift`). Ignored in training mode and for
   * pre-activation blocks (BN → ReLU → conv, nothing to fold).
   */
  foldBatchNorm?: boolean;
}

/** Options of {@link Model.forwardHead}. */
export interface HeadOptions {
  /** Return the pooled features `[N, C]` (timm's `pre_logits`) instead of the logits. */
  preLogits?: boolean;
}

/** Options of {@link Model.loadStateDict}. */
export interface LoadStateDictOptions {
  /**
   * With `strict` (default true) every model key must be present in the dict and every dict key must
   * belong to the model. Shape mismatches are errors either way (as in PyTorch).
   */
  strict?: boolean;
}

/** Options of {@link createModel}: anything not given comes from the registry entry. */
export interface ModelOptions {
  /** Number of output logits (default: 10 for the CIFAR stem, 1000 for the ImageNet stem). */
  numClasses?: number;
  /** Stem (ResNet, pre-activation ResNet and SE-ResNet have both; CIFAR-only families refuse 'imagenet'). */
  stem?: StemType;
  /** Input normalisation (default: CIFAR-10 statistics for the CIFAR stem, ImageNet's for the ImageNet stem). */
  normalize?: Normalization | null;
  /** See {@link ModelConfig.zeroInitResidual}. Default false. */
  zeroInitResidual?: boolean;
  /** Dropout rate for Wide ResNets (between the block's convs, training only). Default 0. */
  dropout?: number;
  /** Seed of the initialisation and of dropout masks (default 0). */
  seed?: number;
  /** SE reduction (SE-ResNets only; default 16). */
  reduction?: number;
  /** Shortcut type for the He et al. CIFAR ResNets (default 'A'). */
  shortcut?: 'A' | 'B';
  /** Override stage widths (e.g. tiny models for tests); same length as the registry's. */
  widths?: readonly number[];
  /** Override the blocks per stage; same length as the registry's. */
  depths?: readonly number[];
  /** Override the stem width. */
  stemWidth?: number;
}

/**
 * Everything of a model a training checkpoint stores to resume it exactly (see
 * {@link Model.trainingState}). Plain data: write `weights` as a file and `rng` into JSON.
 */
export interface ModelTrainingState {
  /**
   * Parameters and BatchNorm buffers as safetensors bytes in PyTorch layout — the bytes
   * `weightsToBytes(model)` / `saveWeights(model, path)` produce, so the file also loads with
   * `loadWeights` and into the PyTorch reference model.
   */
  weights: Uint8Array;
  /** State of the dropout-mask stream ({@link Model.getRngState}): 8 numbers, plain JSON. */
  rng: number[];
}

/**
 * A network: parameters and BatchNorm buffers as named `tf.Variable`s (PyTorch names, TF.js
 * layouts), a forward pass on NHWC images in [0, 1], and state-dict access.
 */
export interface Model {
  /** Registry name it was created from (or 'custom'). */
  readonly name: string;
  /** The full resolved config. */
  readonly config: ModelConfig;
  readonly numClasses: number;
  /**
   * Logits for a batch. `images`: NHWC float32 `[N, H, W, inChannels]`, pixels in [0, 1]
   * (normalisation happens inside). Returns `[N, numClasses]`. Disposes every intermediate; in
   * training mode (unless `updateRunningStats: false`) updates the BN buffers in place.
   */
  apply(images: tf.Tensor4D, options?: ApplyOptions): tf.Tensor2D;
  /**
   * The last feature map before pooling, `[N, h, w, C]` (for pre-activation/wide nets after the
   * final BN + ReLU). Same input contract as {@link Model.apply}.
   */
  forwardFeatures(images: tf.Tensor4D, options?: ApplyOptions): tf.Tensor4D;
  /** Global average pool + classifier on {@link Model.forwardFeatures}' output. Does not dispose `features`. */
  forwardHead(features: tf.Tensor4D, options?: HeadOptions): tf.Tensor2D;
  /**
   * Trainable parameters in PyTorch order and names, TF.js layouts: conv `[kh, kw, in, out]`,
   * linear `[in, out]`. The variables themselves (not copies): do not dispose them.
   */
  namedParameters(): [string, tf.Variable][];
  /** BN buffers: `running_mean`, `running_var` (float32) and `num_batches_tracked` (int32 scalar). */
  namedBuffers(): [string, tf.Variable][];
  /** Number of trainable scalars (PyTorch's `sum(p.numel() for p in model.parameters())`). */
  numParameters(): number;
  /**
   * Parameters and buffers by PyTorch name in PyTorch `state_dict()` order, TF.js layouts. The
   * values are the model's variables themselves — references, not copies: they change when the
   * model trains; do not dispose them.
   */
  stateDict(): Record<string, tf.Tensor>;
  /**
   * Copies values (TF.js layouts) into the model. Validates everything first (nothing is changed
   * on error): missing/unexpected keys (strict) and shape mismatches are reported by name with both
   * shapes. Numeric dtypes are cast as needed. Does not dispose the dict's tensors.
   */
  loadStateDict(dict: Record<string, tf.Tensor>, options?: LoadStateDictOptions): void;
  /**
   * State of the random stream that draws dropout masks (WRN `dropout` > 0, training mode), as the
   * 8-number array of `@cnn/core`'s `Rng.getState()` (a copy; plain JSON). It is not part of
   * {@link Model.stateDict} (not a tensor, not in PyTorch checkpoints): save it beside the weights to
   * resume training exactly. Models without dropout never draw from it.
   */
  getRngState(): number[];
  /**
   * Restores a state from {@link Model.getRngState}: the next training-mode calls draw the same
   * dropout masks as the model it came from did after that point. The model must have been created
   * with the same `seed` (the stream is derived from it); throws naming the model otherwise, or when
   * `state` is not such an array.
   */
  setRngState(state: readonly number[]): void;
  /**
   * What a training checkpoint needs to resume this model exactly: the weights file and the
   * dropout stream (see {@link ModelTrainingState}). Creates no tensors.
   */
  trainingState(): ModelTrainingState;
  /**
   * Restores a {@link Model.trainingState} (from a model of the same architecture): all weights
   * and buffers (strict: every tensor present, right shapes), and the dropout stream when `rng` is
   * given (without it the stream stays where it is). The stream belongs to the model's `seed`: with
   * dropout, a state from another seed is an error (create the model with the same seed); a model
   * without dropout never draws from it, so there such a state is accepted and changes nothing.
   * Checks everything first: on error (naming the part: `weights`, `rng`, `dropout RNG`) nothing
   * has changed, the stream included. Leaves no tensors behind.
   */
  loadTrainingState(state: { weights: Uint8Array; rng?: readonly number[] }): void;
  /** Frees every variable. The model is unusable afterwards. */
  dispose(): void;
}

import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Rng } from '@cnn/core';
import { ensureGradients } from '@cnn/core/gradients';
import { buildNetwork, type ForwardContext, type Network, type TensorSpec } from './network.js';
import { validateStateDict } from './state-dict.js';
import { checkTrainingState, type TrainingStateInput } from './training-state.js';
import type { ApplyOptions, HeadOptions, LoadStateDictOptions, Model, ModelConfig, ModelTrainingState } from './types.js';
import { decodeWeights, encodeWeights, weightsMetadata } from './weights-codec.js';

/** Options of {@link createModelFromConfig}. */
export interface CreateFromConfigOptions {
  /** Name reported by `model.name` (default 'custom'). */
  name?: string;
  /** Seed of the initialisation and of dropout masks (default 0). */
  seed?: number;
}

/**
 * Builds and initialises a model from a full config (see {@link createModel} for registry names).
 * Initialisation from `seed` (reproducible on every backend): convs Kaiming-normal, fan-out, ReLU
 * gain (torchvision); linear weight and bias, and conv biases, U(±1/√fan_in) (PyTorch's default); BN
 * weight 1, bias 0, running mean 0, running var 1.
 */
export function createModelFromConfig(config: ModelConfig, options: CreateFromConfigOptions = {}): Model {
  return new ResNetModel(options.name ?? 'custom', config, options.seed ?? 0);
}

function initialValues(spec: TensorSpec, rng: Rng): Float32Array | Int32Array {
  const size = spec.shape.reduce((a, d) => a * d, 1);
  if (spec.dtype === 'int32') return new Int32Array(size).fill(spec.init.type === 'constant' ? spec.init.value : 0);
  const values = new Float32Array(size);
  const init = spec.init;
  if (init.type === 'constant') values.fill(init.value);
  else if (init.type === 'normal') {
    if (init.std !== 0) for (let i = 0; i < size; i++) values[i] = rng.normal() * init.std;
  } else for (let i = 0; i < size; i++) values[i] = rng.uniformRange(-init.bound, init.bound);
  return values;
}

class ResNetModel implements Model {
  readonly name: string;
  readonly config: ModelConfig;
  readonly numClasses: number;
  private readonly network: Network;
  private readonly specs: TensorSpec[];
  private readonly variables = new Map<string, tf.Variable>();
  private readonly dropoutRng: Rng;
  private disposed = false;

  constructor(name: string, config: ModelConfig, seed: number) {
    // Callers differentiate through apply(): make sure tfjs-core's gradients are registered.
    ensureGradients();
    this.name = name;
    this.config = Object.freeze({ ...config });
    this.numClasses = config.numClasses;
    this.network = buildNetwork(this.config);
    this.specs = this.network.specs;
    const rng = createRng(seed);
    this.dropoutRng = rng.fork(1);
    try {
      for (const spec of this.specs) {
        const values = initialValues(spec, rng);
        // Unnamed variables: tfjs' variable names are global and must be unique.
        const variable = tf.tidy(() => tf.variable(tf.tensor(values, spec.shape, spec.dtype), spec.role === 'param'));
        this.variables.set(spec.name, variable);
      }
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  private context(options: ApplyOptions | undefined): ForwardContext {
    this.checkAlive();
    const training = options?.training ?? false;
    return {
      training,
      updateRunningStats: options?.updateRunningStats ?? training,
      foldBatchNorm: options?.foldBatchNorm ?? true,
      tensor: (name) => {
        const v = this.variables.get(name);
        if (!v) throw new Error(`internal: no tensor ${name}`);
        return v;
      },
      nextDropoutSeed: () => this.dropoutRng.int(0x7fffffff),
    };
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error(`Model ${this.name} has been disposed`);
  }

  private checkImages(images: tf.Tensor4D, what: string): void {
    if (!(images instanceof tf.Tensor) || images.rank !== 4) {
      throw new Error(`${what}: expected NHWC images of rank 4 [N, H, W, ${this.config.inChannels}], got ${images instanceof tf.Tensor ? `shape [${images.shape.join(', ')}]` : typeof images}`);
    }
    if (images.shape[3] !== this.config.inChannels) {
      throw new Error(`${what}: expected ${this.config.inChannels} channels (NHWC), got shape [${images.shape.join(', ')}]`);
    }
    if (images.dtype !== 'float32') throw new Error(`${what}: expected float32 pixels in [0, 1], got dtype ${images.dtype}`);
  }

  apply(images: tf.Tensor4D, options?: ApplyOptions): tf.Tensor2D {
    this.checkImages(images, `${this.name}.apply`);
    const ctx = this.context(options);
    return tf.tidy(() => this.network.head(ctx, this.network.features(ctx, images), false));
  }

  forwardFeatures(images: tf.Tensor4D, options?: ApplyOptions): tf.Tensor4D {
    this.checkImages(images, `${this.name}.forwardFeatures`);
    const ctx = this.context(options);
    return this.network.features(ctx, images);
  }

  forwardHead(features: tf.Tensor4D, options?: HeadOptions): tf.Tensor2D {
    const ctx = this.context(undefined);
    if (!(features instanceof tf.Tensor) || features.rank !== 4) {
      throw new Error(`${this.name}.forwardHead: expected a rank-4 NHWC feature map, got ${features instanceof tf.Tensor ? `shape [${features.shape.join(', ')}]` : typeof features}`);
    }
    const channels = this.featureChannels();
    if (features.shape[3] !== channels) {
      throw new Error(`${this.name}.forwardHead: expected ${channels} feature channels, got shape [${features.shape.join(', ')}]`);
    }
    return this.network.head(ctx, features, options?.preLogits ?? false);
  }

  private featureChannels(): number {
    const fc = this.specs.find((s) => s.kind === 'linear');
    return fc ? fc.shape[0] : 0;
  }

  private entries(role: 'param' | 'buffer'): [string, tf.Variable][] {
    this.checkAlive();
    return this.specs.filter((s) => s.role === role).map((s) => [s.name, this.variables.get(s.name)!]);
  }

  namedParameters(): [string, tf.Variable][] {
    return this.entries('param');
  }

  namedBuffers(): [string, tf.Variable][] {
    return this.entries('buffer');
  }

  numParameters(): number {
    return this.specs.filter((s) => s.role === 'param').reduce((n, s) => n + s.shape.reduce((a, d) => a * d, 1), 0);
  }

  stateDict(): Record<string, tf.Tensor> {
    this.checkAlive();
    const dict: Record<string, tf.Tensor> = {};
    for (const spec of this.specs) dict[spec.name] = this.variables.get(spec.name)!;
    return dict;
  }

  /** The tensor specs (names, TF.js shapes, layout kinds) in state-dict order. */
  tensorSpecs(): readonly TensorSpec[] {
    return this.specs;
  }

  loadStateDict(dict: Record<string, tf.Tensor>, options?: LoadStateDictOptions): void {
    this.checkAlive();
    const strict = options?.strict ?? true;
    validateStateDict(this.specs, dict, strict, `${this.name}.loadStateDict`);
    for (const spec of this.specs) {
      const value = dict[spec.name];
      if (value === undefined) continue;
      const variable = this.variables.get(spec.name)!;
      // Same data already (e.g. the model's own state dict): assigning would free it first.
      if (value.dataId === variable.dataId) continue;
      // assign() shares the data (no copy); cast only when the dtype differs.
      if (value.dtype === spec.dtype) variable.assign(value);
      else tf.tidy(() => variable.assign(tf.cast(value, spec.dtype)));
    }
  }

  getRngState(): number[] {
    this.checkAlive();
    return this.dropoutRng.getState();
  }

  setRngState(state: readonly number[]): void {
    this.checkAlive();
    try {
      this.dropoutRng.setState(state);
    } catch (error) {
      throw new Error(
        `${this.name}.setRngState: ${(error as Error).message} (expects what getRngState() of a model created with the same seed returned)`,
      );
    }
  }

  trainingState(): ModelTrainingState {
    this.checkAlive();
    const weights = encodeWeights(this.specs, this.stateDict(), 'pytorch', weightsMetadata(this.name, this.config, 'pytorch'));
    return { weights, rng: this.dropoutRng.getState() };
  }

  loadTrainingState(state: TrainingStateInput): void {
    this.checkAlive();
    const what = `${this.name}.loadTrainingState`;
    checkTrainingState(state, what);
    const rngBefore = this.dropoutRng.getState();
    if (state.rng !== undefined) this.restoreDropoutStream(state.rng, what);
    try {
      decodeWeights(this.specs, state.weights, 'weights', { strict: true, source: 'weights' }, (dict, strict) => this.loadStateDict(dict, { strict }));
    } catch (error) {
      this.dropoutRng.setState(rngBefore); // all or nothing: the weights did not load, so the stream stays too
      throw new Error(`${what}: ${(error as Error).message}`);
    }
  }

  private restoreDropoutStream(rng: readonly number[], what: string): void {
    try {
      this.dropoutRng.setState(rng);
    } catch (error) {
      // Without dropout the stream is never drawn from: a state of another seed changes nothing the model computes.
      if (this.config.dropout > 0) {
        throw new Error(`${what}: dropout RNG: ${(error as Error).message}; create the model with the same seed as the model whose state this is`);
      }
    }
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
    this.disposed = true;
  }
}

/** The tensor specs of a model made by this package (used by the weight I/O for layout conversion). */
export function modelTensorSpecs(model: Model): readonly TensorSpec[] {
  if (model instanceof ResNetModel) return model.tensorSpecs();
  // Any other Model: infer kinds from the state dict (rank 4 = conv, rank 2 = linear).
  return Object.entries(model.stateDict()).map(([name, t]) => ({
    name,
    shape: t.shape.slice(),
    kind: t.rank === 4 ? 'conv' : t.rank === 2 ? 'linear' : t.rank === 0 ? 'scalar' : 'vector',
    role: 'param',
    dtype: t.dtype === 'int32' ? 'int32' : 'float32',
    init: { type: 'constant', value: 0 },
  }));
}

import * as tf from '@tensorflow/tfjs-core';
import { batchNorm, type BatchNormState } from './batch-norm.js';
import { convBatchNormEval } from './conv-batch-norm.js';
import { isBlockType, NAMING_BY_BLOCK } from './naming.js';
import { conv2d, globalAvgPool, linear, maxPool2d, optionAShortcut } from './pytorch-ops.js';
import type { ModelConfig } from './types.js';

/*
 * One builder turns a ModelConfig into a network description: the list of named tensors (shapes,
 * layouts, initialisers — no allocation, so parameter counts of huge models are free) and the
 * forward functions that look the tensors up by name at run time.
 */

/** How a tensor converts between layouts: conv `[kh,kw,in,out]`↔`[out,in,kh,kw]`, linear `[in,out]`↔`[out,in]`. */
export type TensorKind = 'conv' | 'linear' | 'vector' | 'scalar';

export type Initializer =
  | { type: 'normal'; std: number }
  | { type: 'uniform'; bound: number }
  | { type: 'constant'; value: number };

/** One parameter or buffer of the network, in TF.js layout. */
export interface TensorSpec {
  name: string;
  shape: number[];
  kind: TensorKind;
  role: 'param' | 'buffer';
  dtype: 'float32' | 'int32';
  init: Initializer;
}

/** What a forward function sees at run time. */
export interface ForwardContext {
  tensor(name: string): tf.Variable;
  training: boolean;
  updateRunningStats: boolean;
  /** Eval mode only: run conv → BN pairs as one conv with the BN folded into filter and bias. */
  foldBatchNorm: boolean;
  /** Seed for the next dropout mask. */
  nextDropoutSeed(): number;
}

type Layer = (ctx: ForwardContext, x: tf.Tensor4D) => tf.Tensor4D;

export interface Network {
  specs: TensorSpec[];
  features: Layer;
  head: (ctx: ForwardContext, features: tf.Tensor4D, preLogits: boolean) => tf.Tensor2D;
}

const relu = (x: tf.Tensor4D): tf.Tensor4D => tf.relu(x);

function bnState(ctx: ForwardContext, name: string): BatchNormState {
  return {
    gamma: ctx.tensor(`${name}.weight`),
    beta: ctx.tensor(`${name}.bias`),
    runningMean: ctx.tensor(`${name}.running_mean`),
    runningVar: ctx.tensor(`${name}.running_var`),
    numBatchesTracked: ctx.tensor(`${name}.num_batches_tracked`),
  };
}

/** Collects tensor specs in PyTorch registration order and returns the layers using them. */
class Builder {
  readonly specs: TensorSpec[] = [];

  private add(spec: Omit<TensorSpec, 'dtype' | 'role'> & Partial<Pick<TensorSpec, 'dtype' | 'role'>>): void {
    if (this.specs.some((s) => s.name === spec.name)) throw new Error(`internal: duplicate tensor name ${spec.name}`);
    this.specs.push({ dtype: 'float32', role: 'param', ...spec });
  }

  /** nn.Conv2d(cin, cout, k, stride, padding, bias); Kaiming-normal fan-out init (zero with `zeroInit`). */
  conv(
    name: string,
    cin: number,
    cout: number,
    k: number,
    stride: number,
    padding: number,
    opts: { bias?: boolean; zeroInit?: boolean } = {},
  ): Layer {
    const std = opts.zeroInit ? 0 : Math.sqrt(2 / (cout * k * k));
    this.add({ name: `${name}.weight`, shape: [k, k, cin, cout], kind: 'conv', init: { type: 'normal', std } });
    if (opts.bias) {
      // PyTorch's default conv bias init: U(±1/√fan_in).
      this.add({ name: `${name}.bias`, shape: [cout], kind: 'vector', init: { type: 'uniform', bound: 1 / Math.sqrt(cin * k * k) } });
    }
    const w = `${name}.weight`;
    const b = `${name}.bias`;
    return (ctx, x) =>
      conv2d(
        x,
        ctx.tensor(w) as tf.Tensor as tf.Tensor4D,
        stride,
        padding,
        opts.bias ? (ctx.tensor(b) as tf.Tensor as tf.Tensor1D) : undefined,
      );
  }

  /** nn.BatchNorm2d(c): weight 1 (0 with `zeroInit`), bias 0, running_mean 0, running_var 1. */
  bn(name: string, c: number, opts: { zeroInit?: boolean } = {}): Layer {
    this.add({ name: `${name}.weight`, shape: [c], kind: 'vector', init: { type: 'constant', value: opts.zeroInit ? 0 : 1 } });
    this.add({ name: `${name}.bias`, shape: [c], kind: 'vector', init: { type: 'constant', value: 0 } });
    this.add({ name: `${name}.running_mean`, shape: [c], kind: 'vector', role: 'buffer', init: { type: 'constant', value: 0 } });
    this.add({ name: `${name}.running_var`, shape: [c], kind: 'vector', role: 'buffer', init: { type: 'constant', value: 1 } });
    this.add({
      name: `${name}.num_batches_tracked`,
      shape: [],
      kind: 'scalar',
      role: 'buffer',
      dtype: 'int32',
      init: { type: 'constant', value: 0 },
    });
    return (ctx, x) => batchNorm(x, bnState(ctx, name), ctx.training, ctx.training && ctx.updateRunningStats);
  }

  /**
   * nn.Conv2d (no bias) directly followed by nn.BatchNorm2d(cout): the tensors of both, registered
   * in that order. Training mode (or `foldBatchNorm` off): conv, then BN. Eval mode: one conv with
   * the BN folded in ({@link convBatchNormEval}).
   */
  convBn(convName: string, bnName: string, cin: number, cout: number, k: number, stride: number, padding: number, bnOpts: { zeroInit?: boolean } = {}): Layer {
    const conv = this.conv(convName, cin, cout, k, stride, padding);
    const bn = this.bn(bnName, cout, bnOpts);
    const w = `${convName}.weight`;
    return (ctx, x) =>
      ctx.training || !ctx.foldBatchNorm
        ? bn(ctx, conv(ctx, x))
        : convBatchNormEval(x, ctx.tensor(w) as tf.Tensor as tf.Tensor4D, stride, padding, bnState(ctx, bnName));
  }

  /** nn.Linear(cin, cout): PyTorch's default init U(±1/√cin) for weight and bias. */
  linear(name: string, cin: number, cout: number): (ctx: ForwardContext, x: tf.Tensor2D) => tf.Tensor2D {
    const bound = 1 / Math.sqrt(cin);
    this.add({ name: `${name}.weight`, shape: [cin, cout], kind: 'linear', init: { type: 'uniform', bound } });
    this.add({ name: `${name}.bias`, shape: [cout], kind: 'vector', init: { type: 'uniform', bound } });
    return (ctx, x) =>
      linear(x, ctx.tensor(`${name}.weight`) as tf.Tensor as tf.Tensor2D, ctx.tensor(`${name}.bias`) as tf.Tensor as tf.Tensor1D);
  }

  /** timm's SEModule: mean → 1×1 conv (bias) → ReLU → 1×1 conv (bias) → sigmoid gate. */
  se(name: string, c: number, reduction: number): Layer {
    const rd = Math.max(1, Math.floor(c / reduction));
    const fc1 = this.conv(`${name}.fc1`, c, rd, 1, 1, 0, { bias: true });
    const fc2 = this.conv(`${name}.fc2`, rd, c, 1, 1, 0, { bias: true });
    return (ctx, x) =>
      tf.tidy(() => {
        const s = tf.mean(x, [1, 2], true) as tf.Tensor4D;
        return tf.mul(x, tf.sigmoid(fc2(ctx, relu(fc1(ctx, s)))));
      });
  }
}

/** Validates the config's internal consistency; throws naming the offending field. */
export function validateConfig(config: ModelConfig): void {
  const fail = (msg: string): never => {
    throw new Error(`Invalid model config: ${msg}`);
  };
  const { depths, widths, strides } = config;
  if (depths.length === 0 || depths.length !== widths.length || depths.length !== strides.length) {
    fail(`depths (${depths.length}), widths (${widths.length}) and strides (${strides.length}) must be non-empty and of equal length`);
  }
  const posInt = (v: number, what: string): void => {
    if (!Number.isInteger(v) || v < 1) fail(`${what} must be a positive integer, got ${v}`);
  };
  depths.forEach((d, i) => posInt(d, `depths[${i}]`));
  widths.forEach((w, i) => posInt(w, `widths[${i}]`));
  strides.forEach((s, i) => posInt(s, `strides[${i}]`));
  posInt(config.stemWidth, 'stemWidth');
  posInt(config.inChannels, 'inChannels');
  posInt(config.numClasses, 'numClasses');
  posInt(config.bottleneckWidthFactor, 'bottleneckWidthFactor');
  if (config.se) posInt(config.reduction, 'reduction');
  if (!isBlockType(config.block)) fail(`unknown block "${config.block}"`);
  const expectedNaming = NAMING_BY_BLOCK[config.block];
  if (config.naming !== expectedNaming) fail(`block "${config.block}" uses naming "${expectedNaming}", got "${config.naming}"`);
  if (config.stem !== 'cifar' && config.stem !== 'imagenet') fail(`stem must be 'cifar' or 'imagenet', got "${config.stem}"`);
  if (config.stem === 'imagenet' && config.block === 'wide') fail(`Wide ResNets (block 'wide') have only the CIFAR stem`);
  if (config.shortcut !== 'A' && config.shortcut !== 'B') fail(`shortcut must be 'A' or 'B', got "${config.shortcut}"`);
  if (config.shortcut === 'A' && config.block !== 'basic') fail(`option-A shortcuts exist only for 'basic' blocks, not "${config.block}"`);
  if (!(config.dropout >= 0 && config.dropout < 1)) fail(`dropout must be in [0, 1), got ${config.dropout}`);
  if (config.dropout > 0 && config.block !== 'wide') fail(`dropout is an option of Wide ResNets only (block 'wide'), not "${config.block}"`);
  if (config.normalize) {
    const { mean, std } = config.normalize;
    if (mean.length !== config.inChannels || std.length !== config.inChannels) {
      fail(`normalize.mean and normalize.std need ${config.inChannels} values, got ${mean.length} and ${std.length}`);
    }
    if (std.some((s) => !(s > 0))) fail(`normalize.std must be positive, got [${std.join(', ')}]`);
  }
  if (config.block === 'wide') {
    // RobustBench's block adds x unchanged whenever in == out channels; a stride there could not work.
    let cin = config.stemWidth;
    config.widths.forEach((w, i) => {
      if (cin === w && config.strides[i] !== 1) fail(`wide block ${i + 1}: stride ${config.strides[i]} needs a channel change (${cin} → ${w})`);
      cin = w;
    });
  }
  if (config.shortcut === 'A') {
    let cin = config.stemWidth;
    config.widths.forEach((w, i) => {
      if (cin !== w && ((w - cin) % 2 !== 0 || w < cin)) fail(`option-A shortcut of stage ${i + 1}: cannot pad ${cin} channels to ${w} equally on both sides`);
      cin = w;
    });
  }
}

/** Builds the network description for a config (validates it first). Allocates nothing. */
export function buildNetwork(config: ModelConfig): Network {
  validateConfig(config);
  const b = new Builder();
  const preact = config.block !== 'basic' && config.block !== 'bottleneck';
  const expansion = config.block === 'bottleneck' || config.block === 'preact-bottleneck' ? 4 : 1;

  // Stem.
  const imagenet = config.stem === 'imagenet';
  const [sk, ss, sp] = imagenet ? [7, 2, 3] : [3, 1, 1];
  // Post-activation stems: conv → BN → ReLU (BN folded into the conv in eval mode); pre-activation: conv only.
  const stemConv = preact
    ? b.conv('conv1', config.inChannels, config.stemWidth, sk, ss, sp)
    : b.convBn('conv1', 'bn1', config.inChannels, config.stemWidth, sk, ss, sp);
  const stem: Layer = (ctx, x) =>
    tf.tidy(() => {
      let y = stemConv(ctx, x);
      if (!preact) y = relu(y);
      return imagenet ? maxPool2d(y, 3, 2, 1) : y;
    });

  // Stages.
  const blocks: Layer[] = [];
  let cin = config.stemWidth;
  config.depths.forEach((depth, i) => {
    const planes = config.widths[i];
    for (let j = 0; j < depth; j++) {
      const stride = j === 0 ? config.strides[i] : 1;
      const prefix = config.naming === 'robustbench' ? `block${i + 1}.layer.${j}` : `layer${i + 1}.${j}`;
      blocks.push(makeBlock(b, config, prefix, cin, planes, stride));
      cin = planes * expansion;
    }
  });

  // Final norm (pre-activation nets) and classifier.
  const finalBn = preact ? b.bn(config.naming === 'robustbench' ? 'bn1' : 'bn', cin) : null;
  const fc = b.linear(config.naming === 'fast_adversarial' ? 'linear' : 'fc', cin, config.numClasses);

  const normalize = config.normalize;
  const features: Layer = (ctx, images) =>
    tf.tidy(() => {
      let x = images;
      if (normalize) x = tf.div(tf.sub(x, tf.tensor1d(normalize.mean as number[])), tf.tensor1d(normalize.std as number[]));
      x = stem(ctx, x);
      for (const block of blocks) {
        const input = x;
        x = tf.tidy(() => block(ctx, input));
      }
      return finalBn ? relu(finalBn(ctx, x)) : x;
    });
  const head = (ctx: ForwardContext, feats: tf.Tensor4D, preLogits: boolean): tf.Tensor2D =>
    tf.tidy(() => {
      const pooled = globalAvgPool(feats);
      return preLogits ? pooled : fc(ctx, pooled);
    });
  return { specs: b.specs, features, head };
}

function makeBlock(b: Builder, config: ModelConfig, prefix: string, cin: number, planes: number, stride: number): Layer {
  const se = (c: number): Layer | null => (config.se ? b.se(`${prefix}.se`, c, config.reduction) : null);
  const zero = config.zeroInitResidual;

  switch (config.block) {
    case 'basic': {
      // torchvision BasicBlock (+ timm's SE after bn2).
      const convBn1 = b.convBn(`${prefix}.conv1`, `${prefix}.bn1`, cin, planes, 3, stride, 1);
      const convBn2 = b.convBn(`${prefix}.conv2`, `${prefix}.bn2`, planes, planes, 3, 1, 1, { zeroInit: zero });
      const seLayer = se(planes);
      const shortcut = postActShortcut(b, config, prefix, cin, planes, stride);
      return (ctx, x) => {
        let out = relu(convBn1(ctx, x));
        out = convBn2(ctx, out);
        if (seLayer) out = seLayer(ctx, out);
        return relu(tf.add(out, shortcut ? shortcut(ctx, x) : x));
      };
    }
    case 'bottleneck': {
      // torchvision Bottleneck (v1.5: stride on the 3×3) (+ SE after bn3).
      const width = planes * config.bottleneckWidthFactor;
      const convBn1 = b.convBn(`${prefix}.conv1`, `${prefix}.bn1`, cin, width, 1, 1, 0);
      const convBn2 = b.convBn(`${prefix}.conv2`, `${prefix}.bn2`, width, width, 3, stride, 1);
      const convBn3 = b.convBn(`${prefix}.conv3`, `${prefix}.bn3`, width, planes * 4, 1, 1, 0, { zeroInit: zero });
      const seLayer = se(planes * 4);
      const shortcut = postActShortcut(b, config, prefix, cin, planes * 4, stride);
      return (ctx, x) => {
        let out = relu(convBn1(ctx, x));
        out = relu(convBn2(ctx, out));
        out = convBn3(ctx, out);
        if (seLayer) out = seLayer(ctx, out);
        return relu(tf.add(out, shortcut ? shortcut(ctx, x) : x));
      };
    }
    case 'preact-basic':
    case 'wide': {
      // fast_adversarial PreActBlock / RobustBench WRN BasicBlock: identical maths, other names;
      // RobustBench has dropout between the convs.
      const wide = config.block === 'wide';
      const bn1 = b.bn(`${prefix}.bn1`, cin);
      const conv1 = b.conv(`${prefix}.conv1`, cin, planes, 3, stride, 1);
      const bn2 = b.bn(`${prefix}.bn2`, planes);
      const conv2 = b.conv(`${prefix}.conv2`, planes, planes, 3, 1, 1, { zeroInit: zero });
      const seLayer = se(planes);
      const project = wide ? cin !== planes : stride !== 1 || cin !== planes;
      const shortcut = project
        ? b.conv(wide ? `${prefix}.convShortcut` : `${prefix}.shortcut.0`, cin, planes, 1, stride, 0)
        : null;
      const rate = wide ? config.dropout : 0;
      return (ctx, x) => {
        const pre = relu(bn1(ctx, x));
        let out = relu(bn2(ctx, conv1(ctx, pre)));
        if (rate > 0 && ctx.training) out = tf.dropout(out, rate, undefined, ctx.nextDropoutSeed()) as tf.Tensor4D;
        out = conv2(ctx, out);
        if (seLayer) out = seLayer(ctx, out);
        return tf.add(out, shortcut ? shortcut(ctx, pre) : x);
      };
    }
    case 'preact-bottleneck': {
      const width = planes * config.bottleneckWidthFactor;
      const bn1 = b.bn(`${prefix}.bn1`, cin);
      const conv1 = b.conv(`${prefix}.conv1`, cin, width, 1, 1, 0);
      const bn2 = b.bn(`${prefix}.bn2`, width);
      const conv2 = b.conv(`${prefix}.conv2`, width, width, 3, stride, 1);
      const bn3 = b.bn(`${prefix}.bn3`, width);
      const conv3 = b.conv(`${prefix}.conv3`, width, planes * 4, 1, 1, 0, { zeroInit: zero });
      const seLayer = se(planes * 4);
      const shortcut =
        stride !== 1 || cin !== planes * 4 ? b.conv(`${prefix}.shortcut.0`, cin, planes * 4, 1, stride, 0) : null;
      return (ctx, x) => {
        const pre = relu(bn1(ctx, x));
        let out = conv1(ctx, pre);
        out = conv2(ctx, relu(bn2(ctx, out)));
        out = conv3(ctx, relu(bn3(ctx, out)));
        if (seLayer) out = seLayer(ctx, out);
        return tf.add(out, shortcut ? shortcut(ctx, pre) : x);
      };
    }
  }
}

/** torchvision's `downsample` (1×1 conv + BN, option B) or akamaster's option A; null = identity. */
function postActShortcut(b: Builder, config: ModelConfig, prefix: string, cin: number, cout: number, stride: number): Layer | null {
  if (stride === 1 && cin === cout) return null;
  if (config.shortcut === 'A') return (_ctx, x) => optionAShortcut(x, cout, stride);
  return b.convBn(`${prefix}.downsample.0`, `${prefix}.downsample.1`, cin, cout, 1, stride, 0);
}

/** Number of trainable scalars of a config, without allocating anything. */
export function countParameters(config: ModelConfig): number {
  return buildNetwork(config)
    .specs.filter((s) => s.role === 'param')
    .reduce((n, s) => n + s.shape.reduce((a, d) => a * d, 1), 0);
}

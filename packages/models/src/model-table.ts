import type { ModelVariant } from './variant.js';

/*
 * The built-in models: one row per variant, as timm's resnet.py. A builder per family fills in
 * what the family shares, so a row says only what differs. Adding a variant is adding a row; its
 * name then appears in listModels(), isModelName() and the ModelName type.
 */

type PostActBlock = 'basic' | 'bottleneck';

const IMAGENET_WIDTHS = Object.freeze([64, 128, 256, 512]);
const FOUR_STRIDES = Object.freeze([1, 2, 2, 2]);
const THREE_STRIDES = Object.freeze([1, 2, 2]);

/** torchvision's ResNet: ImageNet stem by default (CIFAR stem on request). */
function tv(block: PostActBlock, depths: number[], bottleneckWidthFactor = 1): ModelVariant {
  return { block, depths: Object.freeze(depths), widths: IMAGENET_WIDTHS, strides: FOUR_STRIDES, stemWidth: 64, stem: 'imagenet', bottleneckWidthFactor };
}

/** locuslab/fast_adversarial's PreActResNet: torchvision's stages in pre-activation blocks, CIFAR stem by default. */
function preact(block: PostActBlock, depths: number[]): ModelVariant {
  return { ...tv(block, depths), block: block === 'basic' ? 'preact-basic' : 'preact-bottleneck', stem: 'cifar' };
}

/** timm-style SE-ResNet: torchvision's ResNet with squeeze-excitation in every block. */
function se(block: PostActBlock, depths: number[]): ModelVariant {
  return { ...tv(block, depths), se: true };
}

/** He et al.'s CIFAR ResNet (akamaster/pytorch_resnet_cifar10): 16/32/64 planes, option-A shortcuts, CIFAR stem only. */
function cifar(block: 'basic', depths: number[]): ModelVariant {
  return { block, depths: Object.freeze(depths), widths: Object.freeze([16, 32, 64]), strides: THREE_STRIDES, stemWidth: 16, stem: 'cifar', stems: ['cifar'], shortcut: 'A' };
}

/** RobustBench's WideResNet-`depth`-`k`: depth = 6n + 4 (n blocks per stage), planes 16k/32k/64k, CIFAR stem. */
export function wrn(depth: number, k: number): ModelVariant {
  const n = (depth - 4) / 6;
  return { block: 'wide', depths: Object.freeze([n, n, n]), widths: Object.freeze([16 * k, 32 * k, 64 * k]), strides: THREE_STRIDES, stemWidth: 16, stem: 'cifar' };
}

/** Every built-in model, in the order {@link listModels} lists them. */
export const MODEL_TABLE = Object.freeze({
  resnet18: tv('basic', [2, 2, 2, 2]),
  resnet34: tv('basic', [3, 4, 6, 3]),
  resnet50: tv('bottleneck', [3, 4, 6, 3]),
  resnet101: tv('bottleneck', [3, 4, 23, 3]),
  resnet152: tv('bottleneck', [3, 8, 36, 3]),
  resnet20: cifar('basic', [3, 3, 3]),
  resnet32: cifar('basic', [5, 5, 5]),
  resnet44: cifar('basic', [7, 7, 7]),
  resnet56: cifar('basic', [9, 9, 9]),
  resnet110: cifar('basic', [18, 18, 18]),
  preact_resnet18: preact('basic', [2, 2, 2, 2]),
  preact_resnet34: preact('basic', [3, 4, 6, 3]),
  preact_resnet50: preact('bottleneck', [3, 4, 6, 3]),
  preact_resnet101: preact('bottleneck', [3, 4, 23, 3]),
  preact_resnet152: preact('bottleneck', [3, 8, 36, 3]),
  // The usual Wide ResNets; any other wrn_<depth>_<k> resolves through WIDE_RESNET_NAME.
  wrn_16_4: wrn(16, 4),
  wrn_16_8: wrn(16, 8),
  wrn_28_4: wrn(28, 4),
  wrn_28_10: wrn(28, 10),
  wrn_34_10: wrn(34, 10),
  wrn_34_20: wrn(34, 20),
  wrn_40_2: wrn(40, 2),
  wrn_70_16: wrn(70, 16),
  wide_resnet50_2: tv('bottleneck', [3, 4, 6, 3], 2),
  wide_resnet101_2: tv('bottleneck', [3, 4, 23, 3], 2),
  se_resnet18: se('basic', [2, 2, 2, 2]),
  se_resnet34: se('basic', [3, 4, 6, 3]),
  se_resnet50: se('bottleneck', [3, 4, 6, 3]),
  se_resnet101: se('bottleneck', [3, 4, 23, 3]),
  se_resnet152: se('bottleneck', [3, 8, 36, 3]),
} satisfies Record<string, ModelVariant>);

/** A name of the built-in table. */
export type TableModelName = keyof typeof MODEL_TABLE;

/** The open Wide ResNet family `wrn_<depth>_<k>` (no leading zeros). */
const WIDE_RESNET_NAME = /^wrn_([1-9]\d*)_([1-9]\d*)$/;

/** Names of this shape belong to the Wide ResNet family (registerModel refuses them). */
export const WIDE_RESNET_PATTERN = /^wrn_\d+_\d+$/;

/** The row of a built-in name (own keys only: `toString` is no model), else undefined. */
export function tableVariant(name: string): ModelVariant | undefined {
  return Object.hasOwn(MODEL_TABLE, name) ? MODEL_TABLE[name as TableModelName] : undefined;
}

/** The variant of a `wrn_<depth>_<k>` name with depth = 6n + 4 ≥ 10 and k ≥ 1, else undefined. */
export function wideResNetVariant(name: string): ModelVariant | undefined {
  const m = WIDE_RESNET_NAME.exec(name);
  if (!m) return undefined;
  const depth = Number(m[1]);
  if ((depth - 4) % 6 !== 0 || depth < 10) return undefined;
  return wrn(depth, Number(m[2]));
}

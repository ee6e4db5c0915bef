import { NAMING_BY_BLOCK } from './naming.js';
import type { BlockType, ModelConfig, StemType } from './types.js';

/**
 * One row of the model registry: what makes a variant, as plain data. Everything else follows
 * from it — the parameter naming from `block`, the options `createModel` accepts beyond the common
 * ones (`dropout` for `wide` blocks, `reduction` with `se`, `shortcut` when it is 'A'), the number
 * of classes and the input normalisation from the stem.
 */
export interface ModelVariant {
  /** Residual block type; it fixes the parameter names (see {@link NamingScheme}). */
  block: BlockType;
  /** Number of blocks in each stage. */
  depths: readonly number[];
  /** Each stage's planes (see {@link ModelConfig.widths}). */
  widths: readonly number[];
  /** Stride of each stage's first block. */
  strides: readonly number[];
  /** Output channels of the stem convolution. */
  stemWidth: number;
  /** The stem used when `createModel`'s options name none. */
  stem: StemType;
  /** The stems `createModel` accepts (default: both; only 'cifar' for `wide` blocks). Must include `stem`. */
  stems?: readonly StemType[];
  /** Bottleneck inner-width factor (2 for `wide_resnet50_2`); default 1. */
  bottleneckWidthFactor?: number;
  /** Squeeze-excitation in every block (the `reduction` option then applies); default false. */
  se?: boolean;
  /**
   * Shortcut where the shape changes; default 'B' (projection). 'A' (parameter-free, He et al.'s
   * CIFAR nets) also lets `createModel` switch to 'B' with its `shortcut` option.
   */
  shortcut?: 'A' | 'B';
}

/** The `createModel` options a variant takes beyond the common ones, derived from its block. */
export type VariantOption = 'dropout' | 'reduction' | 'shortcut';

const BOTH_STEMS: readonly StemType[] = Object.freeze(['cifar', 'imagenet'] as const);
const CIFAR_STEM: readonly StemType[] = Object.freeze(['cifar'] as const);

/** The stems a variant accepts. */
export function variantStems(variant: ModelVariant): readonly StemType[] {
  return variant.stems ?? (variant.block === 'wide' ? CIFAR_STEM : BOTH_STEMS);
}

/** The options a variant accepts beyond the common ones. */
export function variantOptions(variant: ModelVariant): VariantOption[] {
  const options: VariantOption[] = [];
  if (variant.block === 'wide') options.push('dropout');
  if (variant.se) options.push('reduction');
  if (variant.shortcut === 'A') options.push('shortcut');
  return options;
}

/** The config fields a variant fixes (the rest comes from the options), in ModelConfig's key order. */
export type VariantConfig = Omit<ModelConfig, 'stem' | 'numClasses' | 'normalize' | 'zeroInitResidual' | 'dropout' | 'reduction' | 'shortcut'> & {
  shortcut?: 'A' | 'B';
};

/**
 * The config fields of a variant, with `naming` derived from the block. `shortcut` is present only
 * when the variant sets it, so its key keeps the place it has always had in `model.config`.
 */
export function variantConfig(variant: ModelVariant): VariantConfig {
  return {
    block: variant.block,
    depths: variant.depths,
    widths: variant.widths,
    strides: variant.strides,
    stemWidth: variant.stemWidth,
    inChannels: 3,
    bottleneckWidthFactor: variant.bottleneckWidthFactor ?? 1,
    se: variant.se ?? false,
    naming: NAMING_BY_BLOCK[variant.block],
    ...(variant.shortcut === undefined ? {} : { shortcut: variant.shortcut }),
  };
}

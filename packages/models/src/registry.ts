import { createModelFromConfig } from './model.js';
import { MODEL_TABLE, tableVariant, wideResNetVariant, type TableModelName } from './model-table.js';
import { validateConfig } from './network.js';
import { registeredNames, registeredVariant } from './register-model.js';
import type { Classifier } from '@cnn/core';
import type { Model, ModelConfig, ModelOptions, Normalization } from './types.js';
import { variantConfig, variantOptions, variantStems, type ModelVariant } from './variant.js';

/** CIFAR-10 training-set channel statistics (as locuslab/fast_adversarial). */
export const CIFAR10_NORMALIZATION: Normalization = Object.freeze({
  mean: Object.freeze([0.4914, 0.4822, 0.4465]),
  std: Object.freeze([0.2471, 0.2435, 0.2616]),
});

/** ImageNet channel statistics (torchvision). */
export const IMAGENET_NORMALIZATION: Normalization = Object.freeze({
  mean: Object.freeze([0.485, 0.456, 0.406]),
  std: Object.freeze([0.229, 0.224, 0.225]),
});

export type ResNetName = 'resnet18' | 'resnet34' | 'resnet50' | 'resnet101' | 'resnet152';
export type CifarResNetName = 'resnet20' | 'resnet32' | 'resnet44' | 'resnet56' | 'resnet110';
export type PreActResNetName = Extract<TableModelName, `preact_${string}`>;
export type SEResNetName = Extract<TableModelName, `se_${string}`>;
export type WideResNetName = Extract<TableModelName, `wide_${string}`> | `wrn_${number}_${number}`;

/** Fails to compile when a name of the hand-written unions above is not a row of the table. */
type TableNames<T extends TableModelName> = T;
type _Families = TableNames<ResNetName | CifarResNetName>;

/**
 * Names added with {@link registerModel}, as keys, so that they type-check as {@link ModelName}:
 * `declare module '@cnn/models' { interface RegisteredModelNames { resnet26: true } }`.
 */
export interface RegisteredModelNames {}

/**
 * Every name {@link createModel} accepts: the built-in table's keys, `wrn_<depth>_<k>` for any
 * depth = 6n + 4 ≥ 10 and k ≥ 1, and the names declared in {@link RegisteredModelNames}.
 */
export type ModelName = TableModelName | WideResNetName | keyof RegisteredModelNames;

/** The variant a name resolves to: a table row, a registered variant or a `wrn_<d>_<k>`; else undefined. */
function lookup(name: string): ModelVariant | undefined {
  return tableVariant(name) ?? registeredVariant(name) ?? wideResNetVariant(name);
}

/**
 * Model names: the built-in table's, then those added with {@link registerModel}, optionally
 * filtered by a substring or a RegExp. Wide ResNets accept any `wrn_<depth>_<k>` with depth = 6n + 4
 * (depth ≥ 10); the usual ones are listed.
 */
export function listModels(filter?: string | RegExp): string[] {
  const names = [...Object.keys(MODEL_TABLE), ...registeredNames()];
  if (filter === undefined) return names;
  if (typeof filter === 'string') return names.filter((n) => n.includes(filter));
  if (filter instanceof RegExp) return names.filter((n) => { filter.lastIndex = 0; return filter.test(n); });
  throw new Error(`listModels: filter must be a string or a RegExp, got ${typeof filter}`);
}

/**
 * Whether `name` is a model {@link createModel} accepts (narrows a CLI string to {@link ModelName}).
 */
export function isModelName(name: string): name is ModelName {
  return typeof name === 'string' && lookup(name) !== undefined;
}

const COMMON_OPTIONS = ['numClasses', 'stem', 'normalize', 'zeroInitResidual', 'seed', 'widths', 'depths', 'stemWidth'];

/**
 * The full config a name and options resolve to (validated; nothing allocated). Useful to count
 * parameters without building: `countParameters(getModelConfig('wrn_70_16'))`.
 */
export function getModelConfig(name: ModelName, options: ModelOptions = {}): ModelConfig {
  const variant = typeof name === 'string' ? lookup(name) : undefined;
  if (!variant) {
    const wrnHint = /^wrn_/.test(String(name)) ? ' (Wide ResNets: wrn_<depth>_<k> with depth = 6n + 4 ≥ 10, k ≥ 1)' : '';
    throw new Error(`Unknown model "${String(name)}"${wrnHint}. Known models: ${listModels().join(', ')}`);
  }
  const what = `createModel(${name})`;
  checkOptions(what, variant, options);
  const base = variantConfig(variant);
  const stem = options.stem ?? variant.stem;
  const config: ModelConfig = {
    ...base,
    widths: options.widths ? [...options.widths] : [...base.widths],
    depths: options.depths ? [...options.depths] : [...base.depths],
    strides: [...base.strides],
    stemWidth: options.stemWidth ?? base.stemWidth,
    stem,
    numClasses: options.numClasses ?? (stem === 'cifar' ? 10 : 1000),
    normalize: normalization(stem, options.normalize),
    zeroInitResidual: options.zeroInitResidual ?? false,
    dropout: options.dropout ?? 0,
    reduction: options.reduction ?? 16,
    shortcut: options.shortcut ?? base.shortcut ?? 'B',
  };
  validateConfig(config);
  return config;
}

/** Throws naming the option when `options` has one the variant does not take, an unavailable stem or overrides of the wrong length. */
function checkOptions(what: string, variant: ModelVariant, options: ModelOptions): void {
  if (options === null || typeof options !== 'object') throw new Error(`${what}: options must be an object`);
  const allowed = new Set<string>([...COMMON_OPTIONS, ...variantOptions(variant)]);
  for (const [key, value] of Object.entries(options)) {
    // `{ dropout: undefined }` means "not given".
    if (value !== undefined && !allowed.has(key)) {
      throw new Error(`${what}: option "${key}" does not apply to this model; it takes ${[...allowed].join(', ')}`);
    }
  }
  const stems = variantStems(variant);
  const stem = options.stem ?? variant.stem;
  if (!stems.includes(stem)) {
    throw new Error(`${what}: stem "${stem}" is not available; this model has ${stems.map((s) => `'${s}'`).join(' or ')}`);
  }
  for (const key of ['widths', 'depths'] as const) {
    const v = options[key];
    if (v !== undefined && (!Array.isArray(v) || v.length !== variant[key].length)) {
      throw new Error(`${what}: ${key} must be an array of ${variant[key].length} numbers, got ${JSON.stringify(v)}`);
    }
  }
}

/** The input normalisation: the stem's dataset statistics unless `given` (null = none). */
function normalization(stem: ModelConfig['stem'], given: ModelOptions['normalize']): Normalization | null {
  if (given === undefined) return stem === 'cifar' ? CIFAR10_NORMALIZATION : IMAGENET_NORMALIZATION;
  return given === null ? null : { mean: [...given.mean], std: [...given.std] };
}

/**
 * Creates a model by registry name, e.g. `createModel('resnet18', { stem: 'cifar' })`,
 * `createModel('wrn_28_10', { dropout: 0.3 })`, `createModel('preact_resnet18')`. Parameters are
 * initialised from `options.seed` (default 0). The caller owns the model: call `model.dispose()`.
 */
export function createModel(name: ModelName, options: ModelOptions = {}): Model {
  if (options?.seed !== undefined && (typeof options.seed !== 'number' || !Number.isFinite(options.seed))) {
    throw new Error(`createModel(${name}): seed must be a finite number, got ${String(options.seed)}`);
  }
  return createModelFromConfig(getModelConfig(name, options), { name, seed: options.seed ?? 0 });
}

/**
 * The model as a {@link Classifier} for `@cnn/attacks`: NHWC images in [0, 1] → logits, always in
 * eval mode (running BN statistics, no dropout, buffers untouched).
 */
export function toClassifier(model: Model): Classifier {
  return (images) => model.apply(images, { training: false });
}

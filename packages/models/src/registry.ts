import { createModelFromConfig } from './model.js';
import { validateConfig } from './network.js';
import type { Classifier } from '@cnn/backend';
import type { Model, ModelConfig, ModelOptions, Normalization, StemType } from './types.js';

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
export type PreActResNetName = `preact_${ResNetName}`;
export type SEResNetName = `se_${ResNetName}`;
export type WideResNetName = 'wide_resnet50_2' | 'wide_resnet101_2' | `wrn_${number}_${number}`;
/** Every name {@link createModel} accepts (`wrn_<depth>_<k>` for any depth = 6n + 4 and k ≥ 1). */
export type ModelName = ResNetName | CifarResNetName | PreActResNetName | SEResNetName | WideResNetName;

interface Entry {
  /** The config minus what options/stem decide. */
  base: Omit<ModelConfig, 'stem' | 'numClasses' | 'normalize' | 'zeroInitResidual' | 'dropout' | 'reduction' | 'shortcut'> & {
    shortcut?: 'A' | 'B';
  };
  defaultStem: StemType;
  stems: readonly StemType[];
  /** Which options apply beyond the common ones. */
  extra: readonly ('dropout' | 'reduction' | 'shortcut')[];
}

const TORCHVISION_DEPTHS: Record<number, { block: 'basic' | 'bottleneck'; depths: number[] }> = {
  18: { block: 'basic', depths: [2, 2, 2, 2] },
  34: { block: 'basic', depths: [3, 4, 6, 3] },
  50: { block: 'bottleneck', depths: [3, 4, 6, 3] },
  101: { block: 'bottleneck', depths: [3, 4, 23, 3] },
  152: { block: 'bottleneck', depths: [3, 8, 36, 3] },
};

const IMAGENET_WIDTHS = [64, 128, 256, 512];
const FOUR_STRIDES = [1, 2, 2, 2];
const BOTH: readonly StemType[] = ['cifar', 'imagenet'];
const CIFAR_ONLY: readonly StemType[] = ['cifar'];

/** Looks a name up; returns undefined for unknown names. Builds entries on demand (no import-time work). */
function lookup(name: string): Entry | undefined {
  let m = /^(preact_|se_)?resnet(\d+)$/.exec(name);
  if (m) {
    const depth = Number(m[2]);
    const prefix = m[1] ?? '';
    const tv = TORCHVISION_DEPTHS[depth];
    if (tv) {
      const preact = prefix === 'preact_';
      return {
        base: {
          block: preact ? (tv.block === 'basic' ? 'preact-basic' : 'preact-bottleneck') : tv.block,
          depths: tv.depths,
          widths: IMAGENET_WIDTHS,
          strides: FOUR_STRIDES,
          stemWidth: 64,
          inChannels: 3,
          bottleneckWidthFactor: 1,
          se: prefix === 'se_',
          naming: preact ? 'fast_adversarial' : 'torchvision',
        },
        defaultStem: preact ? 'cifar' : 'imagenet',
        stems: BOTH,
        extra: prefix === 'se_' ? ['reduction'] : [],
      };
    }
    if (!prefix && [20, 32, 44, 56, 110].includes(depth)) {
      const n = (depth - 2) / 6;
      return {
        base: {
          block: 'basic',
          depths: [n, n, n],
          widths: [16, 32, 64],
          strides: [1, 2, 2],
          stemWidth: 16,
          inChannels: 3,
          bottleneckWidthFactor: 1,
          se: false,
          naming: 'torchvision',
          shortcut: 'A',
        },
        defaultStem: 'cifar',
        stems: CIFAR_ONLY,
        extra: ['shortcut'],
      };
    }
    return undefined;
  }
  m = /^wide_resnet(50|101)_2$/.exec(name);
  if (m) {
    return {
      base: {
        block: 'bottleneck',
        depths: TORCHVISION_DEPTHS[Number(m[1])].depths,
        widths: IMAGENET_WIDTHS,
        strides: FOUR_STRIDES,
        stemWidth: 64,
        inChannels: 3,
        bottleneckWidthFactor: 2,
        se: false,
        naming: 'torchvision',
      },
      defaultStem: 'imagenet',
      stems: BOTH,
      extra: [],
    };
  }
  m = /^wrn_([1-9]\d*)_([1-9]\d*)$/.exec(name);
  if (m) {
    const depth = Number(m[1]);
    const k = Number(m[2]);
    if ((depth - 4) % 6 !== 0 || depth < 10) return undefined;
    const n = (depth - 4) / 6;
    return {
      base: {
        block: 'wide',
        depths: [n, n, n],
        widths: [16 * k, 32 * k, 64 * k],
        strides: [1, 2, 2],
        stemWidth: 16,
        inChannels: 3,
        bottleneckWidthFactor: 1,
        se: false,
        naming: 'robustbench',
      },
      defaultStem: 'cifar',
      stems: CIFAR_ONLY,
      extra: ['dropout'],
    };
  }
  return undefined;
}

/** Representative names listed by {@link listModels} (any valid `wrn_<d>_<k>` also works). */
const LISTED: readonly ModelName[] = [
  'resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152',
  'resnet20', 'resnet32', 'resnet44', 'resnet56', 'resnet110',
  'preact_resnet18', 'preact_resnet34', 'preact_resnet50', 'preact_resnet101', 'preact_resnet152',
  'wrn_16_4', 'wrn_16_8', 'wrn_28_4', 'wrn_28_10', 'wrn_34_10', 'wrn_34_20', 'wrn_40_2', 'wrn_70_16',
  'wide_resnet50_2', 'wide_resnet101_2',
  'se_resnet18', 'se_resnet34', 'se_resnet50', 'se_resnet101', 'se_resnet152',
];

/**
 * Registered model names, optionally filtered by a substring or a RegExp. Wide ResNets accept any
 * `wrn_<depth>_<k>` with depth = 6n + 4 (depth ≥ 10); the usual ones are listed.
 */
export function listModels(filter?: string | RegExp): string[] {
  if (filter === undefined) return [...LISTED];
  if (typeof filter === 'string') return LISTED.filter((n) => n.includes(filter));
  if (filter instanceof RegExp) return LISTED.filter((n) => { filter.lastIndex = 0; return filter.test(n); });
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
  const entry = typeof name === 'string' ? lookup(name) : undefined;
  if (!entry) {
    const wrnHint = /^wrn_/.test(String(name)) ? ' (Wide ResNets: wrn_<depth>_<k> with depth = 6n + 4 ≥ 10, k ≥ 1)' : '';
    throw new Error(`Unknown model "${String(name)}"${wrnHint}. Known models: ${LISTED.join(', ')}`);
  }
  if (options === null || typeof options !== 'object') throw new Error(`createModel(${name}): options must be an object`);
  const allowed = new Set<string>([...COMMON_OPTIONS, ...entry.extra]);
  for (const [key, value] of Object.entries(options)) {
    // `{ dropout: undefined }` means "not given".
    if (value !== undefined && !allowed.has(key)) {
      throw new Error(`createModel(${name}): option "${key}" does not apply to this model; it takes ${[...allowed].join(', ')}`);
    }
  }
  const stem = options.stem ?? entry.defaultStem;
  if (!entry.stems.includes(stem)) {
    throw new Error(`createModel(${name}): stem "${stem}" is not available; this model has ${entry.stems.map((s) => `'${s}'`).join(' or ')}`);
  }
  const sameLength = (key: 'widths' | 'depths'): void => {
    const v = options[key];
    if (v !== undefined && (!Array.isArray(v) || v.length !== entry.base[key].length)) {
      throw new Error(`createModel(${name}): ${key} must be an array of ${entry.base[key].length} numbers, got ${JSON.stringify(v)}`);
    }
  };
  sameLength('widths');
  sameLength('depths');
  const config: ModelConfig = {
    ...entry.base,
    widths: options.widths ? [...options.widths] : [...entry.base.widths],
    depths: options.depths ? [...options.depths] : [...entry.base.depths],
    strides: [...entry.base.strides],
    stemWidth: options.stemWidth ?? entry.base.stemWidth,
    stem,
    numClasses: options.numClasses ?? (stem === 'cifar' ? 10 : 1000),
    normalize:
      options.normalize === undefined
        ? stem === 'cifar'
          ? CIFAR10_NORMALIZATION
          : IMAGENET_NORMALIZATION
        : options.normalize === null
          ? null
          : { mean: [...options.normalize.mean], std: [...options.normalize.std] },
    zeroInitResidual: options.zeroInitResidual ?? false,
    dropout: options.dropout ?? 0,
    reduction: options.reduction ?? 16,
    shortcut: options.shortcut ?? entry.base.shortcut ?? 'B',
  };
  validateConfig(config);
  return config;
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

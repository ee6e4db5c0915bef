import { isBlockType, NAMING_BY_BLOCK } from './naming.js';
import { tableVariant, WIDE_RESNET_PATTERN } from './model-table.js';
import { validateConfig } from './network.js';
import type { StemType } from './types.js';
import { variantConfig, variantStems, type ModelVariant } from './variant.js';

/** Variants added with {@link registerModel}, in registration order. */
const registered = new Map<string, ModelVariant>();

const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;
const FIELDS: readonly (keyof ModelVariant)[] = ['block', 'depths', 'widths', 'strides', 'stemWidth', 'stem', 'stems', 'bottleneckWidthFactor', 'se', 'shortcut'];
const STEMS: readonly StemType[] = ['cifar', 'imagenet'];

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : String(v));
const stemList = (stems: readonly StemType[]): string => `[${stems.map((s) => `'${s}'`).join(', ')}]`;

/** A variant added with {@link registerModel}, or undefined. */
export function registeredVariant(name: string): ModelVariant | undefined {
  return registered.get(name);
}

/** The names added with {@link registerModel}, in registration order. */
export function registeredNames(): string[] {
  return [...registered.keys()];
}

/**
 * Adds a model variant under `name`, for {@link createModel}, {@link getModelConfig},
 * {@link isModelName} and {@link listModels} (which lists it after the built-in models). The
 * variant is checked in full first — for every stem it accepts, the config it resolves to must be
 * valid — and copied, so changing the object afterwards changes nothing. Throws naming the name and
 * the problem on an invalid name or variant, on a name already registered (built-in or not) and on
 * `wrn_<depth>_<k>` names, which belong to the Wide ResNet family. To type-check the new name where
 * a {@link ModelName} is expected, add it to {@link RegisteredModelNames}.
 *
 * @example
 * registerModel('resnet26', { block: 'bottleneck', depths: [2, 2, 2, 2], widths: [64, 128, 256, 512], strides: [1, 2, 2, 2], stemWidth: 64, stem: 'imagenet' });
 */
export function registerModel(name: string, variant: ModelVariant): void {
  const what = `registerModel(${typeof name === 'string' ? JSON.stringify(name) : show(name)})`;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new Error(`${what}: name must be a letter followed by up to 99 letters, digits, '_', '.' or '-', got ${show(name)}`);
  }
  if (tableVariant(name) !== undefined || registered.has(name)) throw new Error(`${what}: a model of that name is already registered`);
  if (WIDE_RESNET_PATTERN.test(name)) throw new Error(`${what}: names wrn_<depth>_<k> are the Wide ResNet family's; choose another name`);
  let copy: ModelVariant;
  try {
    copy = checkedCopy(variant);
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}`);
  }
  registered.set(name, copy);
}

/** Checks every field of a variant; returns a frozen copy. */
function checkedCopy(variant: ModelVariant): ModelVariant {
  if (variant === null || typeof variant !== 'object' || Array.isArray(variant)) throw new Error(`variant must be an object, got ${show(variant)}`);
  for (const key of Object.keys(variant)) {
    if (!(FIELDS as string[]).includes(key)) {
      const why = key === 'naming' ? ' (the naming follows from the block type)' : '';
      throw new Error(`unknown field "${key}"${why}; a variant has ${FIELDS.join(', ')}`);
    }
  }
  const { block, stem, stems, se } = variant;
  if (!isBlockType(block)) throw new Error(`block must be one of ${Object.keys(NAMING_BY_BLOCK).join(', ')}; got ${show(block)}`);
  for (const key of ['depths', 'widths', 'strides'] as const) {
    if (!Array.isArray(variant[key]) || variant[key].some((v) => typeof v !== 'number')) throw new Error(`${key} must be an array of numbers, got ${show(variant[key])}`);
  }
  if (!STEMS.includes(stem)) throw new Error(`stem must be 'cifar' or 'imagenet', got ${show(stem)}`);
  if (stems !== undefined) {
    if (!Array.isArray(stems) || stems.length === 0 || stems.some((s) => !STEMS.includes(s))) {
      throw new Error(`stems must be a non-empty array of 'cifar' and/or 'imagenet', got ${JSON.stringify(stems)}`);
    }
    if (new Set(stems).size !== stems.length) throw new Error(`stems must be distinct, got ${stemList(stems)}`);
  }
  if (se !== undefined && typeof se !== 'boolean') throw new Error(`se must be true or false, got ${show(se)}`);
  const copy: ModelVariant = Object.freeze({
    ...variant,
    depths: Object.freeze([...variant.depths]),
    widths: Object.freeze([...variant.widths]),
    strides: Object.freeze([...variant.strides]),
    ...(stems === undefined ? {} : { stems: Object.freeze([...stems]) }),
  });
  const accepted = variantStems(copy);
  if (!accepted.includes(stem)) throw new Error(`stem "${stem}" is not among stems ${stemList(accepted)}`);
  for (const s of accepted) checkResolves(copy, s);
  return copy;
}

/** Throws validateConfig's error when the variant's default config with stem `stem` is invalid. */
function checkResolves(variant: ModelVariant, stem: StemType): void {
  validateConfig({
    ...variantConfig(variant),
    stem,
    numClasses: 10,
    normalize: null,
    zeroInitResidual: false,
    dropout: 0,
    reduction: 16,
    shortcut: variant.shortcut ?? 'B',
  });
}

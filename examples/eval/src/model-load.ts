import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CliError } from '@cnn/example-common';
import { createModel, createModelFromConfig, getModelConfig, loadWeightsFromBytes, type Model, type ModelConfig, type ModelName, type ModelOptions } from '@cnn/models';
import { CIFAR10_NORMALIZATION } from '@cnn/models';
import type { EvalSettings } from './args.js';
import type { ModelIdentity } from './results-file.js';

/** The `__metadata__` strings of a safetensors file (`{}` when it has none); a bad header is a {@link CliError}. */
function safetensorsMetadata(bytes: Uint8Array, path: string): Record<string, string> {
  if (bytes.length < 8) throw new CliError(`--weights ${path}: ${bytes.length} bytes, too short for a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = Number(view.getBigUint64(0, true));
  if (length > bytes.length - 8) throw new CliError(`--weights ${path}: not a safetensors file (header length ${length} exceeds the file)`);
  try {
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as { __metadata__?: Record<string, string> };
    return header.__metadata__ ?? {};
  } catch {
    throw new CliError(`--weights ${path}: not a safetensors file (its header is not JSON)`);
  }
}

/** The architecture to build: the weights file's own (files of `saveWeights`) or the registry's, with the flags' overrides. */
function modelFor(settings: EvalSettings, meta: Record<string, string>, numClasses: number, path: string): { name: string; model: Model } {
  if (meta.config && meta.model && !hasShapeOverrides(settings)) {
    const config = JSON.parse(meta.config) as ModelConfig;
    if (config.numClasses !== numClasses) throw new CliError(`--weights ${path}: the model has ${config.numClasses} classes, the data set ${numClasses}`);
    return { name: meta.model, model: createModelFromConfig(config, { name: meta.model }) };
  }
  if (settings.model === null) throw new CliError(`--model is required: ${path} does not record its architecture (give a registry name, e.g. --model wrn_28_10)`);
  const options: ModelOptions = { numClasses, stem: 'cifar' };
  if (settings.widths) options.widths = settings.widths;
  if (settings.depths) options.depths = settings.depths;
  if (settings.stemWidth !== null) options.stemWidth = settings.stemWidth;
  if (settings.normalize !== 'registry') options.normalize = settings.normalize === 'none' ? null : CIFAR10_NORMALIZATION;
  try {
    getModelConfig(settings.model as ModelName, options);
    return { name: settings.model, model: createModel(settings.model as ModelName, options) };
  } catch (error) {
    throw new CliError(`--model ${settings.model}: ${(error as Error).message}`);
  }
}

/** A weights file read into memory, with its safetensors metadata. */
export interface WeightsFile {
  path: string;
  bytes: Uint8Array;
  meta: Record<string, string>;
}

/** Reads the weights file and its header (no backend needed): a missing or foreign file fails before TF.js starts. */
export function readWeightsFile(settings: EvalSettings, path: string): WeightsFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CliError(`--weights ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const meta = safetensorsMetadata(bytes, path);
  if (meta.model && meta.config && settings.model !== null && settings.model !== meta.model && !hasShapeOverrides(settings)) {
    throw new CliError(`--model ${settings.model}: the weights file ${path} holds a ${meta.model} (written by saveWeights); leave out --model or give ${meta.model}`);
  }
  return { path, bytes, meta };
}

const hasShapeOverrides = (s: EvalSettings) => s.widths !== null || s.depths !== null || s.stemWidth !== null || s.normalize !== 'registry';

/**
 * Builds the model and loads `path` into it (safetensors, PyTorch or TF.js layout as the file
 * says). A file that does not fit the model is a {@link CliError} naming both; nothing leaks.
 */
export function loadEvalModel(settings: EvalSettings, file: WeightsFile, numClasses: number): { model: Model; identity: ModelIdentity } {
  const { bytes, meta, path } = file;
  const { name, model } = modelFor(settings, meta, numClasses, path);
  try {
    loadWeightsFromBytes(model, bytes);
  } catch (error) {
    model.dispose();
    const message = (error as Error).message.replace(/\s*\n\s*/g, ' ');
    throw new CliError(`--weights ${path} does not fit --model ${name}: ${message}`);
  }
  const weightsSha256 = createHash('sha256').update(bytes).digest('hex');
  return { model, identity: { name, config: JSON.stringify(model.config), weightsSha256 } };
}

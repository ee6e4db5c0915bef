/**
 * public/model/model.json: which network the weights file holds and how it was made, so the page
 * can rebuild it with `createModel(model, options)` and say what it is.
 */
import { isModelName, type ModelName, type ModelOptions } from '@cnn/models';

export interface ModelManifest {
  /** safetensors file next to model.json. */
  weights: string;
  model: ModelName;
  options: Pick<ModelOptions, 'widths' | 'depths' | 'stemWidth' | 'numClasses'>;
  classes: string[];
  parameters: number;
  /** The trainer's command line that produced the weights. */
  recipe: string;
  /** What the trainer measured on the CIFAR-10 test set. */
  testAccuracy: number;
  testImages: number;
}

/** Checks the parsed model.json; errors name `source` and the field. */
export function readManifest(json: unknown, source: string): ModelManifest {
  const bad = (field: string, expected: string): never => {
    throw new Error(`${source}: "${field}" must be ${expected}`);
  };
  if (json === null || typeof json !== 'object') bad('(root)', 'an object');
  const m = json as Record<string, unknown>;
  if (typeof m.weights !== 'string' || !m.weights.endsWith('.safetensors')) bad('weights', 'a .safetensors file name');
  if (typeof m.model !== 'string' || !isModelName(m.model)) bad('model', 'a @cnn/models registry name');
  if (m.options === null || typeof m.options !== 'object') bad('options', 'an object of createModel options');
  if (!Array.isArray(m.classes) || m.classes.length < 2 || !m.classes.every((c) => typeof c === 'string')) bad('classes', 'an array of class names');
  for (const field of ['parameters', 'testAccuracy', 'testImages'] as const) {
    if (typeof m[field] !== 'number' || !Number.isFinite(m[field])) bad(field, 'a number');
  }
  if (typeof m.recipe !== 'string') bad('recipe', 'a string');
  return m as unknown as ModelManifest;
}

import { getModelConfig, type ModelName, type ModelOptions } from '@cnn/models';

/**
 * The `createModel` options for a registry name plus the `--widths` / `--depths` overrides, checked
 * by `getModelConfig` (which allocates nothing, so a bad name or shape fails before any backend
 * starts). With `--widths`, the stem width is scaled like the first stage (ResNet-20 with widths
 * 8,16,32 gets an 8-channel stem), so that the narrowed net stays valid.
 */
export function modelOptionsFor(
  name: string,
  base: ModelOptions,
  overrides: { widths?: number[]; depths?: number[] },
): ModelOptions {
  const registry = getModelConfig(name as ModelName, base);
  const options: ModelOptions = { ...base, ...overrides };
  if (overrides.widths) {
    options.stemWidth = Math.max(1, Math.round((registry.stemWidth * overrides.widths[0]) / registry.widths[0]));
  }
  getModelConfig(name as ModelName, options);
  return options;
}

import { checkCommonArgs, CliError, commonArgs, COMMON_OPTIONS, parseBoundedNumber, parseFlags, type CommonArgs } from '@cnn/example-common';

/**
 * The command line as typed, checked and converted, before defaults are applied: the shared flags
 * of `@cnn/example-common` plus `--image-size`. `undefined` means "not given": the defaults depend
 * on other flags (adversarial mode, batch size), which `resolveConfig` decides.
 */
export interface CliArgs extends CommonArgs {
  /** Side of the square training crop / evaluation center crop, in pixels. */
  imageSize?: number;
}

const OPTIONS = { ...COMMON_OPTIONS, 'image-size': { type: 'string' } } as const;

/**
 * Parses and checks `argv` (without `node` and the script). Throws a `CliError` whose message
 * names the flag and what was expected for: unknown flags, stray arguments, missing values, values
 * that are not numbers or out of range, unknown choices, and flags that contradict each other.
 */
export function parseCliArgs(argv: string[]): CliArgs {
  const values = parseFlags(argv, OPTIONS);
  const size = values['image-size'] as string | undefined;
  const args: CliArgs = {
    ...commonArgs(values),
    imageSize: size === undefined ? undefined : parseBoundedNumber(size, '--image-size', { min: 8, max: 1024, integer: true }),
  };
  if (args.help) return args;
  checkCommonArgs(args);
  if (values.download) {
    throw new CliError('--download: ImageNet cannot be downloaded automatically (its licence needs a sign-in at image-net.org); prepare train/ and val/ class folders and pass --data DIR');
  }
  return args;
}

import { checkCommonArgs, commonArgs, COMMON_OPTIONS, oneOf, parseFlags, type CommonArgs } from '@cnn/example-common';

export const DATASETS = ['cifar10', 'cifar100'] as const;
export type DatasetName = (typeof DATASETS)[number];

/**
 * The command line as typed, checked and converted, before defaults are applied: the shared flags
 * of `@cnn/example-common` plus CIFAR's `--download` and `--dataset`. `undefined` means "not given":
 * the defaults depend on other flags (offline sample vs full run, adversarial mode), which
 * `resolveConfig` decides.
 */
export interface CliArgs extends CommonArgs {
  download: boolean;
  dataset: DatasetName;
}

const OPTIONS = { ...COMMON_OPTIONS, dataset: { type: 'string' } } as const;

/**
 * Parses and checks `argv` (without `node` and the script). Throws a `CliError` whose message
 * names the flag and what was expected for: unknown flags, stray arguments, missing values, values
 * that are not numbers or out of range, unknown choices, and flags that contradict each other.
 */
export function parseCliArgs(argv: string[]): CliArgs {
  const values = parseFlags(argv, OPTIONS);
  const args: CliArgs = {
    ...commonArgs(values),
    download: values.download === true,
    dataset: oneOf(values.dataset as string | undefined, DATASETS, '--dataset') ?? 'cifar10',
  };
  if (args.help) return args;
  checkCommonArgs(args);
  return args;
}

import { CliError, CORRUPTION_NAMES } from '@cnn/example-common';

export { CORRUPTION_NAMES };


/** `--corruptions all` or a comma-separated list of {@link CORRUPTION_NAMES}; absent = `[]`. */
export function parseCorruptionList(text: string | undefined): string[] {
  if (text === undefined) return [];
  const items = text.split(',').map((x) => x.trim().toLowerCase());
  if (items.length === 1 && items[0] === 'all') return [...CORRUPTION_NAMES];
  for (const name of items) {
    if (!(CORRUPTION_NAMES as readonly string[]).includes(name)) {
      throw new CliError(`--corruptions: "${name}" is not a corruption (write all, or names from: ${CORRUPTION_NAMES.join(', ')})`);
    }
  }
  if (new Set(items).size !== items.length) throw new CliError(`--corruptions: a corruption is listed twice (${text})`);
  return items;
}

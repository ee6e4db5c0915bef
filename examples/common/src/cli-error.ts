/**
 * A problem with what the user typed (a flag, a value, a path). The CLI's `main` prints its message
 * after `<command>: error:` with a pointer to `--help` and exits with code 2, without a stack trace.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
}

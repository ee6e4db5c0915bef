/**
 * A problem with what the user typed (a flag, a value, a path). `main` prints its message after
 * `cnn-imagenet: error:` with a pointer to `--help` and exits with code 2, without a stack trace.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
}

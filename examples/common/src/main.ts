import { CliError } from './cli-error.js';

/** What an example CLI plugs into {@link cliMain}. */
export interface CliSpec<A extends { help: boolean }, C> {
  /** The command name (`cnn-cifar`), the prefix of every error line. */
  name: string;
  /** Parses `argv`; throws {@link CliError} for bad usage. */
  parse(argv: string[]): A;
  /** The `--help` text. */
  help(): string;
  /** Applies the defaults; throws {@link CliError} for flags that cannot work together. */
  resolve(args: A): C;
  /** Checks the paths a run needs before any backend starts, so a typo fails in milliseconds. */
  checkPaths(config: C): void;
  /** Runs (loading TF.js only now, so that --help and usage errors never start it); returns the exit code. */
  run(config: C, argv: string[]): Promise<number>;
}

/**
 * Parses `argv`, runs, and returns the process exit code: 0 ok, 1 run failed, 2 bad usage. Usage
 * errors print `<name>: error: <message>` and a pointer to `--help`, never a stack trace (set
 * `CNN_DEBUG` to see the stack of a failed run).
 */
export async function cliMain<A extends { help: boolean }, C>(spec: CliSpec<A, C>, argv: string[]): Promise<number> {
  const { name } = spec;
  let config: C;
  try {
    const args = spec.parse(argv);
    if (args.help) {
      process.stdout.write(spec.help());
      return 0;
    }
    config = spec.resolve(args);
    spec.checkPaths(config);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`${name}: error: ${error.message}\nRun "${name} --help" to see the flags and their defaults.\n`);
      return 2;
    }
    throw error;
  }
  try {
    return await spec.run(config, argv);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`${name}: error: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`${name}: error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.CNN_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

/** Exits the process with the code `main` resolves to (an unexpected rejection is an internal error, code 1). */
export function exitWith(name: string, main: Promise<number>): void {
  main.then(
    (code) => {
      // Exit explicitly: wasm worker threads or a progress bar must not keep Node alive.
      process.exit(code);
    },
    (error: unknown) => {
      process.stderr.write(`${name}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}

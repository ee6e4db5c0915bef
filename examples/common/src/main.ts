import { CliError } from './cli-error.js';
import { adoptRealStderr, inFilteredChild, runWithFilteredStderr } from './filtered-stderr.js';
import { mayLoadTfjsNode } from './may-load-tfjs-node.js';

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
  /**
   * The `--backend` of a command that starts one. Such a command also takes `--verbose`; without
   * it, tfjs-node's start-up lines are kept off stderr (see {@link quietNativeStartup}).
   */
  backend?(config: C): string;
}

/** `--verbose`: shown by commands with a backend; taken out of `argv` before their own parsing. */
export const VERBOSE_FLAG = '--verbose';

/**
 * Without `--verbose`, a run that may load tfjs-node runs in a child process whose native stderr
 * drops libtensorflow's known start-up lines (`initBackend` hides the rest); returns its exit code,
 * or undefined when this process should run the command itself. With `--verbose`, TensorFlow logs
 * at its own default level (TF_CPP_MIN_LOG_LEVEL=0 unless set) and nothing is filtered.
 */
async function quietNativeStartup(backend: string, verbose: boolean): Promise<number | undefined> {
  if (verbose) {
    process.env.TF_CPP_MIN_LOG_LEVEL ??= '0';
    return undefined;
  }
  // Not on Windows (no fd passing as used here), nor under a debugger (which wants one process).
  const debugging = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--inspect'));
  if (inFilteredChild() || process.platform === 'win32' || debugging || !mayLoadTfjsNode(backend)) return undefined;
  return runWithFilteredStderr();
}

/**
 * Parses `argv`, runs, and returns the process exit code: 0 ok, 1 run failed, 2 bad usage. Usage
 * errors print `<name>: error: <message>` and a pointer to `--help`, never a stack trace (set
 * `CNN_DEBUG` to see the stack of a failed run).
 */
export async function cliMain<A extends { help: boolean }, C>(spec: CliSpec<A, C>, argv: string[]): Promise<number> {
  adoptRealStderr();
  const { name } = spec;
  const verbose = spec.backend !== undefined && argv.includes(VERBOSE_FLAG);
  let config: C;
  try {
    const args = spec.parse(verbose ? argv.filter((a) => a !== VERBOSE_FLAG) : argv);
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
  if (spec.backend) {
    const code = await quietNativeStartup(spec.backend(config), verbose);
    if (code !== undefined) return code;
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

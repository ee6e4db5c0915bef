#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { parseCliArgs } from './args.js';
import { CliError } from './cli-error.js';
import { resolveConfig, type RunConfig } from './config.js';
import { helpText } from './help.js';

const NAME = 'cnn-imagenet';

/** Checks the paths a run needs before any backend starts, so a typo fails in milliseconds. */
function checkPaths(config: RunConfig): void {
  if (!existsSync(config.dataRoot)) throw new CliError(`--data: directory "${config.dataRoot}" does not exist`);
  for (const dir of [config.trainDir, config.valDir]) {
    if (!existsSync(dir)) throw new CliError(`--data: "${dir}" does not exist; DIR must hold train/<class>/ and val/<class>/ image folders`);
  }
  if (config.resume && !existsSync(config.outDir)) {
    throw new CliError(`--resume: run directory "${config.outDir}" does not exist`);
  }
}

/** Parses `argv`, runs, and returns the process exit code (0 ok, 1 run failed, 2 bad usage). */
export async function main(argv: string[]): Promise<number> {
  let config: RunConfig;
  try {
    const args = parseCliArgs(argv);
    if (args.help) {
      process.stdout.write(helpText());
      return 0;
    }
    config = resolveConfig(args, {
      cwd: process.cwd(),
      now: new Date(),
    });
    checkPaths(config);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`${NAME}: error: ${error.message}\nRun "${NAME} --help" to see the flags and their defaults.\n`);
      return 2;
    }
    throw error;
  }
  // Loaded only now so that --help and usage errors never start TF.js.
  const { runImagenet } = await import('./run.js');
  try {
    return await runImagenet(config, argv);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`${NAME}: error: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`${NAME}: error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.CNN_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Exit explicitly: wasm worker threads or a progress bar must not keep Node alive.
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`${NAME}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

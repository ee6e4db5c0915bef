#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { checkResumeDirExists, cliMain, CliError, exitWith } from '@cnn/example-common';
import { parseCliArgs } from './args.js';
import { resolveConfig, type RunConfig } from './config.js';
import { helpText } from './help.js';

const NAME = 'cnn-imagenet';

/** Checks the paths a run needs before any backend starts, so a typo fails in milliseconds. */
function checkPaths(config: RunConfig): void {
  if (!existsSync(config.dataRoot)) throw new CliError(`--data: directory "${config.dataRoot}" does not exist`);
  for (const dir of [config.trainDir, config.valDir]) {
    if (!existsSync(dir)) throw new CliError(`--data: "${dir}" does not exist; DIR must hold train/<class>/ and val/<class>/ image folders`);
  }
  checkResumeDirExists(config);
}

/** Parses `argv`, runs, and returns the process exit code (0 ok, 1 run failed, 2 bad usage). */
export function main(argv: string[]): Promise<number> {
  return cliMain(
    {
      name: NAME,
      parse: parseCliArgs,
      help: helpText,
      resolve: (args) => resolveConfig(args, { cwd: process.cwd(), now: new Date() }),
      checkPaths,
      backend: (config) => config.backend,
      // Loaded only now so that --help and usage errors never start TF.js.
      run: async (config, argv) => (await import('./run.js')).runImagenet(config, argv),
    },
    argv,
  );
}

exitWith(NAME, main(process.argv.slice(2)));

#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cliMain, CliError, exitWith } from '@cnn/example-common';
import { helpText, parseCorruptArgs, type CorruptConfig } from './args.js';

const NAME = 'cnn-corrupt';
const SAMPLE = fileURLToPath(new URL('../../cifar/sample', import.meta.url));

/** Parses `argv`, runs, and returns the exit code (0 ok, 1 failed, 2 bad usage). */
export function main(argv: string[]): Promise<number> {
  return cliMain<CorruptConfig, CorruptConfig>(
    {
      name: NAME,
      parse: (a) => parseCorruptArgs(a, SAMPLE),
      help: helpText,
      resolve: (c) => c,
      checkPaths: (c) => {
        if (!existsSync(c.data)) throw new CliError(`--data: directory "${c.data}" does not exist`);
      },
      run: async (c) => (await import('./run.js')).runCorrupt(c),
    },
    argv,
  );
}

exitWith(NAME, main(process.argv.slice(2)));

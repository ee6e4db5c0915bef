#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { cliMain, CliError, exitWith } from '@cnn/example-common';
import { parseEvalArgs, type EvalConfig } from './args.js';
import { helpText } from './help.js';
import { parseMergeArgs, type MergeConfig } from './merge.js';

const NAME = 'cnn-eval';

/** `cnn-eval merge …`: no TF.js needed. */
function merge(argv: string[]): Promise<number> {
  return cliMain<MergeConfig, MergeConfig>(
    {
      name: `${NAME} merge`,
      parse: (a) => parseMergeArgs(a, process.cwd()),
      help: helpText,
      resolve: (c) => c,
      checkPaths: () => {},
      run: async (config) => {
        const { runMerge } = await import('./merge.js');
        const { summaryLines } = await import('./summary-lines.js');
        const { merged, json, html } = await runMerge(config);
        for (const line of summaryLines(merged)) process.stdout.write(`${line}\n`);
        process.stdout.write(`results: ${json}\nreport:  ${html}\n`);
        return 0;
      },
    },
    argv,
  );
}

/** The files a run reads must exist: a typo fails in milliseconds, before TF.js starts. */
function checkPaths(config: EvalConfig): void {
  if (!existsSync(config.weights)) throw new CliError(`--weights ${config.weights}: no such file`);
  if (!existsSync(config.dataRoot)) throw new CliError(`--data ${config.dataRoot}: no such file or directory`);
}

/** Parses `argv`, runs, and returns the exit code (0 ok, 1 run failed, 2 bad usage). */
export function main(argv: string[]): Promise<number> {
  // `pnpm start -- …` passes its `--` on.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  if (args[0] === 'merge') return merge(args.slice(1));
  return cliMain<EvalConfig, EvalConfig>(
    {
      name: NAME,
      parse: (a) => parseEvalArgs(a, process.cwd()),
      help: helpText,
      resolve: (c) => c,
      checkPaths,
      backend: (config) => config.backend,
      // Loaded only now, so that --help and usage errors never start TF.js.
      run: async (config, a) => (await import('./run.js')).runEval(config, a),
    },
    args,
  );
}

exitWith(NAME, main(process.argv.slice(2)));

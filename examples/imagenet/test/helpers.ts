import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { cliRunner, runCliSync } from '@cnn/example-common/testing';

export { checkCheckpointFiles, epochRecords, readJsonl, waitFor, type CliResult } from '@cnn/example-common/testing';

/** The built CLI (turbo's `test` depends on this package's `build`; run `pnpm build` first when calling vitest directly). */
export const CLI = resolve(import.meta.dirname, '..', 'dist', 'main.js');
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm build\` in this package first (turbo's test task does)`);

/** Runs the built CLI in a child process; `onStart` gets the process (to kill it, in the resume test). */
export const runCli = cliRunner(CLI);

/** Runs the built CLI to completion (usage checks). */
export const runSync = (args: string[]) => runCliSync(CLI, args);

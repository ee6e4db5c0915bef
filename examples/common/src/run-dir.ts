import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkHyperParameters, configChanges, formatConfigChanges } from '@cnn/train';
import { readLatestCheckpointInfo } from '@cnn/train/node';
import { CliError } from './cli-error.js';
import type { CommonRunConfig } from './config.js';

/** Prints one line on stdout. */
export const say = (line: string) => process.stdout.write(`${line}\n`);

/**
 * Settings of a run's config that do not change its results, so a resume may change them: where
 * things are (run and data directories), how the run is shown and checkpointed, the backend, and
 * what the CLI records beside the config (its command line and the data's class names).
 */
const NOT_COMPARED = ['outDir', 'resume', 'forceResume', 'progress', 'checkpointEvery', 'backend', 'dataRoot', 'download', 'trainDir', 'valDir', 'command', 'classNames'];

function hasCheckpoints(outDir: string): boolean {
  const dir = join(outDir, 'checkpoints');
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.json'));
}

/** The training settings, checked as `train` checks them (a {@link CliError} naming the bad one). */
function checkSettings(config: CommonRunConfig): void {
  try {
    checkHyperParameters({
      epochs: config.epochs,
      optimizer: config.optimizer,
      schedule: config.schedule,
      mode: config.mode,
      labelSmoothing: config.labelSmoothing,
      finalEvaluate: { attacks: config.evalAttacks },
    });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

/**
 * What `--resume` finds in `--out`: a {@link CliError} when the checkpoint was written with other
 * settings (each named, checkpoint → now) unless `--force-resume`; a message when the run already
 * finished (nothing to do); nothing when it can continue (or starts from the beginning).
 */
async function checkResume(config: CommonRunConfig): Promise<string | undefined> {
  const ckptDir = join(config.outDir, 'checkpoints');
  const info = await readLatestCheckpointInfo(ckptDir).catch((e: Error) => {
    throw new CliError(`--resume: ${e.message}`);
  });
  if (!info) {
    say(`--resume: no checkpoint in ${ckptDir} yet; starting from the beginning`);
    return undefined;
  }
  const { epoch } = info.state;
  if (info.finished && epoch >= config.epochs) {
    const report = join(config.outDir, 'report.html');
    return `the run in ${config.outDir} already finished (${epoch} epochs trained, final evaluation done): nothing to do${existsSync(report) ? `; its report is ${report}` : ''}`;
  }
  const saved = (info.state.config as { user?: unknown }).user ?? {};
  const changes = configChanges(saved, config, NOT_COMPARED);
  if (changes.length === 0) return undefined;
  const list = formatConfigChanges(changes);
  if (!config.forceResume) {
    throw new CliError(
      `--resume: the run in ${config.outDir} was started with other settings (checkpoint → now): ${list}. ` +
        'Use the same flags to continue it exactly, or add --force-resume to continue with the new ones',
    );
  }
  say(`--force-resume: continuing with changed settings: ${list}`);
  return undefined;
}

/**
 * Everything about a run that can be checked before data is read or a backend started: the
 * training settings, and the run directory — an existing run is never overwritten without
 * `--resume`, and `--resume` refuses changed settings and says when the run already finished.
 * Returns the message to print when there is nothing to do; throws {@link CliError} for bad usage.
 */
export async function prepareRun(config: CommonRunConfig): Promise<string | undefined> {
  checkSettings(config);
  if (!config.resume) {
    if (hasCheckpoints(config.outDir)) {
      throw new CliError(`--out ${config.outDir} already holds a run: pass --resume to continue it, or choose another --out`);
    }
    return undefined;
  }
  return checkResume(config);
}

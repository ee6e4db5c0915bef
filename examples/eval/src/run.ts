import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@cnn/backend';
import { writeFileAtomic } from '@cnn/core/node';
import type { Dataset } from '@cnn/data';
import { CliError } from '@cnn/example-common';
import { toClassifier, type Model } from '@cnn/models';
import type { EvalConfig } from './args.js';
import { checkAttackAvailable, singleStageName } from './attack.js';
import { batchCorruptionCounts, checkCorruptionsAvailable } from './corruptions.js';
import { dataIdentity, loadTestSet, readBatch } from './data.js';
import { evaluateBatch, stageNamesFor } from './evaluate-batch.js';
import { loadEvalModel, readWeightsFile } from './model-load.js';
import { Progress } from './progress.js';
import { writeHtmlReport } from './report.js';
import { FORMAT, FORMAT_VERSION, readResultsFile, resultsJson, type ResultsFile } from './results-file.js';
import { formatChanges, settingChanges } from './settings-diff.js';
import { shardBatches, shardStem } from './shard.js';
import { summarize } from './summary.js';
import { summaryLines } from './summary-lines.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** The results file of this run, or undefined to start afresh; refuses to overwrite or to resume with other settings. */
function previousResults(config: EvalConfig, path: string): ResultsFile | undefined {
  if (!existsSync(path)) {
    if (config.resume) say(`--resume: no results in ${path} yet; starting from the beginning`);
    return undefined;
  }
  if (!config.resume) throw new CliError(`--out ${config.outDir} already holds ${path}: pass --resume to continue it, or choose another --out`);
  let saved: ResultsFile;
  try {
    saved = readResultsFile(path);
  } catch (error) {
    throw new CliError(`--resume: ${(error as Error).message}`);
  }
  const changes = settingChanges({ ...saved.settings, shard: saved.shard }, { ...config.settings, shard: config.shard });
  if (changes.length > 0) {
    throw new CliError(`--resume: ${path} was written with other settings (saved → now): ${formatChanges(changes)}. Use the same flags to continue it, or another --out`);
  }
  return saved;
}

/** The weights and data must be those the saved batches were computed from. */
function checkSameInputs(saved: ResultsFile, fresh: Pick<ResultsFile, 'model' | 'data'>, path: string): void {
  const changes = [...settingChanges(saved.model, fresh.model), ...settingChanges(saved.data, fresh.data)];
  if (changes.length > 0) throw new CliError(`--resume: ${path} was computed from other inputs (saved → now): ${formatChanges(changes)}`);
}

/** Writes the results file (atomically: a kill leaves the previous version whole). */
async function save(path: string, results: ResultsFile): Promise<void> {
  await writeFileAtomic(path, resultsJson(results));
}

/** Runs the batches of `results.plan` not yet in `results.batches`, saving after each one. */
async function runBatches(config: EvalConfig, model: Model, data: Dataset, results: ResultsFile, path: string): Promise<void> {
  const classifier = toClassifier(model);
  const done = new Set(results.batches.map((b) => b.start));
  const total = results.plan.reduce((a, r) => a + r.end - r.start, 0);
  const finished = () => results.batches.reduce((a, b) => a + b.labels.length, 0);
  const progress = new Progress(config.progress, total, finished());
  for (const range of results.plan) {
    if (done.has(range.start)) continue;
    const began = performance.now();
    const input = await readBatch(data, range.start, range.end);
    try {
      const { record, skipped, stageSeconds } = await evaluateBatch(config.settings, results.stageNames, classifier, input);
      if (Object.keys(skipped).length > 0) results.skippedStages = { ...results.skippedStages, ...skipped };
      if (config.settings.corruptions.length > 0) record.corruptionCorrect = await batchCorruptionCounts(model, data, range, config.settings);
      results.batches.push(record);
      const sums = results.environment.stageSeconds ?? results.stageNames.map(() => 0);
      results.environment.stageSeconds = sums.map((t, i) => t + (stageSeconds[i] ?? 0));
    } finally {
      input.images.dispose();
    }
    results.environment.seconds.push((performance.now() - began) / 1000);
    // The running numbers; calibration only once complete (recomputing it after every batch would cost O(n²)).
    results.summary = summarize(results.batches, results.stageNames, results.data.numClasses, config.settings.corruptions, false);
    await save(path, results);
    const s = results.summary;
    progress.update(finished(), `clean ${(100 * s.cleanAccuracy).toFixed(1)}%${results.stageNames.length ? ` robust ${(100 * s.robustAccuracy).toFixed(1)}%` : ''}`);
  }
  progress.finish();
}

/** `cnn-eval` (not `merge`): evaluates, resumably, and writes `<out>/<stem>.json` and `.html`. Returns the exit code. */
export async function runEval(config: EvalConfig, argv: string[]): Promise<number> {
  const { settings } = config;
  checkAttackAvailable(settings);
  await checkCorruptionsAvailable(settings);
  const stem = shardStem(config.shard);
  const path = join(config.outDir, `${stem}.json`);
  const saved = previousResults(config, path);
  // The files first: a wrong path or file fails before TF.js starts.
  const data = await loadTestSet(settings, config.dataRoot);
  const weights = readWeightsFile(settings, config.weights);
  const choice = await initBackend(config.backend);
  say(`backend: ${choice.backend} (${choice.reason})`);
  const { model, identity } = loadEvalModel(settings, weights, data.classNames.length);
  try {
    const dataId = await dataIdentity(data, settings.n);
    if (saved) checkSameInputs(saved, { model: identity, data: dataId }, path);
    const plan = shardBatches(settings.n, settings.batchSize, config.shard);
    const results: ResultsFile = saved ?? {
      format: FORMAT,
      version: FORMAT_VERSION,
      settings,
      shard: config.shard,
      model: identity,
      data: dataId,
      stageNames: stageNamesFor(settings, singleStageName),
      plan,
      batches: [],
      complete: false,
      environment: { backend: choice.backend, command: ['cnn-eval', ...argv].join(' '), weights: config.weights, data: config.dataRoot, seconds: [] },
    };
    if (saved?.complete) say(`${path} is already complete: nothing to evaluate; printing its numbers and rewriting its report`);
    if (saved && saved.environment.backend !== choice.backend) say(`note: ${path} was started on ${saved.environment.backend}, continuing on ${choice.backend}`);
    const examples = plan.reduce((a, r) => a + r.end - r.start, 0);
    say(`model: ${identity.name} (${model.numParameters().toLocaleString('en-US')} parameters), weights sha256 ${identity.weightsSha256.slice(0, 12)}…`);
    say(`evaluating ${examples} of the first ${settings.n} ${settings.dataset} test images (shard ${config.shard.index}/${config.shard.count}), ${results.batches.length} of ${plan.length} batches already done`);
    if (!saved) await save(path, results);
    await runBatches(config, model, data, results, path);
    results.complete = true;
    results.summary = summarize(results.batches, results.stageNames, results.data.numClasses, settings.corruptions);
    await save(path, results);
    const html = await writeHtmlReport(join(config.outDir, `${stem}.html`), results);
    for (const line of summaryLines(results)) say(line);
    say(`results: ${path}`);
    say(`report:  ${html}`);
    return 0;
  } finally {
    model.dispose();
  }
}

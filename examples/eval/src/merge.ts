import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '@cnn/core/node';
import { CliError } from '@cnn/example-common';
import { writeHtmlReport } from './report.js';
import { readResultsFile, resultsJson, type ResultsFile } from './results-file.js';
import { formatChanges, settingChanges } from './settings-diff.js';
import { batchRanges } from './shard.js';
import { summarize } from './summary.js';

export interface MergeConfig {
  help: boolean;
  files: string[];
  /** The HTML report; the merged JSON goes beside it (`.json`). */
  out: string;
}

/** `cnn-eval merge FILE... --out report.html`. */
export function parseMergeArgs(argv: string[], cwd: string): MergeConfig {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, out: { type: 'string' } }, strict: true, allowPositionals: true });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  if (parsed.values.help) return { help: true, files: [], out: '' };
  const out = parsed.values.out;
  if (out === undefined || !out.endsWith('.html')) throw new CliError('--out REPORT.html is required (the merged JSON is written beside it, as REPORT.json)');
  if (parsed.positionals.length === 0) throw new CliError('give the results files of the shards (e.g. results/shard-*.json)');
  return { help: false, files: parsed.positionals.map((f) => resolve(cwd, f)), out: resolve(cwd, out) };
}

/** What every shard must share with the first: all that decides the numbers, except which shard it is. */
function comparable(r: ResultsFile) {
  return { ...r.settings, modelName: r.model.name, modelConfig: r.model.config, weightsSha256: r.model.weightsSha256, data: r.data, stages: r.stageNames };
}

function readShards(files: string[]): ResultsFile[] {
  const seen = new Set<string>();
  return files.map((f) => {
    if (seen.has(f)) throw new CliError(`${f} is given twice`);
    seen.add(f);
    let r: ResultsFile;
    try {
      r = readResultsFile(f);
    } catch (error) {
      throw new CliError(`${(error as Error).message}`);
    }
    if (!r.complete) throw new CliError(`${f} is incomplete (${r.batches.length} of ${r.plan.length} batches): finish it with the same flags plus --resume`);
    return r;
  });
}

/** Every batch of the run exactly once: overlaps and gaps are errors naming the examples and files. */
function checkCoverage(shards: ResultsFile[], files: string[]): void {
  const { n, batchSize } = shards[0].settings;
  const owner = new Map<number, string>();
  shards.forEach((r, k) => {
    for (const b of r.batches) {
      const other = owner.get(b.start);
      const range = `examples ${b.start}–${b.start + b.labels.length - 1}`;
      if (other) throw new CliError(`${range} are in both ${other} and ${files[k]} (overlapping shards)`);
      owner.set(b.start, files[k]);
    }
  });
  const missing = batchRanges(n, batchSize).filter((r) => !owner.has(r.start));
  if (missing.length > 0) {
    const list = missing.slice(0, 5).map((r) => `${r.start}–${r.end - 1}`).join(', ');
    throw new CliError(`examples ${list}${missing.length > 5 ? ` and ${missing.length - 5} more batches` : ''} are in no file (a shard is missing: ${shards[0].shard.count} shards were run, ${shards.length} given)`);
  }
}

/** The shards as one result: the same numbers a single process gives. */
export function mergeShards(shards: ResultsFile[], files: string[]): ResultsFile {
  const first = shards[0];
  shards.forEach((r, k) => {
    const changes = settingChanges(comparable(first), comparable(r));
    if (changes.length > 0) throw new CliError(`${files[k]} disagrees with ${files[0]} on ${formatChanges(changes)}`);
  });
  checkCoverage(shards, files);
  const batches = shards.flatMap((r) => r.batches).sort((a, b) => a.start - b.start);
  const { settings } = first;
  const backends = [...new Set(shards.map((r) => r.environment.backend))];
  const skipped = Object.assign({}, ...shards.map((r) => r.skippedStages ?? {})) as Record<string, string>;
  return {
    ...first,
    shard: { index: 0, count: 1 },
    plan: batchRanges(settings.n, settings.batchSize),
    batches,
    complete: true,
    ...(Object.keys(skipped).length > 0 ? { skippedStages: skipped } : {}),
    summary: summarize(batches, first.stageNames, first.data.numClasses, settings.corruptions),
    environment: {
      backend: backends.join(', '),
      command: `cnn-eval merge ${files.join(' ')}`,
      weights: first.environment.weights,
      data: first.environment.data,
      seconds: shards.flatMap((r) => r.environment.seconds),
      stageSeconds: first.stageNames.map((_, i) => shards.reduce((t, r) => t + (r.environment.stageSeconds?.[i] ?? 0), 0)),
    },
  };
}

/** Runs `merge`: reads, checks, writes REPORT.json and REPORT.html. */
export async function runMerge(config: MergeConfig): Promise<{ merged: ResultsFile; json: string; html: string }> {
  const merged = mergeShards(readShards(config.files), config.files);
  const json = config.out.replace(/\.html$/, '.json');
  await writeFileAtomic(json, resultsJson(merged));
  const html = await writeHtmlReport(config.out, merged, `cnn-eval report (${config.files.length} shards merged)`);
  return { merged, json, html };
}

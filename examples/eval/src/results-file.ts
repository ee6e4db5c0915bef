import { readFileSync } from 'node:fs';
import type { EvalSettings } from './args.js';
import type { Shard } from './shard.js';
import type { Summary } from './summary.js';

export const FORMAT = 'cnn-eval-results';
export const FORMAT_VERSION = 1;

/**
 * What one finished batch contributed, per example in index order. Probabilities are float32,
 * stored as base64 of their little-endian bytes, so they survive JSON exactly.
 */
export interface BatchRecord {
  /** Index of the batch's first example in the test split. */
  start: number;
  labels: number[];
  /** Top-1 class on the clean image. */
  cleanPrediction: number[];
  /** 1 when still correct after every attack stage (the clean-incorrect ones are 0). */
  robust: number[];
  /** Examples still correct after each attack stage (cumulative), in stage order. */
  stageCorrect: number[];
  /** `--calibration`: softmax on the clean and on the adversarial images (`count × classes`). */
  cleanProbs?: string;
  advProbs?: string;
  /** `--corruptions`: correct counts per corruption (settings order) × severity 1–5. */
  corruptionCorrect?: number[][];
}

/** The data the numbers come from, so that shards of another data set are refused. */
export interface DataIdentity {
  numClasses: number;
  classNames: string[];
  /** sha256 of the first `n` test images and labels. */
  sha256: string;
}

/** The model the numbers come from. */
export interface ModelIdentity {
  name: string;
  /** The `ModelConfig` of `@cnn/models` as JSON. */
  config: string;
  /** sha256 of the weights file. */
  weightsSha256: string;
}

/**
 * One run's (or shard's) results file: its state while running (written atomically after every
 * batch, `complete: false`) and its result when done. `merge` reads these.
 */
export interface ResultsFile {
  format: typeof FORMAT;
  version: typeof FORMAT_VERSION;
  settings: EvalSettings;
  shard: Shard;
  model: ModelIdentity;
  data: DataIdentity;
  stageNames: string[];
  /** Stages the attack listed but did not run, with the reason (AutoAttack's FAB, not in `@cnn/attacks` yet). */
  skippedStages?: Record<string, string>;
  /** The batches this run evaluates (`[start, end)` example ranges), in order. */
  plan: Array<{ start: number; end: number }>;
  batches: BatchRecord[];
  complete: boolean;
  /** Numbers over the batches done (all of them once complete). */
  summary?: Summary;
  /** Not compared: how and where it ran, and how long each batch and stage took. */
  environment: { backend: string; command: string; weights: string; data: string; seconds: number[]; stageSeconds?: number[] };
}

export const encodeF32 = (values: Float32Array): string => Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');

export function decodeF32(text: string, expected: number, what: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== expected * 4) throw new Error(`${what}: expected ${expected} float32 values, found ${bytes.length / 4}`);
  const out = new Float32Array(expected);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Reads and checks a results file; errors name the file and what is wrong. */
export function readResultsFile(path: string): ResultsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let parsed: Partial<ResultsFile>;
  try {
    parsed = JSON.parse(text) as Partial<ResultsFile>;
  } catch {
    throw new Error(`${path}: not JSON (a cnn-eval results file is)`);
  }
  if (parsed?.format !== FORMAT) throw new Error(`${path}: not a cnn-eval results file (no "format": "${FORMAT}")`);
  if (parsed.version !== FORMAT_VERSION) throw new Error(`${path}: results format version ${String(parsed.version)}, this cnn-eval reads ${FORMAT_VERSION}`);
  for (const key of ['settings', 'shard', 'model', 'data', 'stageNames', 'plan', 'batches'] as const) {
    if (parsed[key] === undefined || parsed[key] === null) throw new Error(`${path}: "${key}" is missing`);
  }
  return parsed as ResultsFile;
}

/** The results as JSON text (stable key order: the order they were built in). */
export const resultsJson = (r: ResultsFile): string => `${JSON.stringify(r, null, 1)}\n`;

import { appendFile, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@cnn/core/node';
import type { ResumePoint } from './run-folder.js';

// `metrics.jsonl`: one JSON record per line. A run appends `step`, `epoch`, `final` and `error`
// records; its first record is rewritten atomically (never appended) so that the log holds exactly
// the work the run builds on: one `start` record, then one `resume` record per resumed process,
// and each step at most once.

/** Appends one record. */
export async function appendRecord(path: string, record: Record<string, unknown>): Promise<void> {
  await appendFile(path, JSON.stringify(record) + '\n');
}

/** The log's non-empty lines (none when the file does not exist). */
async function readLines(path: string): Promise<string[]> {
  try {
    return (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`${path}: unreadable metrics log (${(e as Error).message})`);
  }
}

/**
 * True for a line a run resumed at `at` keeps: the `start`, `resume` and `error` records (what
 * happened), the `step` and `epoch` records before `at`. Records of work the resumed run does again
 * (steps and epochs at or after `at`, an earlier final evaluation) and torn lines (a kill
 * mid-append) are dropped.
 */
function keptOnResume(line: string, at: ResumePoint): boolean {
  let r: { kind?: unknown; globalStep?: unknown; epoch?: unknown };
  try {
    r = JSON.parse(line);
  } catch {
    return false;
  }
  if (r.kind === 'step') return typeof r.globalStep === 'number' && r.globalStep < at.globalStep;
  if (r.kind === 'epoch') return typeof r.epoch === 'number' && r.epoch < at.epoch;
  return r.kind !== 'final';
}

const text = (lines: string[]): string => lines.map((l) => l + '\n').join('');

/**
 * Replaces the log, atomically, with a single `start` record (a run starting from the beginning,
 * also a resume that found no checkpoint). `start(discarded)` makes the record from the number of
 * records the file held (the work of an attempt that left no checkpoint). Returns that number.
 */
export async function startLog(path: string, start: (discarded: number) => Record<string, unknown>): Promise<number> {
  const discarded = (await readLines(path)).length;
  await writeFileAtomic(path, text([JSON.stringify(start(discarded))]));
  return discarded;
}

/**
 * Rewrites the log, atomically, for a run resumed at `at`: the records it builds on (see
 * {@link keptOnResume}) followed by the `resume` record that `resume(discarded)` makes from the
 * number of records dropped. Returns that number.
 */
export async function resumeLog(path: string, at: ResumePoint, resume: (discarded: number) => Record<string, unknown>): Promise<number> {
  const lines = await readLines(path);
  const kept = lines.filter((l) => keptOnResume(l, at));
  const discarded = lines.length - kept.length;
  await writeFileAtomic(path, text([...kept, JSON.stringify(resume(discarded))]));
  return discarded;
}

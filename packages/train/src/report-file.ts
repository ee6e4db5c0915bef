import { writeFileAtomic } from '@cnn/core/node';
import { renderReport } from './report.js';
import type { ReportInput } from './types.js';

/** Writes {@link renderReport}'s HTML to `path` atomically; returns `path`. */
export async function writeReport(path: string, input: ReportInput): Promise<string> {
  await writeFileAtomic(path, renderReport(input));
  return path;
}

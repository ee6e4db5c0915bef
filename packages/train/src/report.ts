import type { ReportInput } from './types.js';

/** Renders the run report as one self-contained HTML string (inline SVG, PNG data URLs). */
export function renderReport(input: ReportInput): string {
  void input;
  throw new Error('renderReport: not implemented yet');
}

/** Writes {@link renderReport}'s HTML to `path` atomically. */
export async function writeReport(path: string, input: ReportInput): Promise<string> {
  void path;
  void input;
  throw new Error('writeReport: not implemented yet');
}

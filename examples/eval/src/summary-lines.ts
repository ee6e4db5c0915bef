import type { ResultsFile } from './results-file.js';

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

/** The closing lines: clean, per stage, robust, calibration. */
export function summaryLines(r: Pick<ResultsFile, 'summary' | 'stageNames' | 'skippedStages'>): string[] {
  const s = r.summary!;
  const lines = [`clean accuracy ${pct(s.cleanAccuracy)} (${s.cleanCorrect}/${s.n})`];
  for (const st of s.stages) {
    const skip = r.skippedStages?.[st.attack];
    lines.push(`after ${st.attack}: robust accuracy ${pct(st.robustAccuracy)} (${st.correct}/${s.n})${skip ? ` (skipped: ${skip})` : ''}`);
  }
  if (r.stageNames.length) lines.push(`robust accuracy ${pct(s.robustAccuracy)} (${s.robustCorrect}/${s.n})`);
  const c = s.calibration;
  if (c) {
    for (const [name, v] of [['clean', c.clean], ['adversarial', c.adversarial]] as const) {
      lines.push(`calibration (${name}): ECE ${v.ece.toFixed(4)}, debiased ℓ2 CE ${v.calibrationErrorTopLabel.toFixed(4)}, NLL ${v.nll.toFixed(4)}, Brier ${v.brier.toFixed(4)}`);
    }
  }
  if (s.corruptions) lines.push(`corruption accuracy (mean over ${Object.keys(s.corruptions.accuracy).length} corruptions × 5 severities): ${pct(s.corruptions.meanAccuracy)}`);
  return lines;
}

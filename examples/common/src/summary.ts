import type { EvalResult, TrainHistory } from '@cnn/train';

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** The closing lines printed after a run: final metrics and where the files are. */
export function finalSummary(history: TrainHistory, chance: number): string[] {
  const lines: string[] = [];
  const e: EvalResult | undefined = history.final ?? history.epochs.at(-1)?.eval;
  if (e) {
    lines.push(`test accuracy ${pct(e.accuracy)} on ${e.n} images (chance ${pct(chance)})`);
    lines.push(
      `calibration: NLL ${e.nll.toFixed(4)}, Brier ${e.brier.toFixed(4)}, ECE ${e.ece.toFixed(4)}, ` +
        `debiased ℓ2 CE top-label ${e.calibrationErrorTopLabel.toFixed(4)}, marginal ${e.calibrationErrorMarginal.toFixed(4)}`,
    );
    if (e.robust) {
      const attacks = Object.entries(e.robust.perAttack).map(([name, acc]) => `${name} ${pct(acc)}`);
      lines.push(`robust accuracy on ${e.robust.n} images: clean ${pct(e.robust.clean)}, ${attacks.join(', ')}, worst case ${pct(e.robust.worstCase)}`);
    }
  }
  if (history.best) lines.push(`best epoch ${history.best.epoch + 1}: ${history.best.metric} ${history.best.value.toFixed(4)}`);
  const f = history.files;
  if (f?.checkpoint) lines.push(`checkpoint: ${f.checkpoint}`);
  if (f?.metrics) lines.push(`metrics:    ${f.metrics}`);
  if (f?.report) lines.push(`report:     ${f.report}`);
  return lines;
}

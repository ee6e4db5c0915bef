import { renderReliabilityDiagramSvg } from '@cnn/calibration';
import { writeFileAtomic } from '@cnn/core/node';
import type { ResultsFile } from './results-file.js';
import type { CalibrationNumbers } from './summary.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
/** ε as papers write it: 8/255 when it is a whole number of 255ths, else the decimal. */
const epsText = (eps: number) => (Math.abs(eps * 255 - Math.round(eps * 255)) < 1e-9 ? `${Math.round(eps * 255)}/255` : String(eps));

function table(id: string, head: string[], rows: Array<Array<string | number>>): string {
  const cells = (r: Array<string | number>, tag: string) => r.map((c) => `<${tag}>${esc(String(c))}</${tag}>`).join('');
  return `<table id="${id}"><thead><tr>${cells(head, 'th')}</tr></thead><tbody>${rows.map((r) => `<tr>${cells(r, 'td')}</tr>`).join('')}</tbody></table>`;
}

/** Accuracy after each stage as horizontal bars (inline SVG, no scripts). */
function accuracyBars(r: ResultsFile): string {
  const s = r.summary!;
  const bars = [{ label: 'clean', value: s.cleanAccuracy }, ...s.stages.map((st) => ({ label: `after ${st.attack}`, value: st.robustAccuracy }))];
  const row = 26;
  const width = 560;
  const left = 150;
  const body = bars
    .map((b, i) => {
      const y = 10 + i * row;
      const w = Math.max(0, (width - left - 70) * b.value);
      return `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${esc(b.label)}</text><rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="20" fill="${i === 0 ? '#4c78a8' : '#e45756'}"/><text x="${left + w + 6}" y="${y + 15}">${pct(b.value)}</text>`;
    })
    .join('');
  return `<svg id="accuracy-chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${20 + bars.length * row}" font-family="sans-serif" font-size="12">${body}</svg>`;
}

function calibrationSection(c: { clean: CalibrationNumbers; adversarial: CalibrationNumbers }): string {
  const rows = (['clean', 'adversarial'] as const).map((k) => {
    const v = c[k];
    return [k, pct(v.accuracy), v.ece.toFixed(4), v.calibrationErrorTopLabel.toFixed(4), v.calibrationErrorMarginal.toFixed(4), v.nll.toFixed(4), v.brier.toFixed(4)];
  });
  const diagrams = (['clean', 'adversarial'] as const).map((k) => renderReliabilityDiagramSvg(c[k].reliability, { title: `Reliability (${k})` })).join('');
  return `<h2>Calibration</h2>${table('calibration', ['images', 'accuracy', 'ECE (15 bins)', 'debiased ℓ2 CE top-label', 'marginal', 'NLL', 'Brier'], rows)}<div class="diagrams">${diagrams}</div>`;
}

function corruptionSection(c: NonNullable<NonNullable<ResultsFile['summary']>['corruptions']>): string {
  const rows = Object.entries(c.accuracy).map(([name, acc]) => [name, ...acc.map(pct), pct(acc.reduce((a, x) => a + x, 0) / acc.length)]);
  return `<h2>Corruptions</h2><p>Mean corruption accuracy ${pct(c.meanAccuracy)}.</p>${table('corruptions', ['corruption', ...c.severities.map((s) => `severity ${s}`), 'mean'], rows)}`;
}

/** The report as one self-contained HTML page (inline CSS and SVG, no scripts, no external files). */
export function renderHtmlReport(r: ResultsFile, title = 'cnn-eval report'): string {
  const s = r.summary!;
  const st = r.settings;
  const settingsRows = Object.entries({ ...st, shard: `${r.shard.index}/${r.shard.count}` }).map(([k, v]) => [k, JSON.stringify(v)]);
  const modelRows = [['model', r.model.name], ['weights sha256', r.model.weightsSha256], ['data sha256', r.data.sha256], ['backend', r.environment.backend], ['command', r.environment.command]];
  const resultRows: Array<Array<string | number>> = [['clean', s.cleanCorrect, s.n, pct(s.cleanAccuracy), '']];
  s.stages.forEach((x, i) => {
    const skip = r.skippedStages?.[x.attack];
    const seconds = r.environment.stageSeconds?.[i];
    resultRows.push([`after ${x.attack}${skip ? ` (skipped: ${skip})` : ''}`, x.correct, s.n, pct(x.robustAccuracy), seconds === undefined ? '' : seconds.toFixed(1)]);
  });
  if (s.stages.length) resultRows.push([`robust (${st.attack}, ${st.norm}, ε = ${epsText(st.eps)})`, s.robustCorrect, s.n, pct(s.robustAccuracy), '']);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f4f4f4}.diagrams svg{margin-right:1em}.warn{color:#a00}</style>
</head><body>
<h1>${esc(title)}</h1>
<p>${esc(r.model.name)} on the first ${r.settings.n} ${esc(r.settings.dataset)} test images${r.settings.attack === 'none' ? '' : `, ${esc(r.settings.attack)} (${esc(r.settings.norm)}, ε = ${epsText(r.settings.eps)})`}.</p>
${r.complete ? '' : `<p class="warn">Incomplete: ${r.batches.length} of ${r.plan.length} batches done.</p>`}
<h2>Accuracy</h2>
${table('results', ['', 'correct', 'images', 'accuracy', 'attack seconds'], resultRows)}
${accuracyBars(r)}
${s.calibration ? calibrationSection(s.calibration) : ''}
${s.corruptions ? corruptionSection(s.corruptions) : ''}
<h2>Settings</h2>
${table('settings', ['setting', 'value'], settingsRows)}
${table('inputs', ['', ''], modelRows)}
</body></html>
`;
}

/** Writes {@link renderHtmlReport} atomically to `path`; returns the path. */
export async function writeHtmlReport(path: string, r: ResultsFile, title?: string): Promise<string> {
  await writeFileAtomic(path, renderHtmlReport(r, title));
  return path;
}

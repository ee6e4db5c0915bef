import { escapeXml, lineChartSvg, type ChartSeries } from './line-chart.js';
import { pngDataUrl } from './png.js';
import { corruptionSection } from './report-corruptions.js';
import type { AttackSpec, EvalResult, ExampleImage, ReportInput } from './types.js';

const pct = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(2)}%`);
const num = (v: number | undefined, digits = 4): string => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

/** e.g. "ℓ∞ ε = 8/255, 20 steps of 2/255" (pixel units shown in 1/255). */
function describeAttack(a: AttackSpec): string {
  const u = (v: number): string => `${Number((v * 255).toFixed(2))}/255`;
  const parts = [`ℓ∞ ε = ${u(a.eps)}`];
  if (a.type === 'pgd') parts.push(`${a.steps} steps of ${u(a.stepSize ?? 0)}${(a.restarts ?? 1) > 1 ? `, ${a.restarts} restarts` : ''}`);
  if (a.type === 'fgsm-rs') parts.push(`step ${u(a.stepSize ?? 0)}, random start`);
  return parts.join(', ');
}

function finalTable(e: EvalResult): string {
  const rows: Array<[string, string]> = [
    ['Examples', String(e.n)],
    ['Clean accuracy', pct(e.accuracy)],
    ['NLL', num(e.nll)],
    ['Brier score', num(e.brier)],
    ['ECE (top label)', num(e.ece)],
    ['Debiased ℓ2 calibration error (top label)', num(e.calibrationErrorTopLabel)],
    ['Debiased ℓ2 calibration error (marginal)', num(e.calibrationErrorMarginal)],
  ];
  if (e.robust) {
    rows.push([`Clean accuracy on the attacked subset (n = ${e.robust.n})`, pct(e.robust.clean)]);
    for (const [name, acc] of Object.entries(e.robust.perAttack)) {
      const spec = e.robust.attacks?.find((a) => a.name === name);
      rows.push([`Robust accuracy: ${name}${spec ? ` (${describeAttack(spec)})` : ''}`, pct(acc)]);
    }
    rows.push(['Robust accuracy: worst case over attacks', pct(e.robust.worstCase)]);
  }
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`).join('')}</table>`;
}

function exampleGrid(examples: ExampleImage[], classNames?: readonly string[]): string {
  const name = (i: number | undefined): string => (i === undefined ? '–' : (classNames?.[i] ?? String(i)));
  const cell = (pixels: Float32Array, ex: ExampleImage, caption: string, ok: boolean): string => {
    const url = pngDataUrl(pixels, ex.width, ex.height, ex.channels as 1 | 3 | 4);
    // Small images (CIFAR) are magnified 2×; large ones (ImageNet) shown at most 160 px wide.
    const scale = ex.width <= 64 ? 2 : Math.min(1, 160 / ex.width);
    const w = Math.round(ex.width * scale);
    const h = Math.round(ex.height * scale);
    return `<figure><img src="${url}" width="${w}" height="${h}" alt="${escapeXml(caption)}"/><figcaption class="${ok ? 'ok' : 'bad'}">${escapeXml(caption)}</figcaption></figure>`;
  };
  const items = examples.map((ex) => {
    const clean = cell(ex.clean, ex, `clean → ${name(ex.cleanPrediction)}`, ex.cleanPrediction === ex.label);
    const adv = ex.adversarial
      ? cell(ex.adversarial, ex, `${ex.attack ?? 'adv'} → ${name(ex.adversarialPrediction)}`, ex.adversarialPrediction === ex.label)
      : '';
    return `<div class="pair"><div class="label">label: ${escapeXml(name(ex.label))}</div>${clean}${adv}</div>`;
  });
  return `<div class="grid">${items.join('')}</div>`;
}

function curves(input: ReportInput): string {
  const h = input.history;
  if (!h || (h.steps.length === 0 && h.epochs.length === 0)) return '<p>No training history.</p>';
  const stepsPerEpoch = h.steps.length > 0 && h.steps[h.steps.length - 1].step >= 0 ? estimateStepsPerEpoch(h) : 1;
  const x = (s: { epoch: number; step: number }): number => s.epoch + s.step / stepsPerEpoch;
  const loss: ChartSeries[] = [
    { name: 'train (steps)', points: h.steps.map((s) => [x(s), s.loss]), color: '#9ecae1' },
    { name: 'train (epoch)', points: h.epochs.map((e) => [e.epoch + 1, e.trainLoss]), color: '#1f77b4', markers: true },
  ];
  const evalNll = h.epochs.filter((e) => e.eval).map((e) => [e.epoch + 1, e.eval!.nll] as [number, number]);
  if (evalNll.length) loss.push({ name: 'eval NLL', points: evalNll, color: '#d62728', markers: true });
  const acc: ChartSeries[] = [{ name: 'train', points: h.epochs.map((e) => [e.epoch + 1, e.trainAccuracy]), color: '#1f77b4', markers: true }];
  const evalAcc = h.epochs.filter((e) => e.eval).map((e) => [e.epoch + 1, e.eval!.accuracy] as [number, number]);
  if (evalAcc.length) acc.push({ name: 'eval clean', points: evalAcc, color: '#d62728', markers: true });
  const robust = h.epochs.filter((e) => e.eval?.robust).map((e) => [e.epoch + 1, e.eval!.robust!.worstCase] as [number, number]);
  if (robust.length) acc.push({ name: 'eval robust', points: robust, color: '#2ca02c', markers: true });
  const lr: ChartSeries[] = [{ name: 'learning rate', points: h.steps.map((s) => [x(s), s.lr]), color: '#ff7f0e' }];
  return [
    lineChartSvg(loss, { title: 'Loss', xLabel: 'epoch', yLabel: 'cross-entropy' }),
    lineChartSvg(acc, { title: 'Accuracy', xLabel: 'epoch', yLabel: 'accuracy', yRange: [0, 1] }),
    lineChartSvg(lr, { title: 'Learning rate', xLabel: 'epoch', yLabel: 'lr' }),
  ].join('');
}

function estimateStepsPerEpoch(h: NonNullable<ReportInput['history']>): number {
  let max = 0;
  for (const s of h.steps) max = Math.max(max, s.step + 1);
  return Math.max(1, max);
}

function epochTable(input: ReportInput): string {
  const h = input.history;
  if (!h || h.epochs.length === 0) return '';
  const head = '<tr><th>epoch</th><th>train loss</th><th>train acc</th><th>lr</th><th>img/s</th><th>eval acc</th><th>eval NLL</th><th>ECE</th><th>robust (worst)</th><th>seconds</th></tr>';
  const rows = h.epochs.map(
    (e) =>
      `<tr><td>${e.epoch + 1}</td><td>${num(e.trainLoss)}</td><td>${pct(e.trainAccuracy)}</td><td>${e.lr.toPrecision(3)}</td><td>${e.imagesPerSecond.toFixed(1)}</td><td>${pct(e.eval?.accuracy)}</td><td>${num(e.eval?.nll)}</td><td>${num(e.eval?.ece)}</td><td>${pct(e.eval?.robust?.worstCase)}</td><td>${e.seconds.toFixed(1)}</td></tr>`,
  );
  return `<table class="grid-table">${head}${rows.join('')}</table>`;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1150px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}
table.kv th{background:#f6f6f6;font-weight:normal}.grid-table th{background:#f6f6f6}
.charts svg{margin:4px;border:1px solid #eee}pre{background:#f7f7f7;padding:8px;font-size:12px;overflow:auto}
.grid{display:flex;flex-wrap:wrap;gap:10px}.pair{border:1px solid #ddd;padding:4px;font-size:11px}
.pair figure{display:inline-block;margin:2px;text-align:center}.pair img{image-rendering:pixelated;display:block;max-width:160px;height:auto}
.strip{display:flex;flex-wrap:wrap;gap:6px}.strip figure{margin:0;text-align:center;font-size:10px}.strip img{width:96px;height:auto;image-rendering:pixelated;display:block}
.ok{color:#197a19}.bad{color:#c0161d;font-weight:bold}.label{font-weight:bold}.notes{color:#555}`;

/**
 * Renders the run report as one self-contained HTML string: title and notes, the final table
 * (clean / robust accuracy, NLL, Brier, calibration errors), loss/accuracy/LR curves as inline SVG,
 * the reliability diagram SVG (from `@cnn/calibration`, via `EvalResult.reliabilitySvg`), a grid of
 * clean vs adversarial images (PNG data URLs) with predictions, the "Corruption robustness" section
 * when there is a corruption evaluation (accuracy heatmap, accuracy and calibration error against
 * severity, one image under every corruption), the per-epoch table, the config and the backend. No
 * external resources.
 */
export function renderReport(input: ReportInput): string {
  const title = input.title ?? 'Training run';
  const evaluation = input.evaluation ?? input.history?.final;
  const sections: string[] = [];
  sections.push(`<h1>${escapeXml(title)}</h1>`);
  sections.push(`<p class="notes">Generated ${escapeXml(new Date().toISOString())}</p>`);
  for (const n of input.notes ?? []) sections.push(`<p class="notes">${escapeXml(n)}</p>`);
  if (evaluation) {
    sections.push('<h2>Final evaluation</h2>', finalTable(evaluation));
  }
  if (input.history?.best) {
    const b = input.history.best;
    sections.push(`<p>Best epoch by ${escapeXml(b.metric)}: ${b.epoch + 1} (${num(b.value)})</p>`);
  }
  sections.push('<h2>Training curves</h2>', `<div class="charts">${curves(input)}</div>`);
  if (evaluation?.reliabilitySvg) {
    sections.push('<h2>Reliability diagram</h2>', `<div class="reliability">${evaluation.reliabilitySvg}</div>`);
  }
  if (evaluation?.examples?.length) {
    sections.push('<h2>Clean vs adversarial test images</h2>', exampleGrid(evaluation.examples, input.classNames));
  }
  const corruptions = input.corruptions ?? input.history?.corruptions;
  if (corruptions) sections.push(corruptionSection(corruptions, input.classNames));
  const et = epochTable(input);
  if (et) sections.push('<h2>Epochs</h2>', et);
  sections.push('<h2>Configuration</h2>', `<pre>${escapeXml(JSON.stringify(input.config ?? {}, null, 2))}</pre>`);
  sections.push('<h2>Backend</h2>', `<pre>${escapeXml(JSON.stringify(input.backend ?? null, null, 2))}</pre>`);
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title><style>${STYLE}</style></head><body>${sections.join('\n')}</body></html>\n`;
}

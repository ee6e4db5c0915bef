import type { CorruptionExample, CorruptionResult } from './corruption-types.js';
import { escapeXml, lineChartSvg } from './line-chart.js';

const pct = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(1)}%`);

/** Red (0) → yellow → green (1) for an accuracy cell. */
function cellColor(accuracy: number): string {
  const a = Math.min(1, Math.max(0, Number.isFinite(accuracy) ? accuracy : 0));
  const hue = Math.round(120 * a);
  return `hsl(${hue},70%,${72 - 12 * a}%)`;
}

/** Corruption × severity accuracy heatmap as inline SVG, the value printed in each cell. */
export function corruptionHeatmapSvg(r: CorruptionResult): string {
  const cw = 58;
  const ch = 20;
  const left = 130;
  const top = 38;
  const W = left + cw * r.severities.length + 10;
  const H = top + ch * r.corruptions.length + 10;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<text x="${W / 2}" y="14" text-anchor="middle" font-size="13" font-weight="bold">Accuracy by corruption and severity</text>`,
  ];
  r.severities.forEach((s, j) => parts.push(`<text x="${left + cw * j + cw / 2}" y="${top - 6}" text-anchor="middle">severity ${s}</text>`));
  r.corruptions.forEach((name, i) => {
    const y = top + ch * i;
    parts.push(`<text x="${left - 6}" y="${y + ch / 2}" text-anchor="end" dominant-baseline="middle">${escapeXml(name)}</text>`);
    r.accuracy[name].forEach((a, j) => {
      const x = left + cw * j;
      parts.push(`<rect x="${x}" y="${y}" width="${cw}" height="${ch}" fill="${cellColor(a)}" stroke="#fff"/>`);
      parts.push(`<text x="${x + cw / 2}" y="${y + ch / 2}" text-anchor="middle" dominant-baseline="middle">${pct(a)}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Accuracy and calibration errors against severity (0 = clean), every corruption pooled. */
function severityCharts(r: CorruptionResult): string {
  const points = (key: 'accuracy' | 'ece' | 'calibrationErrorTopLabel' | 'brier'): Array<[number, number]> => r.calibration.map((c) => [c.severity, c[key]]);
  return [
    lineChartSvg([{ name: 'accuracy', points: points('accuracy'), markers: true }], { title: 'Accuracy vs severity (0 = clean)', xLabel: 'severity', yLabel: 'accuracy', yRange: [0, 1] }),
    lineChartSvg(
      [
        { name: 'ECE', points: points('ece'), markers: true },
        { name: 'debiased ℓ2 CE (top)', points: points('calibrationErrorTopLabel'), markers: true },
      ],
      { title: 'Calibration error vs severity (0 = clean)', xLabel: 'severity', yLabel: 'calibration error' },
    ),
  ].join('');
}

function summaryTable(r: CorruptionResult): string {
  const rows: Array<[string, string]> = [
    ['Examples (per corruption × severity)', String(r.n)],
    ['Clean accuracy', pct(r.cleanAccuracy)],
    [`Mean accuracy over ${r.corruptions.length} corruptions × ${r.severities.length} severities`, pct(r.meanAccuracy)],
  ];
  if (r.mce !== undefined) rows.push(['mCE (relative to the baseline)', pct(r.mce)]);
  for (const name of r.ce ? r.corruptions : []) rows.push([`CE: ${name}`, pct(r.ce![name])]);
  const calibration = r.calibration.map(
    (c) => `<tr><td>${c.severity === 0 ? 'clean' : c.severity}</td><td>${pct(c.accuracy)}</td><td>${c.ece.toFixed(4)}</td><td>${c.calibrationErrorTopLabel.toFixed(4)}</td><td>${c.nll.toFixed(4)}</td><td>${c.brier.toFixed(4)}</td></tr>`,
  );
  return (
    `<table class="kv">${rows.map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`).join('')}</table>` +
    `<p>Calibration under shift (each severity pools every corruption):</p><table class="grid-table"><tr><th>severity</th><th>accuracy</th><th>ECE</th><th>debiased ℓ2 CE (top)</th><th>NLL</th><th>Brier</th></tr>${calibration.join('')}</table>`
  );
}

function exampleStrip(e: CorruptionExample, classNames?: readonly string[]): string {
  const figure = (url: string, caption: string) =>
    `<figure><img src="${url}" alt="${escapeXml(caption)}"/><figcaption>${escapeXml(caption)}</figcaption></figure>`;
  const label = classNames?.[e.label] ?? String(e.label);
  const items = [figure(e.clean, 'clean'), ...e.corrupted.map((c) => figure(c.image, c.name))];
  return `<p>Test image ${e.index} (label: ${escapeXml(label)}) under every corruption at severity ${e.severity}:</p><div class="strip">${items.join('')}</div>`;
}

/** The report's "Corruption robustness" section. */
export function corruptionSection(r: CorruptionResult, classNames?: readonly string[]): string {
  return [
    '<h2>Corruption robustness</h2>',
    summaryTable(r),
    `<div class="charts">${corruptionHeatmapSvg(r)}${severityCharts(r)}</div>`,
    r.example ? exampleStrip(r.example, classNames) : '',
  ].join('');
}

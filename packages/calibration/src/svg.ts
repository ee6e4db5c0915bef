/** Renders a {@link ReliabilityDiagram} as a standalone SVG document (a string; no DOM needed). */
import type { ReliabilityDiagram } from './reliability-diagram.js';

/** Options of {@link renderReliabilityDiagramSvg}. Sizes in SVG user units (pixels). */
export interface SvgOptions {
  /** Default 480. */
  width?: number;
  /** Default 600 (with histogram) or 500 (without). */
  height?: number;
  /** First title line. Default `'Reliability diagram'`. */
  title?: string;
  /** Draw the histogram of confidences under the diagram. Default `true`. */
  histogram?: boolean;
  /** Bar colour. Default `'#3b75af'`. */
  barColor?: string;
  /** Gap colour. Default `'#d62728'`. */
  gapColor?: string;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const f = (x: number): string => (Math.round(x * 100) / 100).toString();
const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

/**
 * Draws the standard reliability plot: per-bin accuracy bars, the gap to the bin's mean
 * confidence shaded, the diagonal of perfect calibration, and (optionally) a histogram of how
 * many predictions fall in each bin, with the metric values (ECE, MCE, debiased ℓ2 error,
 * accuracy) in the title. Returns a complete `<svg>` document that browsers display as is.
 */
export function renderReliabilityDiagramSvg(diagram: ReliabilityDiagram, options: SvgOptions = {}): string {
  const showHist = options.histogram ?? true;
  const W = options.width ?? 480;
  const H = options.height ?? (showHist ? 600 : 500);
  const bar = options.barColor ?? '#3b75af';
  const gapColor = options.gapColor ?? '#d62728';
  const left = 64;
  const right = 20;
  const top = 66;
  const histH = showHist ? Math.max(60, Math.round((H - top) * 0.18)) : 0;
  const bottom = 48 + (showHist ? histH + 26 : 0);
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  if (plotW <= 20 || plotH <= 20) throw new RangeError(`width ${W} × height ${H} is too small for the diagram`);
  const sx = (v: number): number => left + v * plotW;
  const sy = (v: number): number => top + (1 - v) * plotH;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
      `font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  );
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  const m = diagram.metrics;
  const title = options.title ?? 'Reliability diagram';
  const what = diagram.mode === 'binary' ? 'binary' : diagram.mode;
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)} (${esc(what)}, ${diagram.bins.length} ${esc(diagram.binning)} bins)</text>`);
  const line2 =
    `ECE ${pct(m.ece)} · MCE ${pct(m.mce)}` +
    (m.calibrationError === null ? '' : ` · debiased ℓ2-CE ${pct(m.calibrationError)}`);
  out.push(`<text x="${W / 2}" y="40" text-anchor="middle">${esc(line2)}</text>`);
  out.push(`<text x="${W / 2}" y="56" text-anchor="middle" fill="#555">${esc(`accuracy ${pct(m.accuracy)} · mean confidence ${pct(m.meanConfidence)} · n = ${diagram.count}`)}</text>`);

  // Grid and axes.
  for (let t = 0; t <= 5; t++) {
    const v = t / 5;
    out.push(`<line x1="${f(sx(v))}" y1="${f(sy(0))}" x2="${f(sx(v))}" y2="${f(sy(1))}" stroke="#e5e5e5"/>`);
    out.push(`<line x1="${f(sx(0))}" y1="${f(sy(v))}" x2="${f(sx(1))}" y2="${f(sy(v))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${f(sx(v))}" y="${f(sy(0) + 16)}" text-anchor="middle">${v.toFixed(1)}</text>`);
    out.push(`<text x="${f(sx(0) - 6)}" y="${f(sy(v) + 4)}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  // Accuracy bars, then the gap between accuracy and confidence.
  for (const b of diagram.bins) {
    if (b.count === 0 || b.accuracy === null || b.confidence === null) continue;
    const x = sx(b.lower);
    const w = Math.max(sx(b.upper) - x, 1.5);
    out.push(
      `<rect x="${f(x)}" y="${f(sy(b.accuracy))}" width="${f(w)}" height="${f(sy(0) - sy(b.accuracy))}" ` +
        `fill="${bar}" stroke="#1f4e79" stroke-width="0.8"><title>${esc(
          `(${b.lower.toFixed(3)}, ${b.upper.toFixed(3)}]: n = ${b.count}, accuracy ${pct(b.accuracy)}, confidence ${pct(b.confidence)}`,
        )}</title></rect>`,
    );
    const hi = Math.max(b.accuracy, b.confidence);
    const lo = Math.min(b.accuracy, b.confidence);
    out.push(
      `<rect x="${f(x)}" y="${f(sy(hi))}" width="${f(w)}" height="${f(sy(lo) - sy(hi))}" fill="${gapColor}" ` +
        `fill-opacity="0.3" stroke="${gapColor}" stroke-width="0.8"/>`,
    );
  }
  out.push(`<line x1="${f(sx(0))}" y1="${f(sy(0))}" x2="${f(sx(1))}" y2="${f(sy(1))}" stroke="#444" stroke-width="1.2" stroke-dasharray="5,4"/>`);
  out.push(`<rect x="${f(sx(0))}" y="${f(sy(1))}" width="${f(plotW)}" height="${f(plotH)}" fill="none" stroke="#333"/>`);
  const yLabel = diagram.mode === 'top-label' ? 'Accuracy' : 'Fraction of positives';
  out.push(`<text transform="translate(${left - 42}, ${f(top + plotH / 2)}) rotate(-90)" text-anchor="middle" font-size="13">${yLabel}</text>`);
  // Legend, top-left inside the plot.
  const lx = sx(0) + 10;
  const ly = sy(1) + 10;
  out.push(`<rect x="${f(lx - 4)}" y="${f(ly - 4)}" width="150" height="62" fill="#ffffff" fill-opacity="0.85" stroke="#ccc"/>`);
  out.push(`<rect x="${f(lx)}" y="${f(ly)}" width="14" height="10" fill="${bar}"/><text x="${f(lx + 20)}" y="${f(ly + 9)}">${yLabel}</text>`);
  out.push(`<rect x="${f(lx)}" y="${f(ly + 18)}" width="14" height="10" fill="${gapColor}" fill-opacity="0.3" stroke="${gapColor}"/><text x="${f(lx + 20)}" y="${f(ly + 27)}">Gap to confidence</text>`);
  out.push(`<line x1="${f(lx)}" y1="${f(ly + 41)}" x2="${f(lx + 14)}" y2="${f(ly + 41)}" stroke="#444" stroke-dasharray="4,3"/><text x="${f(lx + 20)}" y="${f(ly + 45)}">Perfect calibration</text>`);

  const xTitleY = showHist ? H - 10 : sy(0) + 36;
  if (showHist) {
    const h0 = sy(0) + 30;
    const hy = (v: number): number => h0 + histH * (1 - v);
    let maxFrac = 0;
    for (const b of diagram.bins) maxFrac = Math.max(maxFrac, b.count / diagram.count);
    const scale = maxFrac > 0 ? 1 / maxFrac : 1;
    for (const b of diagram.bins) {
      if (b.count === 0) continue;
      const x = sx(b.lower);
      const w = Math.max(sx(b.upper) - x, 1.5);
      const frac = b.count / diagram.count;
      out.push(`<rect x="${f(x)}" y="${f(hy(frac * scale))}" width="${f(w)}" height="${f(hy(0) - hy(frac * scale))}" fill="#9e9e9e" stroke="#ffffff" stroke-width="0.5"/>`);
    }
    out.push(`<rect x="${f(sx(0))}" y="${f(hy(1))}" width="${f(plotW)}" height="${f(histH)}" fill="none" stroke="#333"/>`);
    const mc = sx(m.meanConfidence);
    out.push(`<line x1="${f(mc)}" y1="${f(hy(1))}" x2="${f(mc)}" y2="${f(hy(0))}" stroke="${gapColor}" stroke-dasharray="4,3"/>`);
    out.push(`<text x="${f(sx(0) - 6)}" y="${f(hy(1) + 10)}" text-anchor="end" font-size="10">${(100 * maxFrac).toFixed(0)}%</text>`);
    out.push(`<text x="${f(sx(0) - 6)}" y="${f(hy(0))}" text-anchor="end" font-size="10">0%</text>`);
    out.push(`<text transform="translate(${left - 42}, ${f(h0 + histH / 2)}) rotate(-90)" text-anchor="middle" font-size="11">Share</text>`);
    // Top-left: for top-label diagrams the low-confidence bins are (nearly) empty.
    out.push(`<text x="${f(sx(0) + 4)}" y="${f(hy(1) + 12)}" font-size="10" fill="#555">histogram of confidences</text>`);
    out.push(`<text x="${f(sx(0) + 4)}" y="${f(hy(1) + 24)}" font-size="10" fill="#555">dashed: mean confidence</text>`);
  }
  out.push(`<text x="${f(left + plotW / 2)}" y="${f(xTitleY)}" text-anchor="middle" font-size="13">Confidence</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

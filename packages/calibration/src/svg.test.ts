import { describe, expect, it } from 'vitest';
import { reliabilityDiagram } from './reliability-diagram.js';
import { renderReliabilityDiagramSvg } from './svg.js';
import { loadFixtures } from './test-fixtures.js';

const c = loadFixtures().cases.find((x) => x.name === 'overconfident-k10')!;

describe('renderReliabilityDiagramSvg', () => {
  const d = reliabilityDiagram(c.probs, c.labels, { bins: 10 });
  const svg = renderReliabilityDiagramSvg(d, { title: 'Model <A> & "B"' });

  it('is a standalone SVG document with balanced tags', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    const open = (svg.match(/<(rect|text|line|svg|title)\b[^>]*?(?<!\/)>/g) ?? []).length;
    const close = (svg.match(/<\/(rect|text|line|svg|title)>/g) ?? []).length;
    expect(open).toBe(close);
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('escapes the title and shows the metric values', () => {
    expect(svg).toContain('Model &lt;A&gt; &amp; &quot;B&quot;');
    expect(svg).toContain(`ECE ${(100 * d.metrics.ece).toFixed(2)}%`);
    expect(svg).toContain(`MCE ${(100 * d.metrics.mce).toFixed(2)}%`);
    expect(svg).toContain(`debiased ℓ2-CE ${(100 * d.metrics.calibrationError!).toFixed(2)}%`);
  });

  it('draws one accuracy bar, one gap and one histogram bar per non-empty bin, and the diagonal', () => {
    const nonEmpty = d.bins.filter((b) => b.count > 0).length;
    expect((svg.match(/<title>/g) ?? []).length).toBe(nonEmpty);
    // (+1: the legend's swatch)
    expect((svg.match(/fill-opacity="0.3" stroke=/g) ?? []).length).toBe(nonEmpty + 1);
    expect((svg.match(/fill="#9e9e9e"/g) ?? []).length).toBe(nonEmpty);
    expect(svg).toContain('stroke-dasharray="5,4"');
    const noHist = renderReliabilityDiagramSvg(d, { histogram: false });
    expect(noHist).not.toContain('#9e9e9e');
  });

  it('refuses a size too small to draw', () => {
    expect(() => renderReliabilityDiagramSvg(d, { width: 50, height: 50 })).toThrow(/too small/);
  });
});

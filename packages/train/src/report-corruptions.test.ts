import { describe, expect, it } from 'vitest';
import type { CorruptionResult } from './corruption-types.js';
import { pngDataUrl } from './png.js';
import { renderReport } from './report.js';

const png = (v: number) => pngDataUrl(new Uint8Array(4 * 4 * 3).fill(v), 4, 4, 3);
const cal = (severity: number, accuracy: number, ece: number) => ({ severity, accuracy, ece, calibrationErrorTopLabel: ece / 2, nll: 1 + severity, brier: 0.3 });

const result: CorruptionResult = {
  n: 50,
  corruptions: ['gaussian_noise', 'fog <x>'],
  severities: [1, 3, 5],
  seed: 0,
  cleanAccuracy: 0.9,
  accuracy: { gaussian_noise: [0.8, 0.6, 0.25], 'fog <x>': [0.85, 0.7, 0.5] },
  meanAccuracy: 0.6167,
  ce: { gaussian_noise: 0.75, 'fog <x>': 0.5 },
  mce: 0.625,
  calibration: [cal(0, 0.9, 0.02), cal(1, 0.825, 0.05), cal(3, 0.65, 0.12), cal(5, 0.375, 0.3)],
  example: { index: 2, label: 1, severity: 3, clean: png(10), corrupted: [{ name: 'gaussian_noise', image: png(50) }, { name: 'fog <x>', image: png(90) }] },
};

describe('report: Corruption robustness section', () => {
  const html = renderReport({ title: 'r', corruptions: result, classNames: ['cat', 'dog'] });
  const section = html.slice(html.indexOf('<h2>Corruption robustness</h2>'));

  it('appears only with a corruption result', () => {
    expect(html).toContain('<h2>Corruption robustness</h2>');
    expect(renderReport({ title: 'r' })).not.toContain('Corruption robustness');
  });

  it('a heatmap with one cell per corruption × severity, its accuracy printed, names escaped', () => {
    const heatmap = section.slice(section.indexOf('Accuracy by corruption and severity'));
    expect((heatmap.slice(0, heatmap.indexOf('</svg>')).match(/<rect /g) ?? []).length).toBe(6);
    for (const v of ['80.0%', '60.0%', '25.0%', '85.0%', '70.0%', '50.0%']) expect(heatmap).toContain(`>${v}</text>`);
    expect(section).toContain('fog &lt;x&gt;');
    expect(section).not.toContain('fog <x>');
  });

  it('accuracy and calibration error against severity (clean at 0), the summary and calibration tables', () => {
    expect(section).toContain('Accuracy vs severity (0 = clean)');
    expect(section).toContain('Calibration error vs severity (0 = clean)');
    expect(section).toContain('mCE (relative to the baseline)</th><td>62.5%');
    expect(section).toContain('<tr><td>clean</td><td>90.0%</td><td>0.0200</td><td>0.0100</td><td>1.0000</td><td>0.3000</td></tr>');
    expect(section).toContain('<tr><td>5</td><td>37.5%</td><td>0.3000</td>');
  });

  it('a strip of the test image clean and under every corruption at severity 3 (PNG data URLs)', () => {
    expect(section).toContain('Test image 2 (label: dog) under every corruption at severity 3');
    const strip = section.slice(section.indexOf('<div class="strip">'));
    expect(strip.match(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]+"/g)).toHaveLength(3);
    expect(strip).toContain(result.example!.corrupted[1].image);
    expect(html).not.toMatch(/(src|href)="(?!data:)/);
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reliabilityDiagram, renderReliabilityDiagramSvg } from '@cnn/calibration';
import { lineChartSvg } from './line-chart.js';
import { renderReport } from './report.js';
import { writeReport } from './report-file.js';
import type { EvalResult, TrainHistory } from './types.js';

function evaluation(): EvalResult {
  const probs = [
    [0.7, 0.2, 0.1],
    [0.1, 0.8, 0.1],
    [0.3, 0.3, 0.4],
    [0.5, 0.4, 0.1],
  ];
  const labels = [0, 1, 0, 1];
  const diagram = reliabilityDiagram(probs, labels, { bins: 5 });
  const img = new Float32Array(4 * 4 * 3).map((_, i) => (i % 7) / 7);
  return {
    n: 4,
    accuracy: 0.5,
    nll: 0.9,
    brier: 0.5,
    ece: 0.2,
    calibrationErrorTopLabel: 0.1,
    calibrationErrorMarginal: 0.05,
    robust: { clean: 0.5, perAttack: { 'pgd-20': 0.25 }, worstCase: 0.25, n: 4, attacks: [{ name: 'pgd-20', type: 'pgd', eps: 8 / 255, steps: 20, stepSize: 2 / 255 }] },
    reliability: diagram,
    reliabilitySvg: renderReliabilityDiagramSvg(diagram),
    examples: [{ height: 4, width: 4, channels: 3, clean: img, adversarial: img, label: 1, cleanPrediction: 1, adversarialPrediction: 2, attack: 'pgd-20' }],
  };
}

const history: TrainHistory = {
  epochs: [
    { epoch: 0, trainLoss: 2.1, trainAccuracy: 0.2, lr: 0.1, imagesPerSecond: 100, seconds: 3 },
    { epoch: 1, trainLoss: 1.7, trainAccuracy: 0.35, lr: 0.05, imagesPerSecond: 110, seconds: 3 },
  ],
  steps: [0, 1, 2, 3].map((i) => ({ epoch: i >> 1, step: i & 1, globalStep: i, lr: 0.1 - i * 0.01, loss: 2.3 - i * 0.2, accuracy: 0.1 * i, gradNorm: 1, batchSize: 8 })),
};

describe('renderReport', () => {
  it('is one self-contained HTML document with curves, table, reliability diagram and image grid', () => {
    const html = renderReport({ title: 'Run <1>', config: { model: 'resnet20' }, backend: { backend: 'cpu' }, history, evaluation: evaluation(), classNames: ['cat', 'dog', 'frog'] });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('Run &lt;1&gt;');
    // No external resources: only data URLs and inline SVG.
    expect(html).not.toMatch(/(src|href)="(?!data:)/);
    expect(html).not.toMatch(/<script/);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(4); // loss, accuracy, lr, reliability
    expect(html).toContain('Reliability diagram');
    expect(html).toContain(evaluation().reliabilitySvg!.slice(0, 60));
    expect((html.match(/src="data:image\/png;base64,/g) ?? []).length).toBe(2);
    expect(html).toContain('pgd-20 → frog');
    expect(html).toContain('25.00%');
    expect(html).toContain('pgd-20 (ℓ∞ ε = 8/255, 20 steps of 2/255)');
    expect(html).toContain('&quot;model&quot;: &quot;resnet20&quot;');
  });

  it('writes the file atomically', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cnn-report-'));
    try {
      const path = await writeReport(join(dir, 'report.html'), { history });
      expect(await readFile(path, 'utf8')).toContain('Training curves');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('lineChartSvg', () => {
  it('draws one path per series and skips non-finite points', () => {
    const svg = lineChartSvg(
      [
        { name: 'a', points: [[0, 1], [1, NaN], [2, 3]] },
        { name: 'b', points: [[0, 2], [2, 2]] },
      ],
      { title: 'T & U' },
    );
    expect((svg.match(/<path/g) ?? []).length).toBe(2);
    expect(svg).toContain('T &amp; U');
    expect(svg).not.toContain('NaN');
  });
});

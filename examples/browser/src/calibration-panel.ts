/** The model's reliability diagram on the clean test images (@cnn/calibration, data + SVG). */
import { reliabilityDiagram, renderReliabilityDiagramSvg } from '@cnn/calibration';
import { byId } from './dom.js';
import type { Lab } from './lab.js';

export function showCalibration(lab: Lab): void {
  const probs = lab.cleanProbabilities.map((row) => Array.from(row));
  const labels = Array.from(lab.images.labels);
  const diagram = reliabilityDiagram(probs, labels, { bins: 10 });
  const svg = renderReliabilityDiagramSvg(diagram, {
    width: 460,
    height: 500,
    title: 'Clean test images',
  });
  const container = byId('reliability');
  container.innerHTML = svg;
  container.dataset.ece = String(diagram.metrics.ece);
}

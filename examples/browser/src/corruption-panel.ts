/** The chosen image under one of the 19 CIFAR-10-C corruptions at severity 1–5, with the model's prediction. */
import * as tf from '@tensorflow/tfjs-core';
import { CORRUPTIONS, corrupt, type CorruptionName } from '@cnn/corruptions';
import { drawImage } from './canvas.js';
import { byId, latestOnly, numberInput } from './dom.js';
import { imageAt } from './image-set.js';
import { predictionText, showPrediction, type Lab } from './lab.js';
import { rgbTensor } from './tensors.js';

export function setUpCorruptionPanel(lab: Lab): { refresh: () => void } {
  const select = byId<HTMLSelectElement>('corruption');
  for (const name of CORRUPTIONS) select.add(new Option(name.replaceAll('_', ' '), name));
  select.value = 'gaussian_noise';
  const refresh = latestOnly(() => showCorrupted(lab), lab.fail);
  byId('severity').addEventListener('input', () => {
    byId('severity-label').textContent = byId<HTMLInputElement>('severity').value;
  });
  for (const id of ['corruption', 'severity']) byId(id).addEventListener('change', refresh);
  return { refresh };
}

async function showCorrupted(lab: Lab): Promise<void> {
  const index = lab.imageIndex();
  const label = lab.images.labels[index];
  const clean = imageAt(lab.images, index);
  const name = byId<HTMLSelectElement>('corruption').value as CorruptionName;
  // Seeded by the image, so an image looks the same each time it is shown.
  const corrupted = corrupt(clean, name, numberInput('severity'), { seed: index });
  drawImage(byId('corrupt-clean-canvas'), clean.image, clean.height, clean.width);
  showPrediction(byId('corrupt-clean-pred'), 'clean', predictionText(lab, lab.cleanProbabilities[index], label));
  const probs = tf.tidy(() => {
    const x = rgbTensor(corrupted);
    return tf.softmax(lab.classifier(x));
  });
  const row = await probs.data();
  probs.dispose();
  drawImage(byId('corrupt-canvas'), corrupted.image, corrupted.height, corrupted.width);
  showPrediction(byId('corrupt-pred'), name.replaceAll('_', ' '), predictionText(lab, row, label));
  lab.showTensors();
}

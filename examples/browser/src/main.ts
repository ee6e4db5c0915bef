/**
 * The robustness lab page: starts a tfjs backend, loads the CIFAR-10 model and the test images,
 * then wires the panels. `#status[data-state]` says loading / ready / error (tests wait on it).
 */
import * as tf from '@tensorflow/tfjs-core';
import { setUpAttackPanel } from './attack-panel.js';
import { backendFromUrl, startBackend } from './backend.js';
import { setUpBatchPanel } from './batch-panel.js';
import { showCalibration } from './calibration-panel.js';
import { setUpCorruptionPanel } from './corruption-panel.js';
import { byId, numberInput, showFraction } from './dom.js';
import { fetchBytes } from './fetch-bytes.js';
import { parseImageSet } from './image-set.js';
import type { Lab } from './lab.js';
import { argmax, loadModel, predictProbabilities } from './model.js';
import { imagesTensor } from './tensors.js';

const IMAGES_URL = 'data/cifar10-test-300.bin';
const MODEL_URL = 'model/model.json';

function setStatus(state: 'loading' | 'ready' | 'error', text: string): void {
  const status = byId('status');
  status.dataset.state = state;
  status.textContent = text;
}

function fail(error: unknown): void {
  console.error(error);
  setStatus('error', `error: ${error instanceof Error ? error.message : String(error)}`);
}

async function main(): Promise<void> {
  const url = new URL(location.href);
  const preference = backendFromUrl(url);
  const backendSelect = byId<HTMLSelectElement>('backend-select');
  backendSelect.value = preference;
  backendSelect.addEventListener('change', () => {
    url.searchParams.set('backend', backendSelect.value);
    location.href = url.href;
  });

  setStatus('loading', `starting the ${preference} backend…`);
  const { choice, info } = await startBackend(preference);
  byId('backend').textContent = choice.backend;
  byId('backend').dataset.backend = choice.backend;
  byId('backend-reason').textContent = `${choice.reason} — ${info.details}`;

  setStatus('loading', 'loading the model and the test images…');
  const [loaded, imageBytes] = await Promise.all([loadModel(MODEL_URL), fetchBytes(IMAGES_URL)]);
  const images = parseImageSet(imageBytes, IMAGES_URL);
  const { manifest } = loaded;
  byId('model-info').textContent =
    `${manifest.model} (widths ${manifest.options.widths?.join('/')}, depths ${manifest.options.depths?.join('/')}; ` +
    `${manifest.parameters.toLocaleString('en')} parameters), ${(manifest.testAccuracy * 100).toFixed(1)}% on ${manifest.testImages.toLocaleString('en')} CIFAR-10 test images (measured by the trainer)`;

  setStatus('loading', `predicting ${images.count} clean test images…`);
  const all = imagesTensor(images, 0, images.count);
  const cleanProbabilities = await predictProbabilities(loaded.classifier, all).finally(() => all.dispose());
  const correct = cleanProbabilities.filter((row, i) => argmax(row) === images.labels[i]).length;
  showFraction('clean-accuracy', correct / images.count, ` of ${images.count} test images here`);

  const modelTensors = Object.keys(loaded.model.stateDict()).length;
  const lab: Lab = {
    classifier: loaded.classifier,
    manifest,
    images,
    cleanProbabilities,
    imageIndex: () => Math.min(images.count - 1, Math.max(0, Math.trunc(numberInput('image-index')) || 0)),
    fail,
    showTensors: () => {
      const tensors = byId('tensors');
      tensors.textContent = `${tf.memory().numTensors} live (the model holds ${modelTensors})`;
      Object.assign(tensors.dataset, { live: String(tf.memory().numTensors), model: String(modelTensors) });
    },
  };
  showCalibration(lab);
  const attackPanel = setUpAttackPanel(lab);
  const corruptionPanel = setUpCorruptionPanel(lab);
  setUpBatchPanel(lab);
  wireImagePicker(images.count, () => {
    attackPanel.refresh();
    corruptionPanel.refresh();
  });
  attackPanel.refresh();
  corruptionPanel.refresh();
  lab.showTensors();
  setStatus('ready', `ready on ${choice.backend}`);
}

function wireImagePicker(count: number, onChange: () => void): void {
  const input = byId<HTMLInputElement>('image-index');
  input.max = String(count - 1);
  const step = (by: number): void => {
    input.value = String((numberInput('image-index') + by + count) % count);
    onChange();
  };
  byId('prev').addEventListener('click', () => step(-1));
  byId('next').addEventListener('click', () => step(1));
  input.addEventListener('change', onChange);
}

main().catch(fail);

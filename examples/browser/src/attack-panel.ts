/** One image, the chosen attack at the slider's ε: clean, adversarial and the perturbation magnified. */
import * as tf from '@tensorflow/tfjs-core';
import { ATTACKS, attackFn, epsLabel, isAttackId, type AttackSettings } from './attack-choice.js';
import { drawImage, drawPerturbation } from './canvas.js';
import { byId, latestOnly, numberInput } from './dom.js';
import { imageAt } from './image-set.js';
import { predictionText, showPrediction, type Lab } from './lab.js';
import { imagesTensor } from './tensors.js';

/** The attack settings the controls show now (the batch panel uses them too). */
export function attackSettings(): AttackSettings {
  const id = byId<HTMLSelectElement>('attack').value;
  if (!isAttackId(id)) throw new Error(`unknown attack ${JSON.stringify(id)}`);
  return { id, position: numberInput('eps'), steps: numberInput('steps'), seed: 0 };
}

export function setUpAttackPanel(lab: Lab): { refresh: () => void } {
  const select = byId<HTMLSelectElement>('attack');
  for (const [id, attack] of Object.entries(ATTACKS)) select.add(new Option(attack.label, id));
  select.value = 'pgd-linf';
  const refresh = latestOnly(() => attackOne(lab), lab.fail);
  const showEps = (): void => {
    const settings = attackSettings();
    byId('eps-label').textContent = epsLabel(ATTACKS[settings.id].norm, settings.position);
    byId<HTMLInputElement>('steps').disabled = !ATTACKS[settings.id].iterative;
  };
  byId('eps').addEventListener('input', showEps);
  for (const id of ['attack', 'eps', 'steps']) byId(id).addEventListener('change', refresh);
  select.addEventListener('change', showEps);
  showEps();
  return { refresh };
}

async function attackOne(lab: Lab): Promise<void> {
  const settings = attackSettings();
  const index = lab.imageIndex();
  const label = lab.images.labels[index];
  const { height, width } = lab.images;
  drawImage(byId('clean-canvas'), imageAt(lab.images, index).image, height, width);
  showPrediction(byId('clean-pred'), 'clean', predictionText(lab, lab.cleanProbabilities[index], label));
  const images = imagesTensor(lab.images, index, 1);
  try {
    const result = await attackFn(settings)(lab.classifier, images, [label]);
    const probs = tf.tidy(() => tf.softmax(lab.classifier(result.adversarial)));
    const [clean, adversarial, row] = await Promise.all([images.data(), result.adversarial.data(), probs.data()]);
    tf.dispose([result.adversarial, probs]);
    drawImage(byId('adv-canvas'), adversarial, height, width);
    showPrediction(byId('adv-pred'), 'adversarial', predictionText(lab, row, label));
    const factor = drawPerturbation(byId('delta-canvas'), clean, adversarial, height, width);
    const delta = Float32Array.from(adversarial, (v, i) => v - clean[i]);
    const linf = delta.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const l2 = Math.sqrt(delta.reduce((s, v) => s + v * v, 0));
    const caption = byId('delta-caption');
    caption.textContent = `δ ×${factor.toFixed(0)}: L∞ ${(linf * 255).toFixed(1)}/255, L2 ${l2.toFixed(2)}`;
    // What was shown, for tests and scripts: the settings and the perturbation's norms.
    Object.assign(caption.dataset, { settings: settingsKey(settings, index), linf: String(linf), l2: String(l2) });
  } finally {
    images.dispose();
    lab.showTensors();
  }
}

/** "pgd-linf 8 10 #0": attack, slider position, steps and image of a result. */
export function settingsKey(settings: AttackSettings, index: number): string {
  return `${settings.id} ${settings.position} ${settings.steps} #${index}`;
}

/** What every panel of the page works with, loaded once. */
import type { Classifier } from '@cnn/core';
import type { ImageSet } from './image-set.js';
import type { ModelManifest } from './model-manifest.js';
import { argmax } from './model.js';

export interface Lab {
  classifier: Classifier;
  manifest: ModelManifest;
  images: ImageSet;
  /** The model's softmax on each clean image. */
  cleanProbabilities: Float32Array[];
  /** Which image the attack and corruption panels show. */
  imageIndex(): number;
  /** Report an error on the page. */
  fail(error: unknown): void;
  /** Refresh the live-tensor count shown in the header. */
  showTensors(): void;
}

/** "cat 87%" with a class telling whether it is the label. */
export function predictionText(lab: Lab, row: ArrayLike<number>, label: number): { text: string; right: boolean } {
  const best = argmax(row);
  return { text: `${lab.manifest.classes[best]} ${(row[best] * 100).toFixed(0)}%`, right: best === label };
}

export function showPrediction(element: HTMLElement, prefix: string, prediction: { text: string; right: boolean }): void {
  element.textContent = `${prefix}: ${prediction.text}`;
  element.className = prediction.right ? 'right' : 'wrong';
}

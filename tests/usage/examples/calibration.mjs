// README "2. Calibration metrics on any predictions", run as written by tests/usage.
// Needs: npm install @cnn/calibration
import { accuracy, calibrationError, ece } from '@cnn/calibration';

// 3,000 predictions of an overconfident 3-class model: it always says 90 % and is right 70 % of the time.
const probs = [], labels = [];
for (let i = 0; i < 3000; i++) {
  const label = i % 3;
  const predicted = i % 10 < 7 ? label : (label + 1) % 3;
  probs.push([0, 1, 2].map((k) => (k === predicted ? 0.9 : 0.05)));
  labels.push(label);
}
console.log('accuracy', accuracy(probs, labels).toFixed(3));                                        // 0.700
console.log('ECE', ece(probs, labels).toFixed(3));                                                  // 0.200: |0.9 − 0.7|
console.log('debiased top-label CE', calibrationError(probs, labels, { mode: 'top-label' }).toFixed(3)); // ≈ 0.200

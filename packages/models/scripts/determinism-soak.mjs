// Determinism soak (not part of `pnpm test`; `pnpm test:soak` at the root runs it): repeats one
// seeded ResNet-20 training step — same weights, same batch, training-mode BatchNorm — many times
// in one process and compares the loss and every gradient bit for bit with the first repeat.
//
//   node scripts/determinism-soak.mjs [--repeats 5000] [--backend wasm] [--threads 2] [--batch 64] [--grow]
//
// --grow allocates a tensor 1 MiB larger before every step, so the wasm heap grows every step and
// every step's tensors land at new addresses (a kernel reading memory it never wrote would then
// diverge at once). Exits 1 if any repeat differs.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { createModel } from '../dist/index.js';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]?.startsWith('--') || all[i + 1] == null ? 'true' : all[i + 1]]] : acc), []),
);
const repeats = Number(args.repeats ?? 5000);
const batch = Number(args.batch ?? 64);
const info = await initBackend(args.backend ?? 'wasm', { wasmThreads: args.threads ? Number(args.threads) : undefined });
const model = createModel('resnet20', { seed: 1 });
let s = 7;
const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s / 2 ** 32);
const x = tf.tensor4d(Float32Array.from({ length: batch * 32 * 32 * 3 }, rnd), [batch, 32, 32, 3]);
const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), 10);
const params = model.namedParameters().map(([, v]) => v);
console.log(`${info.backend} (${info.reason}); ${repeats} repeats of a ResNet-20 training step, batch ${batch}${args.grow ? ', heap grown every step' : ''}`);

let ref = null;
let diverged = 0;
const start = Date.now();
for (let i = 0; i < repeats; i++) {
  const hog = args.grow ? tf.zeros([(i + 1) * 262144]) : null;
  const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true, updateRunningStats: false })), params);
  const values = [value.dataSync().slice(), ...params.map((p) => grads[p.name].dataSync().slice())];
  tf.dispose([value, ...Object.values(grads)]);
  hog?.dispose();
  if (ref == null) {
    ref = values;
    continue;
  }
  let differing = 0;
  let largest = 0;
  for (let k = 0; k < values.length; k++) {
    for (let j = 0; j < values[k].length; j++) {
      if (values[k][j] !== ref[k][j]) {
        differing++;
        largest = Math.max(largest, Math.abs(values[k][j] - ref[k][j]));
      }
    }
  }
  if (differing > 0) {
    diverged++;
    console.log(`repeat ${i}: ${differing} values differ from repeat 0 (largest difference ${largest}); loss ${values[0][0]} vs ${ref[0][0]}`);
  }
  if (i % 500 === 0 && i > 0) console.log(`  ${i} repeats, ${diverged} diverged, ${((Date.now() - start) / i).toFixed(0)} ms per step`);
}
console.log(`${diverged} of ${repeats - 1} repeats diverged`);
process.exit(diverged === 0 ? 0 : 1);

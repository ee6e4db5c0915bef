// Times a conv-heavy training step (ResNet-20-like stage: 3×3 convs, 16–32 channels, batch 32,
// 32×32) on wasm with 1 and with 2 XNNPACK threads, each in its own process, alternating, and
// prints medians. Usage: node scripts/bench-wasm-threads.mjs [rounds=3]. Not a test: timing only.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === '--child') {
  const tf = await import('@tensorflow/tfjs-core');
  const { initBackend, backendInfo } = await import('../dist/index.js');
  await initBackend('wasm', { wasmThreads: Number(process.argv[3]) });
  const info = backendInfo();
  const rnd = (s, seed) => tf.randomNormal(s, 0, 0.1, 'float32', seed);
  const ws = [tf.variable(rnd([3, 3, 16, 16], 1)), tf.variable(rnd([3, 3, 16, 16], 2)), tf.variable(rnd([3, 3, 16, 32], 3)), tf.variable(rnd([3, 3, 32, 32], 4))];
  const x = tf.randomUniform([32, 32, 32, 16], 0, 1, 'float32', 5);
  const step = () => {
    const { value, grads } = tf.variableGrads(() => {
      let h = tf.relu(tf.conv2d(x, ws[0], 1, 'same'));
      h = tf.relu(tf.conv2d(h, ws[1], 1, 'same'));
      h = tf.relu(tf.conv2d(h, ws[2], 2, 'same'));
      h = tf.relu(tf.conv2d(h, ws[3], 1, 'same'));
      return tf.mean(tf.square(h));
    });
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  step();
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    step();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ threads: info.threads, details: info.details, medianMs: times[2] }));
} else {
  const rounds = Number(process.argv[2] ?? 3);
  const results = { 1: [], 2: [] };
  for (let r = 0; r < rounds; r++) {
    for (const t of [1, 2]) {
      const out = JSON.parse(execFileSync(process.execPath, [self, '--child', String(t)], { encoding: 'utf8' }).trim().split('\n').pop());
      if (r === 0) console.log(out.details);
      results[t].push(out.medianMs);
    }
  }
  const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  console.log(`conv-heavy training step (batch 32): 1 thread ${med(results[1]).toFixed(1)} ms, 2 threads ${med(results[2]).toFixed(1)} ms, speed-up ×${(med(results[1]) / med(results[2])).toFixed(2)}`);
}

// Times calibrationError (and friends) on 1M × 10 predictions; prints time and memory.
// Run: pnpm --filter @cnn/calibration bench   (builds first). Not a test: numbers vary by machine
// and load (CPU time is printed beside wall time for that reason). BENCH_N overrides the 1M rows.
import { calibrationError, ece } from '../dist/index.js';

const N = Number(process.env.BENCH_N ?? 1_000_000);
const K = 10;

// Seeded synthetic softmax outputs (xorshift), labels drawn from a sharpened copy.
let s = 0x9e3779b9;
const u = () => {
  s ^= s << 13;
  s ^= s >>> 17;
  s ^= s << 5;
  return ((s >>> 0) + 0.5) / 4294967296;
};
const probs = new Float64Array(N * K);
const labels = new Int32Array(N);
for (let i = 0; i < N; i++) {
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp(3 * (u() - 0.5) * 2);
    probs[i * K + k] = e;
    sum += e;
  }
  let r = u();
  labels[i] = K - 1;
  for (let k = 0; k < K; k++) {
    probs[i * K + k] /= sum;
    r -= probs[i * K + k] * 0.8 + 0.02; // a bit under-confident relative to the truth
    if (r < 0 && labels[i] === K - 1) labels[i] = k;
  }
}

const mb = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const inputBytes = probs.byteLength + labels.byteLength;
console.log(`calibrationError on ${N.toLocaleString('en')} × ${K} predictions (input ${mb(inputBytes)} float64 + int32)`);

function time(name, fn) {
  globalThis.gc?.();
  const before = process.memoryUsage();
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const v = fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const after = process.memoryUsage();
  console.log(
    `${name.padEnd(52)} ${ms.toFixed(0).padStart(6)} ms wall ${cpuMs.toFixed(0).padStart(6)} ms cpu  value ${v.toFixed(6)}  ` +
      `heap+buffers Δ ${mb(after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers)}`,
  );
}

time('marginal, debiased ℓ2, 15 equal-mass bins (default)', () => calibrationError(probs, labels, { numClasses: K }));
time('top-label, debiased ℓ2, 15 equal-mass bins', () => calibrationError(probs, labels, { numClasses: K, mode: 'top-label' }));
time('ece: top-label, 15 equal-width bins', () => ece(probs, labels, { numClasses: K }));
const mem = process.memoryUsage();
console.log(`rss ${mb(mem.rss)}, peak rss ${mb(process.resourceUsage().maxRSS * 1024)}, heap used ${mb(mem.heapUsed)}, array buffers ${mb(mem.arrayBuffers)}`);

// Times corrupt() over a subset of CIFAR-10 test images × 19 corruptions × 5 severities and
// extrapolates to the full CIFAR-10-C (10,000 images); then times the reference Python functions
// (make_cifar_c.py) on the same subset when /usr/bin/python3 has their modules.
//   pnpm build && pnpm bench [-- --images 500 --workers 2 --python-images 500]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TEST_BATCH = path.resolve(HERE, '../../../../shared/data/cifar-10-batches-bin/test_batch.bin');
const FULL = 10_000;

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** The first `count` test images as HWC RGB (the file stores label + CHW planes). */
function loadImages(count) {
  const raw = readFileSync(TEST_BATCH);
  return Array.from({ length: count }, (_, n) => {
    const record = raw.subarray(n * 3073 + 1, (n + 1) * 3073);
    const image = new Uint8Array(3072);
    for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) image[p * 3 + c] = record[c * 1024 + p];
    return { image, height: 32, width: 32 };
  });
}

/**
 * Runs every corruption and severity over `images`; returns CPU seconds per corruption (CPU time,
 * not wall time: the machine is shared, and CPU time does not count other processes' turns).
 */
async function timeAll(images) {
  const { corrupt, CORRUPTIONS } = await import('../dist/index.js');
  const seconds = {};
  for (const name of CORRUPTIONS) {
    const start = process.cpuUsage();
    for (let s = 1; s <= 5; s++) images.forEach((img, i) => corrupt(img, name, s, { seed: i }));
    const used = process.cpuUsage(start);
    seconds[name] = (used.user + used.system) / 1e6;
  }
  return seconds;
}

if (!isMainThread) {
  parentPort.postMessage(await timeAll(loadImages(workerData.end).slice(workerData.start)));
} else {
  await main();
}

async function main() {
  if (!existsSync(path.join(HERE, '../dist/index.js'))) throw new Error('bench: run `pnpm build` first (dist/index.js is missing)');
  const count = option('images', 500);
  const workers = option('workers', 2);
  const images = loadImages(count);
  await timeAll(images.slice(0, 20)); // warm-up (JIT)

  const single = await timeAll(images);
  const total1 = Object.values(single).reduce((a, b) => a + b, 0);
  console.log(`corrupt(): ${count} images × 19 × 5 on 1 thread (CPU time; load average ${loadavg()[0].toFixed(1)})`);
  for (const [name, s] of Object.entries(single)) console.log(`  ${name.padEnd(18)} ${((s / (5 * count)) * 1e3).toFixed(3)} ms/image`);
  const fullCpu = (total1 * FULL) / count;
  console.log(`  total ${total1.toFixed(1)} s → full CIFAR-10-C: ${(fullCpu / 60).toFixed(1)} CPU min, ≈ ${(fullCpu / 120).toFixed(1)} min on 2 cores (goal ≤ 5 min)`);

  const start = process.hrtime.bigint();
  const per = Math.ceil(count / workers);
  await Promise.all(
    Array.from({ length: workers }, (_, w) =>
      new Promise((resolve, reject) => {
        const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { start: w * per, end: Math.min(count, (w + 1) * per) } });
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
    ),
  );
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const fullWall = (wall * FULL) / count;
  console.log(
    `  ${workers} worker threads: ${wall.toFixed(1)} s wall → full CIFAR-10-C ≈ ${(fullWall / 60).toFixed(1)} min wall ` +
      `(wall time includes other processes' load: ${loadavg()[0].toFixed(1)} now)`,
  );

  referencePython(option('python-images', count), total1, count);
}

function referencePython(count, oursSeconds, oursCount) {
  const python = '/usr/bin/python3';
  if (!(count > 0)) {
    console.log('reference: skipped — --python-images 0');
    return;
  }
  const script = path.join(HERE, 'reference_bench.py');
  try {
    execFileSync(python, ['-c', 'import numpy, scipy, skimage, cv2, wand.image, PIL'], { stdio: 'ignore' });
  } catch {
    console.log(`reference: skipped — ${python} lacks numpy/scipy/scikit-image/opencv/wand/Pillow`);
    return;
  }
  console.log(`reference make_cifar_c.py functions: ${count} images × 19 × 5 (1 process)`);
  const out = execFileSync(python, [script, TEST_BATCH, String(count)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const seconds = JSON.parse(out.trim().split('\n').at(-1));
  const total = Object.values(seconds).reduce((a, b) => a + b, 0);
  for (const [name, s] of Object.entries(seconds)) console.log(`  ${name.padEnd(18)} ${((s / (5 * count)) * 1e3).toFixed(3)} ms/image`);
  const perImageRef = total / count;
  const perImageOurs = oursSeconds / oursCount;
  console.log(`  total ${total.toFixed(1)} s → full CIFAR-10-C: ${((perImageRef * FULL) / 60).toFixed(1)} CPU min`);
  console.log(`speed-up of corrupt() over the reference, 1 thread each: ${(perImageRef / perImageOurs).toFixed(1)}×`);
}

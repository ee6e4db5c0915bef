// `pnpm bench` (built by bench/tsup.config.ts to bench/dist, never published): loader throughput. Not a test (timings vary with machine load).
//   1. CIFAR-10 from disk with the training transform (random crop + flip), batches/s and images/s.
//   2. ImageNet-style folder (JPEGs generated here): images/s decoded + cropped, main thread vs workers.
import { initBackend } from '@cnn/backend';
import { disposeBatch } from '@cnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdtempSync, promises as fsp, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { loadCifar } from '../src/cifar.js';
import { loadImageFolder } from '../src/image-folder.js';
import { loader, type Loader } from '../src/loader.js';
import { mixup } from '../src/mixup.js';
import { cifarTrainTransform } from '../src/transform.js';

async function timeEpoch(l: Loader, maxBatches = Infinity): Promise<{ batches: number; images: number; seconds: number }> {
  const t0 = performance.now();
  let batches = 0;
  let images = 0;
  for await (const b of l) {
    images += b.images.shape[0];
    batches++;
    disposeBatch(b);
    if (batches >= maxBatches) break;
  }
  return { batches, images, seconds: (performance.now() - t0) / 1000 };
}

function line(label: string, r: { batches: number; images: number; seconds: number }): void {
  console.log(
    `${label.padEnd(64)} ${(r.batches / r.seconds).toFixed(1).padStart(8)} batches/s ${(r.images / r.seconds).toFixed(0).padStart(8)} images/s`,
  );
}

async function cifarBench(): Promise<void> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [process.env.CIFAR_ROOT, path.resolve(here, '../../../../../shared/data')].filter(Boolean) as string[];
  let root = candidates.find((c) => existsSync(path.join(c, 'cifar-10-batches-bin')) || existsSync(path.join(c, 'test_batch.bin')));
  let tmp: string | undefined;
  if (!root) {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'cnn-bench-cifar-'));
    const bytes = new Uint8Array(10000 * 3073);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    for (let r = 0; r < 10000; r++) bytes[r * 3073] = r % 10;
    writeFileSync(path.join(tmp, 'data_batch_1.bin'), bytes);
    root = tmp;
    console.log('(real CIFAR-10 not found: using 10 000 synthetic records; set CIFAR_ROOT to use yours)');
  }
  const t0 = performance.now();
  const ds = await loadCifar({ root, split: 'train' });
  console.log(`CIFAR-10 train: ${ds.length} images read and decoded from ${ds.files.join(', ')} in ${(performance.now() - t0).toFixed(0)} ms`);
  const transform = cifarTrainTransform();
  await timeEpoch(loader(ds, { batchSize: 128, shuffle: true, transform }), 5); // warm-up
  line('CIFAR loader, batch 128, crop+flip', await timeEpoch(loader(ds, { batchSize: 128, shuffle: true, seed: 1, transform })));
  line(
    'CIFAR loader, batch 128, crop+flip+cutout+mixup',
    await timeEpoch(loader(ds, { batchSize: 128, shuffle: true, seed: 1, transform: [cifarTrainTransform({ cutout: 16 }), mixup({ alpha: 1 })] })),
  );
  if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
}

async function folderBench(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cnn-bench-folder-'));
  const perClass = 40;
  const classes = 4;
  // Photo-like JPEGs (smooth gradients + noise), ImageNet's typical 500×375.
  const w = 500;
  const h = 375;
  for (let c = 0; c < classes; c++) {
    await fsp.mkdir(path.join(root, `class_${c}`));
    for (let k = 0; k < perClass; k++) {
      const px = Buffer.alloc(w * h * 3);
      let s = (c * 1000 + k + 1) >>> 0;
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          const n = s >>> 28;
          const o = (y * w + x) * 3;
          px[o] = ((x * 255) / w + n + c * 40) & 255;
          px[o + 1] = ((y * 255) / h + n) & 255;
          px[o + 2] = (((x + y) * 128) / (w + h) + n * 2 + k * 3) & 255;
        }
      await sharp(px, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toFile(path.join(root, `class_${c}`, `${k}.jpg`));
    }
  }
  console.log(`\nImage folder: ${classes * perClass} JPEGs ${w}×${h} in ${root}; ${os.cpus().length} CPUs; batch 32, prefetch 2`);
  // Alternate the contenders over several rounds and report medians: the machine may be shared.
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const configs = (['train', 'eval'] as const).flatMap((mode) => [0, 1, 2].map((workers) => ({ mode, workers })));
  const results = new Map<string, { batches: number; images: number; seconds: number }[]>();
  for (let round = 0; round < rounds; round++) {
    for (const { mode, workers } of configs) {
      const ds = await loadImageFolder({ root, transform: mode, workers });
      await timeEpoch(loader(ds, { batchSize: 32 }), 1); // warm-up (spawns workers)
      const r = await timeEpoch(loader(ds, { batchSize: 32, shuffle: true, seed: round }));
      await ds.close();
      const key = `folder ${mode} (${mode === 'train' ? 'RandomResizedCrop 224 + flip' : 'resize 256 + crop 224'}), ${workers === 0 ? 'main thread' : `${workers} worker${workers > 1 ? 's' : ''}`}`;
      results.set(key, [...(results.get(key) ?? []), r]);
    }
  }
  console.log(`(median of ${rounds} alternating rounds)`);
  for (const [key, rs] of results) {
    const sorted = [...rs].sort((a, b) => a.images / a.seconds - b.images / b.seconds);
    line(key, sorted[Math.floor(sorted.length / 2)]);
  }
  await fsp.rm(root, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const choice = await initBackend(process.env.CNN_BACKEND ? undefined : 'cpu');
  console.log(`@cnn/data bench — backend ${choice.backend}, node ${process.version}\n`);
  await cifarBench();
  await folderBench();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

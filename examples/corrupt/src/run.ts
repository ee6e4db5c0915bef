import { mkdirSync } from 'node:fs';
import { loadCifar } from '@cnn/data/node';
import type { CorruptConfig } from './args.js';
import { generate } from './generate.js';

/** A one-line progress bar on stderr (when it is a terminal; else a line per 10 %). */
function progressBar(enabled: boolean): (done: number, total: number) => void {
  const start = Date.now();
  let lastTenth = -1;
  return (done, total) => {
    if (!enabled) return;
    const f = done / total;
    const elapsed = (Date.now() - start) / 1000;
    const eta = f > 0 ? Math.round((elapsed * (1 - f)) / f) : 0;
    const text = `${(f * 100).toFixed(1).padStart(5)} % ${done}/${total} images, ${Math.round(elapsed)} s, ETA ${eta} s`;
    if (process.stderr.isTTY) {
      const width = 30;
      const bar = '█'.repeat(Math.round(f * width)).padEnd(width, '░');
      process.stderr.write(`\r${bar} ${text}`);
      if (done === total) process.stderr.write('\n');
    } else if (Math.floor(f * 10) > lastTenth) {
      lastTenth = Math.floor(f * 10);
      process.stderr.write(`${text}\n`);
    }
  };
}

/** Loads the test split, writes every requested corruption, says where. */
export async function runCorrupt(config: CorruptConfig): Promise<number> {
  const test = await loadCifar({ root: config.data, split: 'test', variant: config.dataset });
  const count = Math.min(config.limit ?? test.length, test.length);
  const first = await test.get(0);
  const per = first.height * first.width * 3;
  const images = new Uint8Array(count * per);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const s = await test.get(i);
    images.set(s.image, i * per);
    labels[i] = s.label;
  }
  mkdirSync(config.out, { recursive: true });
  const started = Date.now();
  await generate({
    images, labels, count, height: first.height, width: first.width,
    corruptions: config.corruptions, severities: config.severities, seed: config.seed, out: config.out,
    workers: config.workers, onProgress: progressBar(config.progress),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`wrote ${config.corruptions.length} corruption${config.corruptions.length === 1 ? '' : 's'} × ${config.severities.length} severities × ${count} images and labels.npy to ${config.out} in ${seconds} s\n`);
  return 0;
}

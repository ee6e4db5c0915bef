import '@tensorflow/tfjs-backend-cpu';
import { createRng, disposeBatch } from '@cnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, mkdtempSync, promises as fsp, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomResizedCropBox, resizeCenterCropGeometry } from './image-geometry.js';
import { loadImageFolder } from './image-folder.js';
import { loader } from './loader.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cnn-data-folder-'));
const root = path.join(tmp, 'train');

/** W×H image: left half red, right half blue. */
function halves(w: number, h: number): Buffer {
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      if (x < w / 2) px[o] = 255;
      else px[o + 2] = 255;
    }
  return px;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const d of ['cat', 'Dog', 'zebra/sub', 'cat/notes']) mkdirSync(path.join(root, d), { recursive: true });
  await sharp(halves(300, 200), { raw: { width: 300, height: 200, channels: 3 } }).jpeg({ quality: 95 }).toFile(path.join(root, 'cat', 'b.jpg'));
  await sharp(halves(200, 300), { raw: { width: 200, height: 300, channels: 3 } }).png().toFile(path.join(root, 'cat', 'a.PNG'));
  writeFileSync(path.join(root, 'cat', 'notes', 'readme.txt'), 'not an image');
  // RGBA PNG and a greyscale JPEG: both must come out as 3-channel RGB
  await sharp({ create: { width: 120, height: 90, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } })
    .png()
    .toFile(path.join(root, 'Dog', 'rgba.png'));
  await sharp({ create: { width: 260, height: 260, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .greyscale()
    .jpeg()
    .toFile(path.join(root, 'zebra', 'sub', 'grey.jpeg'));
  await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 0, g: 0, b: 255 } } })
    .webp()
    .toFile(path.join(root, 'zebra', 'w.webp'));
});
afterAll(() => fsp.rm(tmp, { recursive: true, force: true }));

function rgb(img: Uint8Array, width: number, x: number, y: number): number[] {
  const o = (y * width + x) * 3;
  return [img[o], img[o + 1], img[o + 2]];
}
const isRed = (c: number[]) => c[0] > 200 && c[1] < 50 && c[2] < 50;
const isBlue = (c: number[]) => c[2] > 200 && c[0] < 50 && c[1] < 50;

describe('loadImageFolder', () => {
  it('classes from sorted folder names, examples by class then path, only image extensions', async () => {
    const ds = await loadImageFolder({ root, workers: 0 });
    expect(ds.classNames).toEqual(['Dog', 'cat', 'zebra']); // code-point order, as Python's sorted()
    expect(ds.files.map((f) => path.relative(root, f))).toEqual(['Dog/rgba.png', 'cat/a.PNG', 'cat/b.jpg', 'zebra/sub/grey.jpeg', 'zebra/w.webp']);
    expect(Array.from(ds.labels)).toEqual([0, 1, 1, 2, 2]);
  });

  it('eval: shorter side 256, centre crop 224, RGB from RGBA and greyscale', async () => {
    const ds = await loadImageFolder({ root, workers: 0, transform: 'eval' });
    for (let i = 0; i < ds.length; i++) {
      const s = await ds.get(i);
      expect([s.height, s.width, s.image.length]).toEqual([224, 224, 224 * 224 * 3]);
      expect(s.label).toBe(ds.labels[i]);
    }
    // 300×200 → 384×256, crop columns 80…303: the red/blue edge (x = 192) lands at column 112
    const b = await ds.get(2);
    expect(isRed(rgb(b.image, 224, 100, 112))).toBe(true);
    expect(isBlue(rgb(b.image, 224, 124, 112))).toBe(true);
    const grey = await ds.get(3);
    expect(rgb(grey.image, 224, 50, 50).every((v) => Math.abs(v - 128) <= 2)).toBe(true);
    const none = await loadImageFolder({ root, workers: 0, transform: 'none' });
    const full = await none.get(0);
    expect([full.height, full.width]).toEqual([90, 120]);
  });

  it('train: RandomResizedCrop + flip, reproducible, identical in workers and on the main thread', async () => {
    const main = await loadImageFolder({ root, workers: 0, transform: 'train' });
    const pool = await loadImageFolder({ root, workers: 2, transform: 'train' });
    try {
      const idx = [0, 1, 2, 3, 4, 2, 2];
      const a = await main.getMany(idx, createRng(5));
      const b = await pool.getMany(idx, createRng(5));
      const c = await pool.getMany(idx, createRng(6));
      for (let k = 0; k < idx.length; k++) {
        expect([a[k].height, a[k].width]).toEqual([224, 224]);
        expect(Buffer.from(b[k].image).equals(Buffer.from(a[k].image))).toBe(true);
      }
      expect(c.some((s, k) => !Buffer.from(s.image).equals(Buffer.from(a[k].image)))).toBe(true);
      // the same example drawn three times with different crops
      expect(Buffer.from(a[5].image).equals(Buffer.from(a[6].image))).toBe(false);
      const single = await pool.get(2, createRng(9));
      expect(single.image.length).toBe(224 * 224 * 3);
    } finally {
      await pool.close();
    }
  });

  it('train with scale 1, ratio 1: centre square of a wide image, then the flip swaps the halves', async () => {
    for (const [flip, left, right] of [
      [0, isRed, isBlue],
      [1, isBlue, isRed],
    ] as const) {
      const ds = await loadImageFolder({ root, workers: 0, transform: 'train', scale: [1, 1], ratio: [1, 1], flip });
      const s = await ds.get(2, createRng(1));
      expect(left(rgb(s.image, 224, 20, 100))).toBe(true);
      expect(right(rgb(s.image, 224, 203, 100))).toBe(true);
    }
  });

  it('randomResizedCropBox stays inside the image with area and aspect in range (seeded)', () => {
    const rng = createRng(77);
    for (let k = 0; k < 2000; k++) {
      const W = 1 + rng.int(600);
      const H = 1 + rng.int(600);
      const b = randomResizedCropBox(W, H, [0.08, 1], [3 / 4, 4 / 3], rng);
      expect(b.left).toBeGreaterThanOrEqual(0);
      expect(b.top).toBeGreaterThanOrEqual(0);
      expect(b.width).toBeGreaterThan(0);
      expect(b.height).toBeGreaterThan(0);
      expect(b.left + b.width).toBeLessThanOrEqual(W);
      expect(b.top + b.height).toBeLessThanOrEqual(H);
      if (W >= 50 && H >= 50 && W / H > 3 / 4 && W / H < 4 / 3) {
        expect((b.width * b.height) / (W * H)).toBeGreaterThan(0.06);
        expect(b.width / b.height).toBeGreaterThan(0.7);
        expect(b.width / b.height).toBeLessThan(1.43);
      }
    }
  });

  it('loader over workers: 224×224 batches, labels right, no tensor leaks', async () => {
    const ds = await loadImageFolder({ root, workers: 2, transform: 'train' });
    try {
      const before = tf.memory().numTensors;
      const l = loader(ds, { batchSize: 2, shuffle: true, seed: 4 });
      const order = l.batchIndices();
      let b = 0;
      for await (const batch of l) {
        expect(batch.images.shape).toEqual([order[b].length, 224, 224, 3]);
        expect(Array.from(batch.labels.dataSync())).toEqual(Array.from(order[b], (i) => ds.labels[i]));
        disposeBatch(batch);
        b++;
      }
      expect(b).toBe(3);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await ds.close();
    }
  });

  it('loader startBatch over workers: the same decoded, randomly cropped batches as a full pass', async () => {
    const ds = await loadImageFolder({ root, workers: 2, transform: 'train' });
    try {
      const l = loader(ds, { batchSize: 2, shuffle: true, seed: 5, epoch: 1 });
      const full: number[][] = [];
      for await (const batch of l) {
        full.push(Array.from(batch.images.dataSync()));
        disposeBatch(batch);
      }
      const tail: number[][] = [];
      for await (const batch of l.withEpoch(1, { startBatch: 1 })) {
        tail.push(Array.from(batch.images.dataSync()));
        disposeBatch(batch);
      }
      expect(tail.length).toBe(2);
      expect(tail).toEqual(full.slice(1));
    } finally {
      await ds.close();
    }
  });
});

describe('image folder bad input', () => {
  it('corrupt images, empty class folders, missing roots name the path', async () => {
    const bad = path.join(tmp, 'bad');
    mkdirSync(path.join(bad, 'a'), { recursive: true });
    writeFileSync(path.join(bad, 'a', 'broken.jpg'), Buffer.from('this is not a jpeg at all'));
    const jpg = await sharp({ create: { width: 40, height: 40, channels: 3, background: 'white' } }).jpeg().toBuffer();
    writeFileSync(path.join(bad, 'a', 'truncated.jpg'), jpg.subarray(0, jpg.length >> 1));
    for (const workers of [0, 1]) {
      const ds = await loadImageFolder({ root: bad, workers });
      try {
        await expect(ds.get(0)).rejects.toThrow(/Cannot decode image .*a\/broken\.jpg/);
        await expect(ds.get(1)).rejects.toThrow(/Cannot decode image .*a\/truncated\.jpg/);
      } finally {
        await ds.close();
      }
    }
    mkdirSync(path.join(bad, 'empty'));
    await expect(loadImageFolder({ root: bad })).rejects.toThrow(/class folder .*bad\/empty has no images/);
    await expect(loadImageFolder({ root: path.join(tmp, 'missing') })).rejects.toThrow(/missing is not a directory/);
    const flat = path.join(tmp, 'flat');
    mkdirSync(flat);
    writeFileSync(path.join(flat, 'x.jpg'), jpg);
    await expect(loadImageFolder({ root: flat })).rejects.toThrow(/no class folders in .*flat/);
    await expect(loadImageFolder({ root, size: 300, resize: 256 })).rejects.toThrow(/resize must be an integer ≥ size/);
  });
});

describe('geometry matches torchvision (fixtures/geometry.json, made by fixtures/make_fixtures.py)', () => {
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/geometry.json', import.meta.url), 'utf8')) as {
    cases: {
      width: number;
      height: number;
      resize: { width: number; height: number };
      centerCrop: { left: number; top: number };
      squareFallback: { left: number; top: number; width: number; height: number };
    }[];
  };
  it.each(fixture.cases.map((c) => [`${c.width}×${c.height}`, c] as const))('%s', (_, c) => {
    const g = resizeCenterCropGeometry(c.width, c.height, 256, 224);
    expect({ width: g.width, height: g.height }).toEqual(c.resize);
    expect({ left: g.crop.left, top: g.crop.top }).toEqual(c.centerCrop);
    expect(randomResizedCropBox(c.width, c.height, [1, 1], [1, 1], createRng(0))).toEqual(c.squareFallback);
  });
});

// issue 17, item 6: directory links that loop or lead out of the root.
describe('image folder links', () => {
  const one = () => sharp({ create: { width: 8, height: 8, channels: 3, background: 'white' } }).png().toBuffer();

  it('cat/ with one image and cat/loop -> . gives exactly 1 sample; links back to the root are skipped too', async () => {
    const r = path.join(tmp, 'loop');
    mkdirSync(path.join(r, 'cat'), { recursive: true });
    writeFileSync(path.join(r, 'cat', 'one.png'), await one());
    symlinkSync('.', path.join(r, 'cat', 'loop'));
    symlinkSync('..', path.join(r, 'cat', 'up'));
    const ds = await loadImageFolder({ root: r, workers: 0 });
    expect(ds.files.map((f) => path.relative(r, f))).toEqual(['cat/one.png']);
  });

  it('a directory link below a class folder that leads out of the root is an error naming it', async () => {
    const r = path.join(tmp, 'out', 'root');
    const elsewhere = path.join(tmp, 'out', 'elsewhere');
    mkdirSync(path.join(r, 'cat'), { recursive: true });
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(path.join(r, 'cat', 'one.png'), await one());
    writeFileSync(path.join(elsewhere, 'two.png'), await one());
    symlinkSync(elsewhere, path.join(r, 'cat', 'ext'));
    await expect(loadImageFolder({ root: r, workers: 0 })).rejects.toThrow(
      new RegExp(`loadImageFolder: ${path.join(r, 'cat', 'ext').replace(/[.]/g, '\\.')} is a link to .*elsewhere, outside the root`),
    );
  });

  it('class folders may be links to anywhere (a subset built from links); a link to a folder read anyway is skipped', async () => {
    const r = path.join(tmp, 'subset', 'root');
    const full = path.join(tmp, 'subset', 'full');
    mkdirSync(path.join(full, 'dog', 'deep'), { recursive: true });
    mkdirSync(r, { recursive: true });
    writeFileSync(path.join(full, 'dog', 'a.png'), await one());
    writeFileSync(path.join(full, 'dog', 'deep', 'b.png'), await one());
    symlinkSync(full + '/dog', path.join(r, 'dog'));
    symlinkSync('deep', path.join(full, 'dog', 'again'));
    const ds = await loadImageFolder({ root: r, workers: 0 });
    expect(ds.classNames).toEqual(['dog']);
    // real folders win over links to them, whatever the order of the names
    expect(ds.files.map((f) => path.relative(r, f))).toEqual(['dog/a.png', 'dog/deep/b.png']);
  });
});

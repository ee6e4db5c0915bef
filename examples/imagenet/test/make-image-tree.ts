import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

/** Mean colour of each class: distinct hues, so that even a tiny net can tell them apart. */
const CLASS_COLOURS: Array<[number, number, number]> = [
  [200, 40, 40],
  [40, 180, 60],
  [50, 70, 210],
  [210, 190, 40],
];

/**
 * Writes a tiny ImageNet-style tree: `root/{train,val}/<class>/<k>.jpg`, JPEGs of `width × height`
 * pixels whose colour depends on the class plus seeded noise and a bright square at a random place
 * (so crops and flips change the picture). Deterministic for a given `seed`.
 */
export async function makeImageTree(
  root: string,
  { classes = 3, train = 12, val = 4, width = 48, height = 40, seed = 1 } = {},
): Promise<string[]> {
  let state = seed >>> 0;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const names = Array.from({ length: classes }, (_, k) => `n0${k}_class${k}`);
  for (const [split, count] of [['train', train], ['val', val]] as const) {
    for (let k = 0; k < classes; k++) {
      const dir = join(root, split, names[k]);
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < count; i++) {
        const pixels = Buffer.alloc(width * height * 3);
        const [r, g, b] = CLASS_COLOURS[k % CLASS_COLOURS.length];
        const sx = Math.floor(random() * (width - 12));
        const sy = Math.floor(random() * (height - 12));
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            const o = (y * width + x) * 3;
            const square = x >= sx && x < sx + 12 && y >= sy && y < sy + 12 ? 60 : 0;
            pixels[o] = Math.max(0, Math.min(255, r + square + (random() - 0.5) * 80));
            pixels[o + 1] = Math.max(0, Math.min(255, g + square + (random() - 0.5) * 80));
            pixels[o + 2] = Math.max(0, Math.min(255, b + square + (random() - 0.5) * 80));
          }
        }
        await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toFile(join(dir, `img_${i}.jpg`));
      }
    }
  }
  return names;
}

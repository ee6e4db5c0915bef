import { describe, expect, it } from 'vitest';
import { CORRUPTIONS, corrupt } from './index.js';
import type { RgbImage } from './types.js';
import { cifarInputs, imagenetInput } from './corruptions/test-fixtures.js';

const image = (): RgbImage => cifarInputs()[1];

describe('corrupt', () => {
  it('lists the 19 CIFAR-10-C corruptions under their file names', () => {
    expect([...CORRUPTIONS].sort()).toEqual(
      [
        'gaussian_noise', 'shot_noise', 'impulse_noise', 'speckle_noise', 'defocus_blur', 'glass_blur', 'motion_blur', 'zoom_blur',
        'gaussian_blur', 'snow', 'frost', 'fog', 'spatter', 'brightness', 'contrast', 'saturate', 'elastic_transform', 'pixelate',
        'jpeg_compression',
      ].sort(),
    );
  });

  it('returns a new image of the same shape for every corruption and severity, leaving the input untouched', () => {
    const input = image();
    const before = input.image.slice();
    for (const name of CORRUPTIONS) {
      for (let severity = 1; severity <= 5; severity++) {
        const out = corrupt(input, name, severity, { seed: 3 });
        expect(out.height).toBe(32);
        expect(out.width).toBe(32);
        expect(out.image).toBeInstanceOf(Uint8Array);
        expect(out.image.length).toBe(3072);
        expect(out.image).not.toBe(input.image);
      }
    }
    expect(input.image).toEqual(before);
  });

  it('gives the same bytes for the same seed and other bytes for another seed', () => {
    for (const name of ['gaussian_noise', 'glass_blur', 'motion_blur', 'snow', 'frost', 'fog', 'spatter', 'elastic_transform'] as const) {
      const a = corrupt(image(), name, 3, { seed: 11 }).image;
      expect(corrupt(image(), name, 3, { seed: 11 }).image).toEqual(a);
      expect(corrupt(image(), name, 3, { seed: 12 }).image).not.toEqual(a);
    }
  });

  it('picks the ImageNet table for 224×224 images and the CIFAR one for 32×32', () => {
    const big = imagenetInput();
    // contrast scales each channel's spread: by 0.5 at CIFAR severity 2, by 0.3 at ImageNet severity 2
    const spread = (img: RgbImage): number => {
      const red = img.image.filter((_, i) => i % 3 === 0);
      return red.reduce((a, b) => Math.max(a, b), 0) - red.reduce((a, b) => Math.min(a, b), 255);
    };
    const viaSize = corrupt(big, 'contrast', 2, { seed: 0 });
    expect(viaSize.height).toBe(224);
    expect(corrupt(big, 'contrast', 2, { seed: 0, table: 'imagenet' }).image).toEqual(viaSize.image);
    expect(Math.abs(spread(viaSize) - 0.3 * spread(big))).toBeLessThanOrEqual(1.5);
    expect(Math.abs(spread(corrupt(image(), 'contrast', 2, { seed: 0 })) - 0.5 * spread(image()))).toBeLessThanOrEqual(1.5);
  });

  it('names the bad argument', () => {
    const ok = image();
    const cases: [() => unknown, RegExp][] = [
      [() => corrupt({ ...ok, image: ok.image.subarray(1) }, 'fog', 1, { seed: 0 }), /image\.image has 3071 bytes but 32×32×3 = 3072/],
      [() => corrupt({ ...ok, image: Array.from(ok.image) as unknown as Uint8Array }, 'fog', 1, { seed: 0 }), /image\.image must be a Uint8Array/],
      [() => corrupt(ok, 'blur' as never, 1, { seed: 0 }), /unknown corruption name "blur"; valid names: gaussian_noise, .*jpeg_compression/],
      [() => corrupt(ok, 'fog', 0, { seed: 0 }), /severity must be an integer from 1 to 5, got 0/],
      [() => corrupt(ok, 'fog', 6, { seed: 0 }), /severity .* got 6/],
      [() => corrupt(ok, 'fog', 2.5, { seed: 0 }), /severity .* got 2\.5/],
      [() => corrupt(ok, 'fog', 1, { seed: Number.NaN }), /options\.seed must be a finite number, got NaN/],
      [() => corrupt(ok, 'fog', 1, undefined as never), /options must be an object with a seed/],
      [() => corrupt(ok, 'fog', 1, { seed: 0, table: 'imagenet' }), /image is 32×32 but the 'imagenet' table works on 224×224/],
      [() => corrupt({ image: new Uint8Array(64 * 64 * 3), height: 64, width: 64 }, 'fog', 1, { seed: 0 }), /image is 64×64 but the 'cifar' table works on 32×32/],
      [() => corrupt(ok, 'fog', 1, { seed: 0, table: 'tiny' as never }), /options\.table must be 'cifar' or 'imagenet', got "tiny"/],
      [() => corrupt(imagenetInput(), 'frost', 1, { seed: 0 }), /frost with the 'imagenet' table needs options\.frostOverlays/],
      [() => corrupt(imagenetInput(), 'frost', 1, { seed: 0, frostOverlays: [ok] }), /frostOverlays must be an array of the 5 overlays/],
      [
        () => corrupt(imagenetInput(), 'frost', 1, { seed: 0, frostOverlays: [ok, ok, ok, ok, ok] }),
        /frostOverlays\[0\] is 32×32; frost needs overlays larger than 224×224/,
      ],
      [() => corrupt(ok, 'frost', 1, { seed: 0, frostOverlays: [ok, ok, ok, ok, ok] }), /frostOverlays is for the 'imagenet' table only/],
    ];
    for (const [call, message] of cases) expect(call).toThrow(message);
  });

  it('uses caller-provided frost overlays (ImageNet frost)', () => {
    const overlay: RgbImage = { image: new Uint8Array(300 * 400 * 3).fill(200), height: 300, width: 400 };
    const out = corrupt(imagenetInput(), 'frost', 1, { seed: 1, frostOverlays: [overlay, overlay, overlay, overlay, overlay] });
    // severity 1: 1 · x + 0.4 · 200, clipped to 255
    const input = imagenetInput().image;
    for (let i = 0; i < input.length; i += 997) expect(out.image[i]).toBe(Math.min(255, input[i] + 80));
  });
});

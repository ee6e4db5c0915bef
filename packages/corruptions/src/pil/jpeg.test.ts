import { describe, expect, it } from 'vitest';
import { jpegRoundTrip } from './jpeg.js';
import { loadPilFixtures, parity, sameBytes } from './test-fixtures.js';

const { cases } = loadPilFixtures();
const jpegCases = cases.filter((c) => c.op === 'jpeg');
const run = (c: (typeof jpegCases)[number]) => jpegRoundTrip(c.input, c.params.quality);

describe('jpegRoundTrip matches PIL save(JPEG, quality) + Image.open bit for bit', () => {
  it('on 16 real CIFAR-10 images at the CIFAR-10-C, ImageNet-C and extreme qualities', () => {
    const cifar = jpegCases.filter((c) => c.inputName.startsWith('cifar'));
    expect(new Set(cifar.map((c) => c.params.quality)).size).toBe(12);
    expect(parity(cifar, run)).toMatchObject({ exact: 1, maxDiff: 0 });
  });

  it('on a 224×224 image', () => {
    const big = jpegCases.filter((c) => c.inputName === 'big224');
    expect(big.length).toBe(3);
    expect(parity(big, run)).toMatchObject({ exact: 1, maxDiff: 0 });
  });

  it('on sizes that are not multiples of 16 (33×17, 17×33, 9×47, 1×1)', () => {
    const odd = jpegCases.filter((c) => c.inputName.startsWith('odd'));
    expect(odd.length).toBe(4 * 12);
    expect(parity(odd, run)).toMatchObject({ exact: 1, maxDiff: 0 });
  });

  it('on 12 random crops (2..40 px a side) at random qualities 0..100', () => {
    const random = jpegCases.filter((c) => c.inputName.startsWith('rand'));
    expect(random.length).toBe(12);
    expect(parity(random, run)).toMatchObject({ exact: 1, maxDiff: 0 });
  });
});

describe('jpegRoundTrip', () => {
  const input = jpegCases[0].input;

  it('leaves its input unmodified and returns a new buffer', () => {
    const before = input.image.slice();
    const out = jpegRoundTrip(input, 10);
    expect(sameBytes(input.image, before)).toBe(true);
    expect(out.image).not.toBe(input.image);
    expect(sameBytes(out.image, input.image)).toBe(false);
  });

  it('rejects bad qualities and malformed images, naming the argument', () => {
    expect(() => jpegRoundTrip(input, 101)).toThrow(/quality must be an integer in \[0, 100\], got 101/);
    expect(() => jpegRoundTrip(input, 50.5)).toThrow(/quality/);
    expect(() => jpegRoundTrip(input, Number.NaN)).toThrow(/quality must be a finite number/);
    const short = { image: new Uint8Array(10), height: 2, width: 2 };
    expect(() => jpegRoundTrip(short, 50)).toThrow(/image.image has 10 bytes but 2×2×3 = 12 were expected/);
    expect(() => jpegRoundTrip({ ...input, height: 0 }, 50)).toThrow(/image.height must be a positive integer/);
  });

  it('treats quality 0 as 1, as libjpeg does', () => {
    expect(sameBytes(jpegRoundTrip(input, 0).image, jpegRoundTrip(input, 1).image)).toBe(true);
  });
});

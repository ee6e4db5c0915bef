import { describe, expect, it } from 'vitest';
import { resizeBox } from './resize.js';
import { loadPilFixtures, parity, sameBytes } from './test-fixtures.js';

const { cases } = loadPilFixtures();
const boxCases = cases.filter((c) => c.op === 'resizeBox');

describe('resizeBox matches PIL resize(size, Image.BOX) bit for bit', () => {
  it('down, up, non-uniform and identity sizes of CIFAR-10 images, a 224×224 image and random crops', () => {
    expect(boxCases.length).toBe(8 * 8 + 3 + 12);
    expect(parity(boxCases, (c) => resizeBox(c.input, c.params.width, c.params.height))).toMatchObject({
      exact: 1,
      maxDiff: 0,
    });
  });
});

describe('resizeBox', () => {
  const input = boxCases[0].input;

  it('leaves the input unmodified and returns a new buffer, also for the identity size', () => {
    const before = input.image.slice();
    const same = resizeBox(input, input.width, input.height);
    expect(sameBytes(same.image, input.image)).toBe(true);
    expect(same.image).not.toBe(input.image);
    resizeBox(input, 7, 40);
    expect(sameBytes(input.image, before)).toBe(true);
  });

  it('rounds after each pass when halving a 2×2 block, as PIL does', () => {
    const img = { image: new Uint8Array([0, 0, 0, 10, 20, 30, 20, 40, 60, 30, 60, 91]), height: 2, width: 2 };
    // Blue: rows give 15 and round(75.5) = 76, then round(45.5) = 46 (the exact mean is 45.25).
    expect(Array.from(resizeBox(img, 1, 1).image)).toEqual([15, 30, 46]);
  });

  it('rejects non-integer or non-positive sizes, naming the argument', () => {
    expect(() => resizeBox(input, 0, 4)).toThrow(/width must be an integer in \[1, 1048576\], got 0/);
    expect(() => resizeBox(input, 4, 2.5)).toThrow(/height must be an integer/);
    expect(() => resizeBox({ ...input, image: input.image.subarray(1) }, 4, 4)).toThrow(/image.image has/);
  });
});

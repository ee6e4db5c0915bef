import { describe, expect, it } from 'vitest';
import { loadPilFixtures, parity } from '../pil/test-fixtures.js';
import {
  AUGMENTATIONS,
  AUGMENTATIONS_ALL,
  applyAugmixOp,
  floatParameter,
  intParameter,
  sampleAugmixParameter,
  sampleLevel,
  type AugmixOpName,
  type UniformSource,
} from './augmix-levels.js';

/** Replays recorded numpy doubles and fails if asked for more (or, via `left`, fewer). */
function replay(draws: number[]): UniformSource & { left(): number } {
  let i = 0;
  return {
    uniform: () => {
      if (i >= draws.length) throw new Error(`drew more than the ${draws.length} numpy draws`);
      return draws[i++];
    },
    left: () => draws.length - i,
  };
}

const camel = (pyName: string): AugmixOpName =>
  pyName.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase()) as AugmixOpName;

const { cases } = loadPilFixtures();
const augmixCases = cases.filter((c) => c.op.startsWith('augmix:'));

describe("applyAugmixOp reproduces augmentations.py's op(pil_img, level) from the same numpy draws", () => {
  it('for all 13 ops at levels 1, 3 and 10 on 2 CIFAR-10 images, consuming exactly the same draws', () => {
    expect(augmixCases.length).toBe(2 * 3 * 13);
    const result = parity(augmixCases, (c) => {
      const { level, ...us } = c.params;
      const rng = replay(Object.keys(us).sort().map((k) => us[k]));
      const out = applyAugmixOp(camel(c.op.slice('augmix:'.length)), c.input, level, rng, 32);
      expect(rng.left()).toBe(0);
      return out;
    });
    expect(result).toMatchObject({ exact: 1, maxDiff: 0 });
  });
});

describe('AugMix level helpers', () => {
  it('int_parameter truncates and float_parameter scales by level/10', () => {
    expect(intParameter(2.99, 4)).toBe(1);
    expect(intParameter(9.99, 30)).toBe(29);
    expect(intParameter(3, 32 / 3)).toBe(3); // 3 × 10.67 / 10 = 3.2
    expect(floatParameter(5, 0.3)).toBeCloseTo(0.15, 15);
  });

  it('sample_level maps a draw u to 0.1 + (n - 0.1) u', () => {
    expect(sampleLevel(3, { uniform: () => 0 })).toBe(0.1);
    expect(sampleLevel(3, { uniform: () => 0.5 })).toBeCloseTo(1.55, 15);
  });

  it('the op lists match augmentations.py', () => {
    expect(AUGMENTATIONS).toEqual(['autocontrast', 'equalize', 'posterize', 'rotate', 'solarize', 'shearX', 'shearY', 'translateX', 'translateY']);
    expect(AUGMENTATIONS_ALL.slice(9)).toEqual(['color', 'contrast', 'brightness', 'sharpness']);
  });

  it('rotate negates the angle when the second draw exceeds 0.5; translate uses IMAGE_SIZE / 3', () => {
    expect(sampleAugmixParameter('rotate', 10, replay([0.5, 0.4]))).toBe(15);
    expect(sampleAugmixParameter('rotate', 10, replay([0.5, 0.6]))).toBe(-15);
    expect(sampleAugmixParameter('translateX', 10, replay([0.999, 0.1]), 224)).toBe(74);
    expect(sampleAugmixParameter('equalize', 10, replay([]))).toBeUndefined();
  });

  it('applyAugmixOp rejects unknown ops and bad levels, naming the argument', () => {
    const img = augmixCases[0].input;
    const rng = { uniform: () => 0.5 };
    expect(() => applyAugmixOp('blur' as AugmixOpName, img, 3, rng)).toThrow(/op must be one of autocontrast/);
    expect(() => applyAugmixOp('rotate', img, Number.NaN, rng)).toThrow(/level must be a finite number/);
  });
});

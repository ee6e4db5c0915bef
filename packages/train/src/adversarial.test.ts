import { describe, expect, it } from 'vitest';
import { attackName, defaultPgdStep, resolveAttack } from './adversarial.js';

describe('attack defaults', () => {
  it('uses one PGD step-size rule for training and evaluation: ε/4', () => {
    expect(defaultPgdStep(8 / 255)).toBeCloseTo(2 / 255, 15);
    const pgd20 = resolveAttack({ type: 'pgd', eps: 8 / 255, steps: 20 });
    expect(pgd20.stepSize).toBeCloseTo(2 / 255, 15);
    expect(pgd20.randomStart).toBe(true);
    expect(resolveAttack({ type: 'pgd', eps: 4 / 255, steps: 7, stepSize: 0.003 }).stepSize).toBe(0.003);
    expect(resolveAttack({ type: 'fgsm-rs', eps: 8 / 255 }).stepSize).toBeCloseTo(1.25 * (8 / 255), 15);
    expect(attackName(pgd20)).toMatch(/pgd/i);
  });
});

/**
 * The attacks the page offers, and how its ε slider maps to a radius: L∞ in steps of 1/255
 * (pixels in [0, 1]), L2 in steps of 1/16 over the whole image (ε = 0.5 at 8, the usual CIFAR-10
 * L2 radius).
 */
import { apgd, fgsm, pgd, type AttackFn, type AttackNorm } from '@cnn/attacks';

export const ATTACKS = {
  fgsm: { label: 'FGSM (L∞)', norm: 'linf', iterative: false },
  'pgd-linf': { label: 'PGD L∞', norm: 'linf', iterative: true },
  'pgd-l2': { label: 'PGD L2', norm: 'l2', iterative: true },
  'apgd-linf': { label: 'APGD-CE L∞', norm: 'linf', iterative: true },
  'apgd-l2': { label: 'APGD-CE L2', norm: 'l2', iterative: true },
} as const satisfies Record<string, { label: string; norm: AttackNorm; iterative: boolean }>;

export type AttackId = keyof typeof ATTACKS;

export function isAttackId(value: string): value is AttackId {
  return Object.hasOwn(ATTACKS, value);
}

/** The slider's top position; ε = 32/255 (L∞) or 2.0 (L2) there. */
export const SLIDER_MAX = 32;

/** ε for slider position `position` (0…{@link SLIDER_MAX}) under `norm`. */
export function epsOf(norm: AttackNorm, position: number): number {
  if (!Number.isFinite(position) || position < 0 || position > SLIDER_MAX) {
    throw new RangeError(`ε slider position must be from 0 to ${SLIDER_MAX}, got ${String(position)}`);
  }
  return norm === 'linf' ? position / 255 : position / 16;
}

/** ε as people write it: "8/255" for L∞, "0.50" for L2. */
export function epsLabel(norm: AttackNorm, position: number): string {
  return norm === 'linf' ? `${position}/255` : epsOf(norm, position).toFixed(2);
}

export interface AttackSettings {
  id: AttackId;
  /** Slider position; see {@link epsOf}. */
  position: number;
  /** Iterations of PGD / APGD (ignored by FGSM). */
  steps: number;
  seed: number;
}

/** The chosen attack with its options closed over, as `robustAccuracy` calls it. */
export function attackFn(settings: AttackSettings): AttackFn {
  const { id, steps, seed } = settings;
  if (!isAttackId(id)) throw new RangeError(`unknown attack ${JSON.stringify(id)}; choose one of ${Object.keys(ATTACKS).join(', ')}`);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${String(steps)}`);
  const norm = ATTACKS[id].norm;
  const eps = epsOf(norm, settings.position);
  switch (id) {
    case 'fgsm':
      return (c, x, y) => fgsm(c, x, y, { eps, seed });
    case 'pgd-linf':
    case 'pgd-l2':
      return (c, x, y) => pgd(c, x, y, { eps, norm, steps, seed });
    case 'apgd-linf':
    case 'apgd-l2':
      return (c, x, y) => apgd(c, x, y, { eps, norm, steps, seed });
  }
}

import type { ScheduleConfig } from './types.js';

/**
 * Learning rate of optimisation step `step` (0-based) of epoch `epoch` (0-based) — the trainer's
 * per-iteration convention:
 * - `piecewise` / `onecycle` are read at the end of the step, `epoch + (step + 1) / stepsPerEpoch`,
 *   as fast_adversarial's `lr_schedule(epoch + (i + 1) / len(loader))` (no step at lr 0);
 * - the others decay from the start of the step, `epoch + step / stepsPerEpoch` (the first step uses
 *   the base rate, as PyTorch's per-iteration schedulers), while a linear warm-up is read at the end
 *   of the step (the first step is not wasted at lr 0).
 */
export function learningRateForStep(schedule: ScheduleConfig, epoch: number, step: number, stepsPerEpoch: number, totalEpochs: number): number {
  if (!(stepsPerEpoch > 0)) throw new RangeError(`learningRateForStep: stepsPerEpoch must be > 0, got ${stepsPerEpoch}`);
  const start = epoch + step / stepsPerEpoch;
  const end = epoch + (step + 1) / stepsPerEpoch;
  if (schedule.type === 'piecewise' || schedule.type === 'onecycle') return learningRateAt(schedule, end, totalEpochs);
  return learningRateAt(schedule, start, totalEpochs, end);
}

/**
 * Learning rate at a (fractional) epoch `t ∈ [0, totalEpochs]`; a linear warm-up (if any) is read
 * at `warmupT` (default `t`). Step/multistep/cosine follow torch's StepLR / MultiStepLR /
 * CosineAnnealingLR closed forms (continuous in `t`); `onecycle` peaks at `⌊2·epochs/5⌋` as
 * fast_adversarial (or at `peakFraction·epochs` when given).
 */
export function learningRateAt(schedule: ScheduleConfig, t: number, totalEpochs: number, warmupT = t): number {
  if (!Number.isFinite(t) || t < 0) throw new RangeError(`learningRateAt: epoch must be ≥ 0, got ${t}`);
  if (!(totalEpochs > 0)) throw new RangeError(`learningRateAt: totalEpochs must be > 0, got ${totalEpochs}`);
  switch (schedule.type) {
    case 'constant':
      return warm(schedule.warmupEpochs, warmupT, schedule.lr);
    case 'step': {
      if (!(schedule.stepSize > 0)) throw new RangeError(`step schedule: stepSize must be > 0, got ${schedule.stepSize}`);
      const k = Math.floor(t / schedule.stepSize + 1e-9);
      return warm(schedule.warmupEpochs, warmupT, schedule.lr * Math.pow(schedule.gamma ?? 0.1, k));
    }
    case 'multistep': {
      const k = schedule.milestones.filter((m) => t + 1e-9 >= m).length;
      return warm(schedule.warmupEpochs, warmupT, schedule.lr * Math.pow(schedule.gamma ?? 0.1, k));
    }
    case 'cosine': {
      const w = schedule.warmupEpochs ?? 0;
      const minLr = schedule.minLr ?? 0;
      if (t < w) return schedule.lr * Math.min(1, warmupT / w);
      const span = totalEpochs - w;
      const p = span > 0 ? Math.min(1, (t - w) / span) : 1;
      return minLr + 0.5 * (schedule.lr - minLr) * (1 + Math.cos(Math.PI * p));
    }
    case 'piecewise':
      return interp(t, schedule.points);
    case 'onecycle': {
      const f = schedule.peakFraction;
      if (f !== undefined && !(f > 0 && f < 1)) throw new RangeError(`onecycle schedule: peakFraction must be in (0, 1), got ${f}`);
      // fast_adversarial: np.interp([t], [0, epochs * 2 // 5, epochs], [0, lr_max, 0])
      const peak = f !== undefined ? totalEpochs * f : Math.floor((totalEpochs * 2) / 5);
      return interp(t, [
        [0, 0],
        [peak, schedule.maxLr],
        [totalEpochs, 0],
      ]);
    }
    default:
      throw new Error(`learningRateAt: unknown schedule type "${(schedule as { type: string }).type}"`);
  }
}

/** Linear warm-up factor applied to `lr` during the first `warmupEpochs`. */
function warm(warmupEpochs: number | undefined, t: number, lr: number): number {
  if (!warmupEpochs || t >= warmupEpochs) return lr;
  return lr * Math.max(0, t / warmupEpochs);
}

/** `np.interp`: piecewise linear through sorted points, constant beyond the ends. */
function interp(t: number, points: ReadonlyArray<readonly [number, number]>): number {
  if (points.length === 0) throw new Error('piecewise schedule: needs at least one (epoch, lr) point');
  for (let i = 1; i < points.length; i++) {
    if (points[i][0] < points[i - 1][0]) throw new Error('piecewise schedule: points must be sorted by epoch');
  }
  if (t <= points[0][0]) return points[0][1];
  for (let i = 1; i < points.length; i++) {
    const [x1, y1] = points[i];
    if (t <= x1) {
      const [x0, y0] = points[i - 1];
      return x1 === x0 ? y1 : y0 + ((t - x0) / (x1 - x0)) * (y1 - y0);
    }
  }
  return points[points.length - 1][1];
}

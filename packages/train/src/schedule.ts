import type { ScheduleConfig } from './types.js';

/**
 * Learning rate at a (fractional) epoch `t ∈ [0, totalEpochs]` — schedules are evaluated per
 * iteration, at `t = epoch + step / stepsPerEpoch` (the position before the step is taken).
 */
export function learningRateAt(schedule: ScheduleConfig, t: number, totalEpochs: number): number {
  if (!Number.isFinite(t) || t < 0) throw new RangeError(`learningRateAt: epoch must be ≥ 0, got ${t}`);
  if (!(totalEpochs > 0)) throw new RangeError(`learningRateAt: totalEpochs must be > 0, got ${totalEpochs}`);
  switch (schedule.type) {
    case 'constant':
      return warm(schedule.warmupEpochs, t, schedule.lr);
    case 'step': {
      if (!(schedule.stepSize > 0)) throw new RangeError(`step schedule: stepSize must be > 0, got ${schedule.stepSize}`);
      const k = Math.floor(t / schedule.stepSize + 1e-9);
      return warm(schedule.warmupEpochs, t, schedule.lr * Math.pow(schedule.gamma ?? 0.1, k));
    }
    case 'multistep': {
      const k = schedule.milestones.filter((m) => t + 1e-9 >= m).length;
      return warm(schedule.warmupEpochs, t, schedule.lr * Math.pow(schedule.gamma ?? 0.1, k));
    }
    case 'cosine': {
      const w = schedule.warmupEpochs ?? 0;
      const minLr = schedule.minLr ?? 0;
      if (t < w) return schedule.lr * ((t + 1e-12) / w);
      const span = totalEpochs - w;
      const p = span > 0 ? Math.min(1, (t - w) / span) : 1;
      return minLr + 0.5 * (schedule.lr - minLr) * (1 + Math.cos(Math.PI * p));
    }
    case 'piecewise':
      return interp(t, schedule.points);
    case 'onecycle': {
      const f = schedule.peakFraction ?? 0.4;
      if (!(f > 0 && f < 1)) throw new RangeError(`onecycle schedule: peakFraction must be in (0, 1), got ${f}`);
      return interp(t, [
        [0, 0],
        [totalEpochs * f, schedule.maxLr],
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
  return lr * (t / warmupEpochs);
}

/** `np.interp`: piecewise linear through sorted points, constant beyond the ends. */
function interp(t: number, points: Array<[number, number]>): number {
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

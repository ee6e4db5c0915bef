import type { Rng } from '@cnn/core';

/**
 * The random numbers a corruption consumes, vectorised like numpy's `np.random.*` calls of the
 * reference (values in C order). Live corruptions draw from a seeded {@link Rng}; the parity tests
 * replay the values numpy drew, so every step after the draws can be checked exactly.
 */
export interface Draws {
  /** `n` values uniform in `[low, high)` (np.random.uniform). */
  uniform(low: number, high: number, n: number): Float64Array;
  /** `n` values of N(loc, scale²) (np.random.normal). */
  normal(loc: number, scale: number, n: number): Float64Array;
  /** `n` integers uniform in `[low, high)` (np.random.randint). */
  randint(low: number, high: number, n: number): Int32Array;
  /** One Poisson(λ) sample per λ (np.random.poisson). */
  poisson(lambdas: Float64Array): Float64Array;
}

/** Draws from a seeded generator (see {@link poissonSample} for the Poisson algorithm). */
export function drawsFromRng(rng: Rng): Draws {
  return {
    uniform(low, high, n) {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = low + (high - low) * rng.uniform();
      return out;
    },
    normal(loc, scale, n) {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = loc + scale * rng.normal();
      return out;
    },
    randint(low, high, n) {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = low + rng.int(high - low);
      return out;
    },
    poisson(lambdas) {
      const out = new Float64Array(lambdas.length);
      for (let i = 0; i < lambdas.length; i++) out[i] = poissonSample(rng, lambdas[i]);
      return out;
    },
  };
}

/**
 * One Poisson(λ) sample: multiplication of uniforms for λ < 10, Hörmann's PTRS transformed
 * rejection above (the two algorithms numpy uses; exact distributions both).
 */
export function poissonSample(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda < 10) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let product = rng.uniform();
    while (product > limit) {
      k++;
      product *= rng.uniform();
    }
    return k;
  }
  return poissonPtrs(rng, lambda);
}

function poissonPtrs(rng: Rng, lambda: number): number {
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.uniform() - 0.5;
    const v = rng.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) return k;
  }
}

/** ln Γ(x) for x ≥ 1 (Stirling series with a shift; accurate to ~1e-14, as numpy's loggam). */
function logGamma(x: number): number {
  if (x === 1 || x === 2) return 0;
  let shift = 0;
  let y = x;
  while (y < 7) {
    shift -= Math.log(y);
    y += 1;
  }
  const inv = 1 / y;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680))));
  return shift + (y - 0.5) * Math.log(y) - y + 0.5 * Math.log(2 * Math.PI) + series;
}

/**
 * A tiny seeded generator (sfc32, expanded from the seed by splitmix32) so that bootstrap
 * intervals and the normal-approximation debiasing are reproducible from a seed without
 * depending on any other package.
 */
export interface SeededRng {
  /** Uniform float in `[0, 1)` with 53 random bits. */
  uniform(): number;
  /** Integer uniform in `[0, n)`. */
  int(n: number): number;
  /** Standard normal sample (Box–Muller). */
  normal(): number;
}

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Creates a generator; the same finite `seed` gives the same sequence on every platform. */
export function seededRng(seed: number): SeededRng {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new TypeError(`seed must be a finite number, got ${String(seed)}`);
  }
  let a = splitmix32(seed >>> 0);
  let b = splitmix32((Math.floor(seed / 0x1_0000_0000) >>> 0) ^ 0x6a09e667);
  let c = splitmix32(a ^ b);
  let d = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  let spare = NaN;
  const uniform = (): number => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
  return {
    uniform,
    int(n: number): number {
      return Math.floor(uniform() * n);
    },
    normal(): number {
      if (!Number.isNaN(spare)) {
        const s = spare;
        spare = NaN;
        return s;
      }
      let u = 0;
      while (u === 0) u = uniform();
      const v = uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

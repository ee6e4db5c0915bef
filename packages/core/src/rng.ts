/**
 * A small, fast, seeded pseudo-random generator (sfc32) so that every random choice in the project
 * (initialisation, shuffling, augmentation, attack starts) is reproducible from one seed, and its
 * state can be saved in a checkpoint and restored exactly.
 */
export interface Rng {
  /** Uniform float in `[0, 1)`. */
  uniform(): number;
  /** Uniform float in `[low, high)`. */
  uniformRange(low: number, high: number): number;
  /** Standard normal sample (Box–Muller). */
  normal(): number;
  /** Integer uniform in `[0, n)`; `n` must be a positive integer ≤ 2^32. */
  int(n: number): number;
  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T>(array: T[]): T[];
  /** A random permutation of `0 … n-1`. */
  permutation(n: number): Int32Array;
  /** Gamma(shape, 1) sample (Marsaglia–Tsang), shape > 0. */
  gamma(shape: number): number;
  /** Beta(a, b) sample, a, b > 0 (mixup's λ ~ Beta(α, α)). */
  beta(a: number, b: number): number;
  /** An independent generator for sub-stream `stream`, derived from this one's seed (not its position). */
  fork(stream: number): Rng;
  /** The full state: restoring it with {@link Rng.setState} replays the same sequence. */
  getState(): number[];
  setState(state: readonly number[]): void;
}

const UINT32 = 0x1_0000_0000;

/** splitmix32: spreads a seed over 32 bits; used to expand seeds into the sfc32 state. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Creates a generator from a seed: any finite number (negative and fractional seeds each get their
 * own stream; `1.5` is not `1`). Same seed, same sequence, on every platform.
 */
export function createRng(seed: number): Rng {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new TypeError(`createRng: seed must be a finite number, got ${String(seed)}`);
  }
  if (Number.isInteger(seed)) return fromSeedWords(seed >>> 0, Math.floor(seed / UINT32) >>> 0);
  // A fractional seed (e.g. 0.5) must not silently give its integer part's stream: fold in all 64 bits
  // of the double, offset so that they do not line up with the words of small integer seeds.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, seed);
  return fromSeedWords((view.getUint32(4) ^ 0x5bd1e995) >>> 0, (view.getUint32(0) ^ 0x9e3779b9) >>> 0);
}

function fromSeedWords(lo: number, hi: number): Rng {
  let a = splitmix32(lo);
  let b = splitmix32(hi ^ 0x6a09e667);
  let c = splitmix32(a ^ b);
  let d = 1;
  let spare = NaN; // second Box–Muller sample
  const seedLo = lo;
  const seedHi = hi;

  const nextU32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs: sfc32's initial mixing.
  for (let i = 0; i < 12; i++) nextU32();

  const rng: Rng = {
    uniform: () => nextU32() / UINT32,
    uniformRange(low, high) {
      return low + (high - low) * rng.uniform();
    },
    normal() {
      if (!Number.isNaN(spare)) {
        const s = spare;
        spare = NaN;
        return s;
      }
      let u = 0;
      while (u === 0) u = rng.uniform();
      const v = rng.uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    int(n) {
      if (!Number.isInteger(n) || n <= 0 || n > UINT32) {
        throw new RangeError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
      }
      // Rejection sampling: no modulo bias.
      const limit = UINT32 - (UINT32 % n);
      let x = nextU32();
      while (x >= limit) x = nextU32();
      return x % n;
    },
    shuffle(array) {
      for (let i = array.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = array[i];
        array[i] = array[j];
        array[j] = t;
      }
      return array;
    },
    permutation(n) {
      if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new RangeError(`Rng.permutation: n must be an integer in [0, 2^31), got ${n}`);
      const p = new Int32Array(n);
      for (let i = 0; i < n; i++) p[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      return p;
    },
    gamma(shape) {
      if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`Rng.gamma: shape must be > 0, got ${shape}`);
      if (shape < 1) {
        // Boost: Gamma(k) = Gamma(k + 1) · U^(1/k).
        let u = 0;
        while (u === 0) u = rng.uniform();
        return rng.gamma(shape + 1) * Math.pow(u, 1 / shape);
      }
      const dd = shape - 1 / 3;
      const cc = 1 / Math.sqrt(9 * dd);
      for (;;) {
        let x: number;
        let v: number;
        do {
          x = rng.normal();
          v = 1 + cc * x;
        } while (v <= 0);
        v = v * v * v;
        const u = rng.uniform();
        if (u < 1 - 0.0331 * x * x * x * x) return dd * v;
        if (Math.log(u) < 0.5 * x * x + dd * (1 - v + Math.log(v))) return dd * v;
      }
    },
    beta(alpha, beta) {
      if (!(alpha > 0) || !(beta > 0)) throw new RangeError(`Rng.beta: a and b must be > 0, got ${alpha}, ${beta}`);
      const x = rng.gamma(alpha);
      const y = rng.gamma(beta);
      return x / (x + y);
    },
    fork(stream) {
      if (!Number.isInteger(stream)) throw new TypeError(`Rng.fork: stream must be an integer, got ${stream}`);
      return fromSeedWords(splitmix32(seedLo ^ Math.imul(stream + 1, 0x27d4eb2d)), splitmix32(seedHi + stream));
    },
    getState: () => [a >>> 0, b >>> 0, c >>> 0, d >>> 0, seedLo, seedHi, Number.isNaN(spare) ? 0 : 1, Number.isNaN(spare) ? 0 : spare],
    setState(state) {
      if (!Array.isArray(state) || state.length !== 8 || state.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
        throw new TypeError('Rng.setState: expected the 8-number array returned by getState()');
      }
      if (state[4] !== seedLo || state[5] !== seedHi) {
        throw new Error(`Rng.setState: state was saved from a generator with another seed (${state[5] * UINT32 + state[4]})`);
      }
      a = state[0] | 0;
      b = state[1] | 0;
      c = state[2] | 0;
      d = state[3] | 0;
      spare = state[6] === 1 ? state[7] : NaN;
    },
  };
  return rng;
}

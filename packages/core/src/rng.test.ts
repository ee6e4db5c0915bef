import { describe, expect, it } from 'vitest';
import { createRng } from './rng.js';

describe('createRng', () => {
  it('replays the same sequence from the same seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 100 }, () => a.uniform());
    const sb = Array.from({ length: 100 }, () => b.uniform());
    const sc = Array.from({ length: 100 }, () => c.uniform());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    for (const x of sa) expect(x >= 0 && x < 1).toBe(true);
  });

  it('has roughly uniform and normal moments', () => {
    const r = createRng(7);
    const n = 50_000;
    let s = 0;
    let s2 = 0;
    let m = 0;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      s += u;
      s2 += u * u;
      const z = r.normal();
      m += z;
      m2 += z * z;
    }
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 2);
    expect(m / n).toBeCloseTo(0, 1);
    expect(m2 / n).toBeCloseTo(1, 1);
  });

  it('int() is unbiased over small ranges and validates n', () => {
    const r = createRng(1);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[r.int(7)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(() => r.int(0)).toThrow(/n must be an integer/);
    expect(() => r.int(2.5)).toThrow(/n must be an integer/);
  });

  it('permutation and shuffle are permutations', () => {
    const r = createRng(3);
    const p = Array.from(r.permutation(1000)).sort((x, y) => x - y);
    expect(p).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const arr = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = r.shuffle([...arr]);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(arr);
    expect(shuffled).not.toEqual(arr);
  });

  it('beta samples have the right mean and stay in (0, 1)', () => {
    const r = createRng(5);
    for (const [a, b] of [[0.2, 0.2], [1, 1], [2, 5]]) {
      let s = 0;
      const n = 20_000;
      for (let i = 0; i < n; i++) {
        const x = r.beta(a, b);
        expect(x >= 0 && x <= 1).toBe(true);
        s += x;
      }
      expect(s / n).toBeCloseTo(a / (a + b), 1);
    }
    expect(() => r.beta(0, 1)).toThrow(/> 0/);
  });

  it('restores its state exactly, including a pending normal sample', () => {
    const r = createRng(99);
    r.uniform();
    r.normal(); // leaves a spare Box–Muller sample
    const state = r.getState();
    const next = [r.normal(), r.uniform(), r.int(1000)];
    const s = createRng(99);
    s.setState(state);
    expect([s.normal(), s.uniform(), s.int(1000)]).toEqual(next);
    expect(() => createRng(100).setState(state)).toThrow(/another seed/);
    expect(() => s.setState([1, 2])).toThrow(/8-number array/);
  });

  it('forks independent, reproducible streams', () => {
    const r = createRng(11);
    const f1 = r.fork(1).uniform();
    r.uniform();
    expect(r.fork(1).uniform()).toBe(f1); // depends on the seed, not on the position
    expect(r.fork(2).uniform()).not.toBe(f1);
  });

  it('rejects non-finite seeds', () => {
    expect(() => createRng(Number.NaN)).toThrow(/finite number/);
  });

  it('fractional and negative seeds get their own streams (1.5 is not 1), reproducibly', () => {
    const first = (seed: number) => Array.from({ length: 4 }, ((r) => () => r.uniform())(createRng(seed)));
    const seeds = [0, 1, 1.5, 1.25, -1, 0.5, -0.5, 2 ** 32, 2 ** 32 + 0.5];
    const streams = seeds.map((s) => JSON.stringify(first(s)));
    expect(new Set(streams).size).toBe(seeds.length);
    expect(first(1.5)).toEqual(first(1.5));
  });

  it('permutation validates n', () => {
    expect(createRng(1).permutation(0)).toEqual(new Int32Array(0));
    expect(() => createRng(1).permutation(-1)).toThrow(/Rng.permutation: n must be an integer in \[0, 2\^31\), got -1/);
    expect(() => createRng(1).permutation(2.5)).toThrow(/got 2.5/);
  });
});

import type { Rng } from '@cnn/core';
import { eta, randomInt, randomSign } from './square-schedule.js';

/** Rows of images on the host: NHWC float32, `per` = h·w·c values per row. */
export interface HostImages {
  data: Float32Array;
  n: number;
  h: number;
  w: number;
  c: number;
}

export interface Box {
  eps: number;
  low: number;
  high: number;
}

const clip = (v: number, low: number, high: number): number => Math.min(Math.max(v, low), high);

/** L∞ start (square.py): vertical stripes x + ε·(±1) drawn per (example, channel, column), clipped. */
export function initLinf(x: HostImages, box: Box, rng: Rng): Float32Array {
  const { n, h, w, c } = x;
  const signs = new Float32Array(n * c * w);
  for (let i = 0; i < signs.length; i++) signs[i] = randomSign(rng); // drawn in NCHW order [n, c, 1, w]
  const e = Math.fround(box.eps);
  const out = new Float32Array(x.data.length);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        for (let k = 0; k < c; k++) {
          const at = ((b * h + i) * w + j) * c + k;
          out[at] = clip(Math.fround(x.data[at] + Math.fround(e * signs[(b * c + k) * w + j])), box.low, box.high);
        }
      }
    }
  }
  return out;
}

/**
 * L∞ proposal (square.py): one s×s square, the same for every row, set to ±2ε per channel on top of
 * the best point, then projected onto the ε-ball around x and the bounds.
 */
export function proposeLinf(x: HostImages, best: Float32Array, s: number, box: Box, rng: Rng): Float32Array {
  const { n, h, w, c } = x;
  const vh = randomInt(rng, 0, h - s);
  const vw = randomInt(rng, 0, w - s);
  const step = Array.from({ length: c }, () => Math.fround(Math.fround(2 * box.eps) * randomSign(rng)));
  const e = Math.fround(box.eps);
  const out = Float32Array.from(best);
  for (let b = 0; b < n; b++) {
    for (let i = vh; i < vh + s; i++) {
      for (let j = vw; j < vw + s; j++) {
        for (let k = 0; k < c; k++) {
          const at = ((b * h + i) * w + j) * c + k;
          const v = Math.fround(best[at] + step[k]);
          const lo = Math.fround(x.data[at] - e);
          const hi = Math.fround(x.data[at] + e);
          out[at] = clip(clip(v, lo, hi), box.low, box.high);
        }
      }
    }
  }
  return out;
}

/** x + ε·δ/(‖δ‖₂ + 1e-12) per row, clipped to the bounds. */
function fromL2Delta(x: HostImages, delta: Float64Array, box: Box): Float32Array {
  const per = x.h * x.w * x.c;
  const out = new Float32Array(x.data.length);
  for (let b = 0; b < x.n; b++) {
    let s = 0;
    for (let j = b * per; j < (b + 1) * per; j++) s += delta[j] * delta[j];
    const f = box.eps / (Math.sqrt(s) + 1e-12);
    for (let j = b * per; j < (b + 1) * per; j++) out[j] = clip(x.data[j] + delta[j] * f, box.low, box.high);
  }
  return out;
}

/**
 * L2 start (square.py): a grid of s×s tiles (s = ⌊h/5⌋, from offset ⌊(h − 5s)/2⌋), each the η
 * pattern times a random sign per (example, channel), scaled to norm ε. Tiles past the edge are
 * cut (their draws still happen, as in the reference).
 */
export function initL2(x: HostImages, box: Box, rng: Rng): Float32Array {
  const { n, h, w, c } = x;
  const s = Math.floor(h / 5);
  const start = Math.floor((h - s * 5) / 2);
  const delta = new Float64Array(x.data.length);
  let vh = start;
  for (let ti = 0; ti < Math.floor(h / s); ti++, vh += s) {
    let vw = start;
    for (let tj = 0; tj < Math.floor(w / s); tj++, vw += s) {
      const pattern = eta(s, rng);
      const signs = Array.from({ length: n * c }, () => randomSign(rng));
      for (let b = 0; b < n; b++) {
        for (let i = vh; i < Math.min(vh + s, h); i++) {
          for (let j = vw; j < Math.min(vw + s, w); j++) {
            for (let k = 0; k < c; k++) delta[((b * h + i) * w + j) * c + k] += pattern[(i - vh) * s + (j - vw)] * signs[b * c + k];
          }
        }
      }
    }
  }
  return fromL2Delta(x, delta, box);
}

/** Σ over a square window of δ², per channel. */
function windowSquares(delta: Float64Array, x: HostImages, b: number, vh: number, vw: number, s: number, inside?: (i: number, j: number) => boolean): Float64Array {
  const out = new Float64Array(x.c);
  for (let i = 0; i < x.h; i++) {
    for (let j = 0; j < x.w; j++) {
      const inWindow = i >= vh && i < vh + s && j >= vw && j < vw + s;
      if (!(inside ? inside(i, j) : inWindow)) continue;
      for (let k = 0; k < x.c; k++) out[k] += delta[((b * x.h + i) * x.w + j) * x.c + k] ** 2;
    }
  }
  return out;
}

/**
 * L2 proposal (square.py): moves the mass of a second window (vh2, vw2) into a first one (vh, vw),
 * whose new content is η·(±1) plus its old direction, rescaled so the image keeps norm ε.
 */
export function proposeL2(x: HostImages, best: Float32Array, s: number, box: Box, rng: Rng): Float32Array {
  const { n, h, w, c } = x;
  const per = h * w * c;
  const delta = new Float64Array(best.length);
  for (let i = 0; i < delta.length; i++) delta[i] = Math.fround(best[i] - x.data[i]);
  const vh = randomInt(rng, 0, h - s);
  const vw = randomInt(rng, 0, w - s);
  const vh2 = randomInt(rng, 0, h - s);
  const vw2 = randomInt(rng, 0, w - s);
  const pattern = eta(s, rng);
  const signs = Array.from({ length: n * c }, () => randomSign(rng));
  const in1 = (i: number, j: number): boolean => i >= vh && i < vh + s && j >= vw && j < vw + s;
  const in2 = (i: number, j: number): boolean => i >= vh2 && i < vh2 + s && j >= vw2 && j < vw2 + s;
  for (let b = 0; b < n; b++) {
    const window1 = windowSquares(delta, x, b, vh, vw, s);
    const windows = windowSquares(delta, x, b, 0, 0, 0, (i, j) => in1(i, j) || in2(i, j));
    let image = 0;
    for (let j = b * per; j < (b + 1) * per; j++) image += delta[j] * delta[j];
    const fresh = new Float64Array(s * s * c);
    for (let k = 0; k < c; k++) {
      let sq = 0;
      for (let i = 0; i < s; i++) {
        for (let j = 0; j < s; j++) {
          const old = delta[((b * h + vh + i) * w + vw + j) * c + k] / (1e-12 + Math.sqrt(window1[k]));
          const v = pattern[i * s + j] * signs[b * c + k] + old;
          fresh[(i * s + j) * c + k] = v;
          sq += v * v;
        }
      }
      const scale = Math.sqrt(Math.max(box.eps ** 2 - image, 0) / c + windows[k]) / (1e-12 + Math.sqrt(sq));
      for (let ij = 0; ij < s * s; ij++) fresh[ij * c + k] *= scale;
    }
    for (let i = vh2; i < vh2 + s; i++) for (let j = vw2; j < vw2 + s; j++) for (let k = 0; k < c; k++) delta[((b * h + i) * w + j) * c + k] = 0;
    for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) for (let k = 0; k < c; k++) delta[((b * h + vh + i) * w + vw + j) * c + k] = fresh[(i * s + j) * c + k];
  }
  return fromL2Delta(x, delta, box);
}

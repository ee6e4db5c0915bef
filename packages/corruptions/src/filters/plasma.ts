import type { Draws } from '../draws.js';

/**
 * The reference's plasma_fractal (diamond-square, after FLHerne/mapgen): a `size × size` height
 * map scaled to [0, 1]. Each fill step draws `wibble · U(−wibble, wibble)` per new point, in
 * numpy's order (squares, then the two diamond grids), and wibble shrinks by `decay` per level.
 */
export function plasmaFractal(size: number, decay: number, draws: Draws): Float64Array {
  const map = new Float64Array(size * size);
  let step = size;
  let wibble = 100;
  while (step >= 2) {
    fillSquares(map, size, step, wibble, draws);
    fillDiamonds(map, size, step, wibble, draws);
    step = Math.floor(step / 2);
    wibble /= decay;
  }
  let min = Infinity;
  for (const v of map) min = Math.min(min, v);
  let max = -Infinity;
  for (let i = 0; i < map.length; i++) {
    map[i] -= min;
    max = Math.max(max, map[i]);
  }
  for (let i = 0; i < map.length; i++) map[i] /= max;
  return map;
}

function fillSquares(map: Float64Array, size: number, step: number, wibble: number, draws: Draws): void {
  const k = size / step;
  const half = step / 2;
  const at = (i: number, j: number): number => map[((i % k) * step) * size + (j % k) * step];
  const noise = draws.uniform(-wibble, wibble, k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      // squareaccum = corner + roll(corner, −1, 0); then += roll(itself, −1, 1)
      const sum = at(i, j) + at(i + 1, j) + (at(i, j + 1) + at(i + 1, j + 1));
      map[(i * step + half) * size + j * step + half] = sum / 4 + wibble * noise[i * k + j];
    }
  }
}

function fillDiamonds(map: Float64Array, size: number, step: number, wibble: number, draws: Draws): void {
  const k = size / step;
  const half = step / 2;
  const dr = (i: number, j: number): number => map[((((i % k) + k) % k) * step + half) * size + (((j % k) + k) % k) * step + half];
  const ul = (i: number, j: number): number => map[((i % k) * step) * size + (j % k) * step];
  // both grids read the map before either is written: compute, then store
  const top = new Float64Array(k * k);
  const left = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      top[i * k + j] = dr(i, j) + dr(i - 1, j) + (ul(i, j) + ul(i, j + 1));
      left[i * k + j] = dr(i, j) + dr(i, j - 1) + (ul(i, j) + ul(i + 1, j));
    }
  }
  const topNoise = draws.uniform(-wibble, wibble, k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) map[i * step * size + j * step + half] = top[i * k + j] / 4 + wibble * topNoise[i * k + j];
  }
  const leftNoise = draws.uniform(-wibble, wibble, k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) map[(i * step + half) * size + j * step] = left[i * k + j] / 4 + wibble * leftNoise[i * k + j];
  }
}

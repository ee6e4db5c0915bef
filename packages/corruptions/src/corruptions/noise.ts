import { type Corruption, unitFloats, unitToBytes } from './context.js';

/** x + N(0, c²) per value. */
export const gaussianNoise: Corruption = ({ image, level, table, draws }) => {
  const x = unitFloats(image.image);
  const noise = draws.normal(0, table.gaussianNoise[level], x.length);
  for (let i = 0; i < x.length; i++) x[i] += noise[i];
  return unitToBytes(x);
};

/** Poisson(x·c) / c per value. */
export const shotNoise: Corruption = ({ image, level, table, draws }) => {
  const c = table.shotNoise[level];
  const x = unitFloats(image.image);
  for (let i = 0; i < x.length; i++) x[i] *= c;
  const counts = draws.poisson(x);
  for (let i = 0; i < x.length; i++) x[i] = counts[i] / c;
  return unitToBytes(x);
};

/**
 * skimage's random_noise(mode='s&p', amount=c): each value flips with probability c, to 1 or 0
 * with equal odds (all flip draws first, then all salt draws, as skimage's two Bernoulli masks).
 */
export const impulseNoise: Corruption = ({ image, level, table, draws }) => {
  const amount = table.impulseNoise[level];
  const x = unitFloats(image.image);
  const flipped = draws.uniform(0, 1, x.length);
  const salted = draws.uniform(0, 1, x.length);
  for (let i = 0; i < x.length; i++) {
    if (flipped[i] < amount) x[i] = salted[i] < 0.5 ? 1 : 0;
  }
  return unitToBytes(x);
};

/** x + x·N(0, c²) per value. */
export const speckleNoise: Corruption = ({ image, level, table, draws }) => {
  const x = unitFloats(image.image);
  const noise = draws.normal(0, table.speckleNoise[level], x.length);
  for (let i = 0; i < x.length; i++) x[i] += x[i] * noise[i];
  return unitToBytes(x);
};

import { plasmaFractal } from '../filters/plasma.js';
import { type Corruption, unitFloats, unitToBytes } from './context.js';

/** Adds c · plasma (cropped to the image) and rescales by max / (max + c). */
export const fog: Corruption = ({ image, level, table, draws }) => {
  const [strength, decay] = table.fog[level];
  const mapSize = table.fogMapSize;
  const plasma = plasmaFractal(mapSize, decay, draws);
  const { height, width } = image;
  const x = unitFloats(image.image);
  let max = 0;
  for (const v of x) max = Math.max(max, v);
  for (let y = 0; y < height; y++) {
    for (let xx = 0; xx < width; xx++) {
      const p = strength * plasma[y * mapSize + xx];
      const o = (y * width + xx) * 3;
      for (let c = 0; c < 3; c++) x[o + c] = ((x[o + c] + p) * max) / (max + strength);
    }
  }
  return unitToBytes(x);
};

import { jpegRoundTrip } from '../pil/jpeg.js';
import { resizeBox } from '../pil/resize.js';
import type { Corruption } from './context.js';

/** PIL JPEG save at the severity's quality (4:2:0) and decode. */
export const jpegCompression: Corruption = ({ image, level, table }) => jpegRoundTrip(image, table.jpegQuality[level]).image;

/** PIL BOX resize down to int(size · c) and back up. */
export const pixelate: Corruption = ({ image, level, table }) => {
  const small = Math.trunc(table.size * table.pixelate[level]);
  return resizeBox(resizeBox(image, small, small), image.width, image.height).image;
};

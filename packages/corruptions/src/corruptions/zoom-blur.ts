import { type ZoomAxis, clippedZoomAxis, clippedZoomInto } from '../filters/zoom.js';
import type { CorruptionTable } from '../tables/table.js';
import type { Corruption } from './context.js';

const axesCache = new WeakMap<CorruptionTable, ZoomAxis[][]>();

/** The interpolation tables of every zoom factor of every severity, computed once per table. */
function zoomAxes(table: CorruptionTable, level: number): ZoomAxis[] {
  let perLevel = axesCache.get(table);
  if (!perLevel) {
    perLevel = table.zoomBlur.map((factors) => factors.map((f) => clippedZoomAxis(table.size, f)));
    axesCache.set(table, perLevel);
  }
  return perLevel[level];
}

/** The mean of the image and its clipped zooms by each factor, in float32 as the reference. */
export const zoomBlur: Corruption = ({ image, level, table }) => {
  const n = table.size;
  const x = new Float32Array(image.image.length);
  for (let i = 0; i < x.length; i++) x[i] = image.image[i] / 255;
  const sum = new Float32Array(x.length);
  const axes = zoomAxes(table, level);
  for (const axis of axes) clippedZoomInto(x, n, 3, axis, sum, true, true);
  const divisor = axes.length + 1;
  const bytes = new Uint8Array(x.length); // storing truncates, as np.uint8
  for (let i = 0; i < x.length; i++) {
    const mean = Math.fround(Math.fround(x[i] + sum[i]) / divisor);
    bytes[i] = Math.fround((mean < 0 ? 0 : mean > 1 ? 1 : mean) * 255);
  }
  return bytes;
};


import { motionBlurBytes, motionKernel } from '../filters/motion-blur.js';
import type { Corruption } from './context.js';

/** ImageMagick's motion blur along an angle drawn uniform in [−45°, 45°). */
export const motionBlur: Corruption = ({ image, level, table, draws }) => {
  const [radius, sigma] = table.motionBlur[level];
  const angle = draws.uniform(-45, 45, 1)[0];
  return motionBlurBytes(image.image, image.height, image.width, 3, motionKernel(radius, sigma, angle));
};

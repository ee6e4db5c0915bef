import type { Rng } from '@cnn/core';

// Crop geometry of the image-folder transforms (torchvision's), pure arithmetic: runs anywhere.

export interface CropBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * torchvision's `RandomResizedCrop.get_params`: up to 10 tries of an area fraction uniform in
 * `scale` and a log-uniform aspect ratio in `ratio`; otherwise a centre crop with the ratio clamped.
 */
export function randomResizedCropBox(
  width: number,
  height: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
  rng: Rng,
): CropBox {
  const area = width * height;
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.uniformRange(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniformRange(logLo, logHi));
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const top = rng.int(height - h + 1);
      const left = rng.int(width - w + 1);
      return { left, top, width: w, height: h };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) w = Math.round(h * ratio[1]);
  return { left: Math.floor((width - w) / 2), top: Math.floor((height - h) / 2), width: w, height: h };
}

/** Python's `round` (ties to even), which torchvision's `center_crop` uses for its offsets. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** torchvision `Resize(resize)` (shorter side → `resize`, longer side truncated) then `CenterCrop(size)`. */
export function resizeCenterCropGeometry(
  width: number,
  height: number,
  resize: number,
  size: number,
): { width: number; height: number; crop: CropBox } {
  const rw = width <= height ? resize : Math.floor((resize * width) / height);
  const rh = width <= height ? Math.floor((resize * height) / width) : resize;
  const cw = Math.min(size, rw);
  const ch = Math.min(size, rh);
  return {
    width: rw,
    height: rh,
    crop: { left: roundHalfEven((rw - cw) / 2), top: roundHalfEven((rh - ch) / 2), width: cw, height: ch },
  };
}

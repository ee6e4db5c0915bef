import { createRng, type Rng } from '@cnn/core';
import { promises as fsp } from 'node:fs';
import type { Sharp, SharpOptions } from 'sharp';

type SharpFn = (input: Buffer, options?: SharpOptions) => Sharp;
let sharpPromise: Promise<SharpFn> | undefined;

/**
 * sharp, loaded on first decode: importing @cnn/data (e.g. only for CIFAR) must not load libvips'
 * native addon (`sideEffects: false`: no work at import time).
 */
function loadSharp(): Promise<SharpFn> {
  sharpPromise ??= import('sharp').then(
    (m) => ((m as unknown as { default?: SharpFn }).default ?? (m as unknown as SharpFn)),
    (err: unknown) => {
      sharpPromise = undefined;
      throw new Error(`@cnn/data: decoding images needs the 'sharp' package (npm install sharp): ${(err as Error).message}`);
    },
  );
  return sharpPromise;
}

/** How an image-folder example is decoded (all sizes in pixels). */
export interface DecodeSpec {
  /**
   * `'train'`: RandomResizedCrop(size, scale, ratio) + horizontal flip with probability `flip`;
   * `'eval'`: resize the shorter side to `resize`, centre-crop `size × size`;
   * `'none'`: the whole image at its own size.
   */
  mode: 'train' | 'eval' | 'none';
  size: number;
  resize: number;
  scale: readonly [number, number];
  ratio: readonly [number, number];
  flip: number;
}

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

export interface DecodedImage {
  /** HWC RGB bytes. */
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Decodes `file` with sharp and applies `spec`, drawing the crop and flip from `createRng(seed)`.
 * Alpha is dropped and grey/CMYK images become sRGB, so the result always has 3 channels.
 * Errors name the file.
 */
export async function decodeImage(file: string, spec: DecodeSpec, seed: number): Promise<DecodedImage> {
  const sharp = await loadSharp();
  let input: Buffer;
  try {
    input = await fsp.readFile(file);
  } catch (err) {
    throw new Error(`Cannot read image ${file}: ${(err as Error).message}`);
  }
  try {
    const meta = await sharp(input).metadata();
    const W = meta.width;
    const H = meta.height;
    if (!W || !H) throw new Error('no image dimensions in the header');
    let img = sharp(input);
    if (spec.mode === 'train') {
      const rng = createRng(seed);
      const box = randomResizedCropBox(W, H, spec.scale, spec.ratio, rng);
      const flip = spec.flip > 0 && rng.uniform() < spec.flip;
      img = img.extract(box).resize(spec.size, spec.size, { fit: 'fill', kernel: 'linear' });
      if (flip) img = img.flop();
    } else if (spec.mode === 'eval') {
      const g = resizeCenterCropGeometry(W, H, spec.resize, spec.size);
      img = img.resize(g.width, g.height, { fit: 'fill', kernel: 'linear' }).extract(g.crop);
    }
    const { data, info } = await img.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (err) {
    throw new Error(`Cannot decode image ${file}: ${(err as Error).message}`);
  }
}

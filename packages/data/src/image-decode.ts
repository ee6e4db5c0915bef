import { createRng } from '@cnn/core';
import { promises as fsp } from 'node:fs';
import type { Sharp, SharpOptions } from 'sharp';
import { randomResizedCropBox, resizeCenterCropGeometry } from './image-geometry.js';

type SharpFn = (input: Buffer, options?: SharpOptions) => Sharp;
let sharpPromise: Promise<SharpFn> | undefined;

/**
 * sharp, loaded on first decode: it is an optional peer dependency (CIFAR users never need it), and
 * importing @cnn/data/node must not load libvips' native addon (`sideEffects: false`).
 */
function loadSharp(): Promise<SharpFn> {
  sharpPromise ??= import('sharp').then(
    (m) => ((m as unknown as { default?: SharpFn }).default ?? (m as unknown as SharpFn)),
    (err: unknown) => {
      sharpPromise = undefined;
      throw new Error(sharpMissingMessage(err));
    },
  );
  return sharpPromise;
}

function sharpMissingMessage(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const detail = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    return `@cnn/data/node: decoding image files needs the optional peer dependency 'sharp', which is not installed: run \`npm install sharp\` (${detail})`;
  }
  return `@cnn/data/node: 'sharp' is installed but failed to load, so image files cannot be decoded; reinstall it for this platform with \`npm install sharp\` (${detail})`;
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

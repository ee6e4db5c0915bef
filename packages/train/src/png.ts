/**
 * Encodes 8-bit pixels as a PNG. `pixels`: row-major HWC, values in `[0, 1]` (floats) or a
 * Uint8Array in `[0, 255]`; `channels` 1 (grey), 3 (RGB) or 4 (RGBA).
 */
export function encodePng(pixels: Float32Array | Uint8Array, width: number, height: number, channels: 1 | 3 | 4): Uint8Array {
  void pixels;
  void width;
  void height;
  void channels;
  throw new Error('encodePng: not implemented yet');
}

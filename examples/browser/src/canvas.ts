/** Drawing 32×32 images into canvases (the CSS scales them up, pixelated). */

/** Draws an HWC image — bytes (`Uint8Array`) or floats in [0, 1] — into `canvas`, resized to the image. */
export function drawImage(canvas: HTMLCanvasElement, pixels: ArrayLike<number>, height: number, width: number): void {
  const toByte = pixels instanceof Uint8Array ? (v: number) => v : (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  canvas.height = height;
  canvas.width = width;
  const context = canvas.getContext('2d');
  if (context == null) throw new Error('this browser gives no 2D canvas context');
  const data = context.createImageData(width, height);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < 3; c++) data.data[p * 4 + c] = toByte(pixels[p * 3 + c]);
    data.data[p * 4 + 3] = 255;
  }
  context.putImageData(data, 0, 0);
}

/**
 * The perturbation `adversarial − clean` magnified to fill the range: grey is 0, each channel
 * scaled by the same factor so that the largest |δ| reaches black or white. Returns the factor.
 */
export function drawPerturbation(canvas: HTMLCanvasElement, clean: ArrayLike<number>, adversarial: ArrayLike<number>, height: number, width: number): number {
  const delta = Float32Array.from(adversarial, (v, i) => v - clean[i]);
  const largest = delta.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const factor = largest > 0 ? 0.5 / largest : 1;
  drawImage(canvas, Float32Array.from(delta, (v) => 0.5 + v * factor), height, width);
  return factor;
}

/** Five entries, one per severity 1–5. */
export type PerSeverity<T> = readonly [T, T, T, T, T];

/**
 * The constants of one reference script (make_cifar_c.py or make_imagenet_c.py), per corruption
 * and severity, in the order the script lists them; comments name the script's meaning.
 */
export interface CorruptionTable {
  name: 'cifar' | 'imagenet';
  /** The image side the script works on (it hard-codes it in glass_blur, snow, fog, …). */
  size: number;
  gaussianNoise: PerSeverity<number>;
  shotNoise: PerSeverity<number>;
  impulseNoise: PerSeverity<number>;
  speckleNoise: PerSeverity<number>;
  gaussianBlur: PerSeverity<number>;
  /** [sigma, max_delta, iterations] */
  glassBlur: PerSeverity<readonly [number, number, number]>;
  /** [radius, alias_blur] */
  defocusBlur: PerSeverity<readonly [number, number]>;
  /** [radius, sigma] of ImageMagick's motion blur */
  motionBlur: PerSeverity<readonly [number, number]>;
  /** the zoom factors, as numpy's arange produced them */
  zoomBlur: PerSeverity<readonly number[]>;
  /** [strength, wibbledecay]; the plasma map side */
  fog: PerSeverity<readonly [number, number]>;
  fogMapSize: number;
  /** [image weight, frost weight]; the overlays' scale */
  frost: PerSeverity<readonly [number, number]>;
  /** [loc, scale, zoom, threshold, blur radius, blur sigma, mix] */
  snow: PerSeverity<readonly [number, number, number, number, number, number, number]>;
  /** [loc, scale, sigma, threshold, intensity, mud?] */
  spatter: PerSeverity<readonly [number, number, number, number, number, number]>;
  contrast: PerSeverity<number>;
  brightness: PerSeverity<number>;
  /** [scale, shift] of the saturation */
  saturate: PerSeverity<readonly [number, number]>;
  jpegQuality: PerSeverity<number>;
  /** the fraction of the side the image is shrunk to */
  pixelate: PerSeverity<number>;
  /** [alpha, sigma, affine jitter] */
  elastic: PerSeverity<readonly [number, number, number]>;
}

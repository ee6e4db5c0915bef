/** An 8-bit RGB image: `height × width × 3` bytes, row-major HWC (as `@cnn/data` samples and `@cnn/corruptions`). */
export interface RgbBytes {
  image: Uint8Array;
  height: number;
  width: number;
}

/**
 * Applies corruption `name` at `severity` (1–5) to an image and returns a new image of the same
 * size; a pure function of its inputs and `options.seed` (as `corrupt` of `@cnn/corruptions`).
 */
export type CorruptFunction = (image: RgbBytes, name: string, severity: number, options: { seed: number }) => RgbBytes;

/** A baseline model's error rates in `[0, 1]`: `errors[corruption][severity]` (e.g. AlexNet's for ImageNet-C). */
export interface CorruptionBaseline {
  errors: Record<string, Record<number, number>>;
}

export interface CorruptionEvalOptions {
  /** Corruption names, e.g. the 15 of ImageNet-C or all 19 of `CORRUPTIONS` of `@cnn/corruptions`. */
  corruptions: readonly string[];
  /** Severities to evaluate, integers 1–5; default `[1, 2, 3, 4, 5]`. */
  severities?: readonly number[];
  /** Evaluate only the first `limit` examples of the data set (default: all). */
  limit?: number;
  /** Seed of the corruptions' random draws: per (seed, example, corruption, severity). Default 0. */
  seed?: number;
  /** Images per forward pass, default 100. */
  batchSize?: number;
  /** Bins of the ECE, default 15. */
  bins?: number;
  /** mCE relative to these error rates (every corruption × severity evaluated must be present). */
  baseline?: CorruptionBaseline;
  /**
   * The corruption function; default `corrupt` of `@cnn/corruptions` (a dependency, loaded when
   * first needed). A {@link CorruptFunction}; declared as a method so that `corrupt` itself, whose
   * `name` is the narrower `CorruptionName`, can be passed too.
   */
  corrupt?(image: RgbBytes, name: string, severity: number, options: { seed: number }): RgbBytes;
  /** Keep example `index` under every corruption at `severity` for the report (default index 0, severity 3; `false`: none). */
  keepExample?: { index?: number; severity?: number } | false;
  /** Called after each forward pass with the images done and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Accuracy and calibration of a set of predictions (`@cnn/calibration`). */
export interface ShiftCalibration {
  accuracy: number;
  /** Expected calibration error of the top label (equal-width bins). */
  ece: number;
  /** Debiased ℓ2 top-label calibration error (Kumar et al. 2019). */
  calibrationErrorTopLabel: number;
  /** Mean negative log-likelihood (nats). */
  nll: number;
  /** Brier score (sum over classes, mean over examples). */
  brier: number;
}

/** One image under every corruption (PNG data URLs), for the report's strip. */
export interface CorruptionExample {
  index: number;
  label: number;
  severity: number;
  clean: string;
  corrupted: Array<{ name: string; image: string }>;
}

export interface CorruptionResult {
  /** Examples evaluated (each under every corruption × severity). */
  n: number;
  corruptions: string[];
  severities: number[];
  seed: number;
  /** Accuracy on the clean images. */
  cleanAccuracy: number;
  /** Accuracy by corruption, one value per severity (in `severities` order). */
  accuracy: Record<string, number[]>;
  /** Mean accuracy over every corruption × severity. */
  meanAccuracy: number;
  /** Corruption error CE_c = Σ_s E_{s,c} / Σ_s E^{base}_{s,c} (with a baseline). */
  ce?: Record<string, number>;
  /** Mean of CE_c over the corruptions (with a baseline). */
  mce?: number;
  /** Calibration under shift: severity 0 is clean, then each severity over all corruptions pooled. */
  calibration: Array<ShiftCalibration & { severity: number }>;
  /** One image under every corruption (absent with `keepExample: false`). */
  example?: CorruptionExample;
}

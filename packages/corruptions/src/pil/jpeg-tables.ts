// The quantization tables PIL's JPEG encoder ends up with for `quality=q`: libjpeg's
// jpeg_set_quality(q, force_baseline=TRUE) (jcparam.c), i.e. the IJG standard tables scaled by
// jpeg_quality_scaling and clamped to 1..255.

/** Annex K luminance table, natural (row-major) order, as jcparam.c's std_luminance_quant_tbl. */
const STD_LUMINANCE = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17,
  22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78,
  87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/** Annex K chrominance table, as jcparam.c's std_chrominance_quant_tbl. */
const STD_CHROMINANCE = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66,
  99, 99, 99, 99, 99, 99, ...new Array<number>(32).fill(99),
];

/** libjpeg's jpeg_quality_scaling: quality 1..100 → scaling percentage. */
export function qualityScaling(quality: number): number {
  const q = Math.min(100, Math.max(1, quality));
  return q < 50 ? Math.trunc(5000 / q) : 200 - q * 2;
}

/** libjpeg's jpeg_add_quant_table with force_baseline: entries clamped to 1..255. */
function scaleTable(basic: readonly number[], scale: number): Int32Array {
  const out = new Int32Array(64);
  for (let i = 0; i < 64; i++) {
    const t = Math.trunc((basic[i] * scale + 50) / 100);
    out[i] = Math.min(255, Math.max(1, t));
  }
  return out;
}

/** The luminance and chrominance quantization tables of `jpeg_set_quality(quality, TRUE)`. */
export function quantTables(quality: number): { luma: Int32Array; chroma: Int32Array } {
  const scale = qualityScaling(quality);
  return { luma: scaleTable(STD_LUMINANCE, scale), chroma: scaleTable(STD_CHROMINANCE, scale) };
}

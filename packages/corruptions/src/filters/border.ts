/** How an index outside `[0, n)` is mapped back in, in scipy.ndimage / OpenCV terms. */
export type BorderMode =
  /** scipy 'nearest' (OpenCV BORDER_REPLICATE): a a | a b c | c c */
  | 'nearest'
  /** scipy 'reflect' (half-sample symmetric): b a | a b c | c b */
  | 'reflect'
  /** scipy 'mirror' (OpenCV BORDER_REFLECT_101): c b | a b c | b a */
  | 'mirror';

/** Maps any integer index into `[0, n)` under `mode`. */
export function borderIndex(i: number, n: number, mode: BorderMode): number {
  if (i >= 0 && i < n) return i;
  if (n === 1) return 0;
  if (mode === 'nearest') return i < 0 ? 0 : n - 1;
  if (mode === 'reflect') {
    const period = 2 * n;
    const m = ((i % period) + period) % period;
    return m < n ? m : period - 1 - m;
  }
  const period = 2 * n - 2;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

/** The mapped indices of `-pad … n − 1 + pad` (entry k is index k − pad). */
export function borderTable(n: number, pad: number, mode: BorderMode): Int32Array {
  const table = new Int32Array(n + 2 * pad);
  for (let k = 0; k < table.length; k++) table[k] = borderIndex(k - pad, n, mode);
  return table;
}

/**
 * A value as an error message should show it: strings quoted, typed arrays and other built-ins by
 * their kind (`Float32Array`), plain objects as "an object". Never throws.
 */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) {
    return typeof v === 'symbol' ? 'a symbol' : String(v);
  }
  if (Array.isArray(v)) return 'an array';
  const tag = Object.prototype.toString.call(v).slice(8, -1);
  return tag === 'Object' ? 'an object' : tag === 'Function' ? 'a function' : tag;
}

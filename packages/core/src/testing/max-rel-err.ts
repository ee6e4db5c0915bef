/**
 * How far `got` is from `want`: max |got − want| over max |want| (the tests' measure of agreement
 * between two computations of the same values). For tests of any package: exported at `@cnn/core/testing`.
 */
export function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) throw new Error(`maxRelErr: ${got.length} values against ${want.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / Math.max(scale, 1e-30);
}

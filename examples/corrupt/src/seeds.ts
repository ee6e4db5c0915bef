/** Largest `--seed`: seeds of single images must stay exact integers (see {@link imageSeed}). */
export const MAX_SEED = 2 ** 26 - 1;

/**
 * The seed `corrupt` gets for test image `index` under corruption number `corruption` (its place in
 * CORRUPTIONS) at `severity`: distinct for every triple, so every image draws its own noise, and a
 * function of the triple only, so any subset (a `--limit`, one corruption) gives the same bytes.
 */
export function imageSeed(seed: number, corruption: number, severity: number, index: number): number {
  return ((seed * 19 + corruption) * 5 + (severity - 1)) * 2 ** 20 + index;
}

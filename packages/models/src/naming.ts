import type { BlockType, NamingScheme } from './types.js';

/**
 * The parameter naming scheme of each block type: each block reproduces one reference codebase,
 * and its parameters carry that codebase's names (see {@link NamingScheme}).
 */
export const NAMING_BY_BLOCK: Readonly<Record<BlockType, NamingScheme>> = Object.freeze({
  basic: 'torchvision',
  bottleneck: 'torchvision',
  'preact-basic': 'fast_adversarial',
  'preact-bottleneck': 'fast_adversarial',
  wide: 'robustbench',
});

/** Whether `block` is a block type (an own key of the table: `toString` is not one). */
export function isBlockType(block: unknown): block is BlockType {
  return typeof block === 'string' && Object.hasOwn(NAMING_BY_BLOCK, block);
}

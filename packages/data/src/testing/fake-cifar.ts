// Test helper (not exported).
import { createRng } from '@cnn/core';

/** Random CIFAR records (label bytes + planar pixels), seeded. */
export function fakeCifarBytes(variant: 'cifar10' | 'cifar100', count: number, seed: number): Uint8Array {
  const rng = createRng(seed);
  const rec = variant === 'cifar10' ? 3073 : 3074;
  const out = new Uint8Array(count * rec);
  for (let r = 0; r < count; r++) {
    if (variant === 'cifar10') out[r * rec] = rng.int(10);
    else {
      out[r * rec] = rng.int(20);
      out[r * rec + 1] = rng.int(100);
    }
    for (let i = r * rec + (rec - 3072); i < (r + 1) * rec; i++) out[i] = rng.int(256);
  }
  return out;
}

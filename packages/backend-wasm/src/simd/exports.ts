/**
 * The boundary between TypeScript and csrc/: every function the kernel module exports, with its
 * arguments in order and named as in the C source (pointers are byte offsets into tfjs' memory,
 * the rest counts and flags). Calls are built as named records and turned into positional
 * arguments in one place (`positional`); the export list is derived from this table, and a
 * test checks that the built module exports exactly these functions with these arities.
 */
export const KERNEL_SIGNATURES = {
  filter_grad: ['x', 'dy', 'dw', 'n0', 'n1', 'H', 'W', 'Ci', 'OH', 'OW', 'Co', 'KH', 'KW', 'sh', 'sw', 'top', 'left'],
  conv2d: ['x', 'w', 'y', 'r0', 'r1', 'H', 'W', 'Ci', 'OH', 'OW', 'Co', 'KH', 'KW', 'sh', 'sw', 'top', 'left', 'zeros', 'bias'],
  conv2d_transpose: ['dy', 'wt', 'dx', 'r0', 'r1', 'H', 'W', 'Ci', 'OH', 'OW', 'Co', 'KH', 'KW', 'sh', 'sw', 'top', 'left', 'zeros'],
  relu_grad: ['dy', 'x', 'dx', 'i0', 'i1'],
  gemm: ['a', 'b', 'c', 'm0', 'm1', 'M', 'N', 'K', 'trans_a', 'trans_b', 'scratch', 'bias', 'accumulate'],
  col2im: ['cols', 'dx', 'r0', 'r1', 'H', 'W', 'Ci', 'OH', 'OW', 'KH', 'KW', 'sh', 'sw', 'top', 'left', 'ldc'],
  im2col: ['x', 'cols', 'q0', 'p0', 'p1', 'H', 'W', 'Ci', 'OH', 'OW', 'KH', 'KW', 'sh', 'sw', 'top', 'left'],
  winograd_filter: ['w', 'u', 'Ci', 'Co', 'ci0', 'ci1', 'flipped'],
  winograd_conv: ['x', 'u', 'y', 't0', 't1', 'H', 'W', 'Ci', 'OH', 'OW', 'Co', 'top', 'left', 'scratch', 'bias', 'block'],
  winograd_filter_grad: ['x', 'dy', 'dw', 'ci0', 'ci1', 'N', 'H', 'W', 'Ci', 'OH', 'OW', 'Co', 'top', 'left', 'm', 'scratch', 'block'],
  winograd4_filter: ['w', 'u', 'Ci', 'Co', 'ci0', 'ci1', 'flipped'],
  winograd4_conv: ['x', 'u', 'y', 't0', 't1', 'H', 'W', 'Ci', 'OH', 'OW', 'Co', 'top', 'left', 'scratch', 'bias', 'block'],
  winograd4_filter_grad: ['x', 'dy', 'dw', 'ci0', 'ci1', 'N', 'H', 'W', 'Ci', 'OH', 'OW', 'Co', 'top', 'left', 'm', 'scratch', 'block'],
  bn_moments: ['x', 'C', 'r0', 'r1', 'shift', 'out'],
  bn_grad_sums: ['dy', 'x', 'C', 'r0', 'r1', 'mean', 'invstd', 'out'],
  channel_affine: ['x', 'y', 'C', 'r0', 'r1', 'a', 'b'],
  channel_affine2: ['dy', 'x', 'dx', 'C', 'r0', 'r1', 'a', 'b', 'd'],
} as const satisfies Record<string, readonly string[]>;

export type KernelName = keyof typeof KERNEL_SIGNATURES;
/** The arguments of kernel `K`, by name. */
export type KernelArgs<K extends KernelName> = { readonly [A in (typeof KERNEL_SIGNATURES)[K][number]]: number };
/** The module's exports: pointers and counts in, results written through pointers. */
export type KernelExports = { readonly [K in KernelName]: (...args: number[]) => void };

/** The exports in a fixed order (helper threads find a function by its index here). */
export const KERNEL_NAMES = Object.keys(KERNEL_SIGNATURES) as KernelName[];
/** The longest argument list: the size of a helper's argument slots. */
export const MAX_KERNEL_ARGS = Math.max(...KERNEL_NAMES.map((k) => KERNEL_SIGNATURES[k].length));

/** The positional arguments of a named call, in the C order. */
export function positional<K extends KernelName>(name: K, args: KernelArgs<K>): number[] {
  const named = args as Record<string, number>;
  return KERNEL_SIGNATURES[name].map((a: string) => {
    const v = named[a];
    if (!Number.isFinite(v)) throw new Error(`@cnn/backend-wasm: ${name}: argument ${a} is ${String(v)}`);
    return v;
  });
}

import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { KERNEL_NAMES, KERNEL_SIGNATURES, positional } from './exports.js';
import { privateMemoryRelaxedWasm, privateMemoryWasm, sharedMemoryRelaxedWasm, sharedMemoryWasm } from './kernels-wasm.js';

// The relaxed variants compile only with relaxed SIMD (on by default from Node 22).
if (Number(process.versions.node.split('.')[0]) < 22) setFlagsFromString('--experimental-wasm-relaxed-simd');

const variants = { sharedMemoryWasm, privateMemoryWasm, sharedMemoryRelaxedWasm, privateMemoryRelaxedWasm };

describe('the typed kernel boundary', () => {
  it.each(Object.keys(variants))('%s exports exactly the functions of KERNEL_SIGNATURES', (variant) => {
    const bytes = new Uint8Array(Buffer.from(variants[variant as keyof typeof variants], 'base64'));
    const exported = WebAssembly.Module.exports(new WebAssembly.Module(bytes));
    const functions = exported.filter((e) => e.kind === 'function').map((e) => e.name);
    expect([...functions].sort()).toEqual([...KERNEL_NAMES].sort());
  });

  it('every export takes as many arguments as its signature names', () => {
    const bytes = new Uint8Array(Buffer.from(privateMemoryWasm, 'base64'));
    const memory = new WebAssembly.Memory({ initial: 16 });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    for (const name of KERNEL_NAMES) {
      expect((instance.exports[name] as (...a: number[]) => void).length, name).toBe(KERNEL_SIGNATURES[name].length);
    }
  });

  it('turns a named call into the C argument order, and names a missing argument', () => {
    expect(positional('relu_grad', { dy: 1, x: 2, dx: 3, i0: 4, i1: 5 })).toEqual([1, 2, 3, 4, 5]);
    expect(positional('relu_grad', { i1: 5, i0: 4, dx: 3, x: 2, dy: 1 })).toEqual([1, 2, 3, 4, 5]);
    expect(() => positional('relu_grad', { dy: 1, x: 2, dx: 3, i0: 4 } as never)).toThrow('relu_grad: argument i1 is undefined');
  });
});

import { describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';

// Its own test file, so wasm has not been set up in this process yet (thread options count only then).
describe('a bad wasm thread count is reported as such', () => {
  it('wasmThreads: 0 and CNN_WASM_THREADS=abc fail with the range, not with "install it"', async () => {
    const err = await initBackend('wasm', { wasmThreads: 0 }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toMatch(/^wasm threads: must be an integer in \[1, 8\], got 0$/);
    process.env.CNN_WASM_THREADS = 'abc';
    try {
      await expect(initBackend('wasm')).rejects.toThrow(/^CNN_WASM_THREADS="abc": must be an integer in \[1, 8\], got NaN$/);
    } finally {
      delete process.env.CNN_WASM_THREADS;
    }
    // and a good value afterwards still starts it (the failed attempt left nothing half set up)
    expect((await initBackend('wasm', { wasmThreads: 1 })).backend).toBe('wasm');
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The package must work in a browser bundle: no Node built-ins in the library's sources.
describe('browser safety', () => {
  it('library sources import only tfjs-core, @cnn/core (its browser-safe entries) and each other', () => {
    const dir = new URL('./', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const src = readFileSync(new URL(f, dir), 'utf8');
      const specifiers = [...src.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
      for (const s of specifiers) {
        expect([`${f}: ${s}`]).toEqual([expect.stringMatching(/: (@tensorflow\/tfjs-core|@cnn\/core|@cnn\/core\/gradients|\.\/[\w-]+\.js)$/)]);
      }
      expect(src).not.toMatch(/\bprocess\.|\brequire\(|\bBuffer\b/);
    }
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Tensor-free packages (calibration, corruptions) import the main entry: it must load no tfjs and
// no Node built-in, so it runs anywhere, and only the subpaths pull those in.
describe('built entries', () => {
  const read = (f: string) => readFileSync(new URL(`../dist/${f}`, import.meta.url), 'utf8');

  it('the main entry imports nothing at run time', () => {
    for (const f of ['index.js', 'index.cjs']) expect(read(f)).not.toMatch(/(?:from|require\()\s*['"]/);
  });

  it('gradients needs tfjs-core, node needs node:fs', () => {
    expect(read('gradients.js')).toMatch(/from ['"]@tensorflow\/tfjs-core['"]/);
    expect(read('node.js')).toMatch(/from ['"](node:)?fs['"]/); // tsup may drop the node: prefix
  });
});

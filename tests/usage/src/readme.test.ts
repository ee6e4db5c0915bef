import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, readmeBody } from './examples.js';

const README = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
const blocks = [...README.matchAll(/```(?:ts|js)\n([\s\S]*?)```/g)].map((m) => m[1].trimEnd());

describe("the README's usage examples are the files tests/usage runs", () => {
  it.each(EXAMPLES)('%s: the README shows examples/%s.mjs exactly (minus its header comment)', (name) => {
    expect(blocks).toContain(readmeBody(name));
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The README's "Attack your own model" code is examples/attack-your-model.mjs, which runs as is
// against the built package: keep the two from drifting apart (the README once called an
// undefined helper).
const read = (rel: string): string => readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8');

describe('README example', () => {
  it('is the runnable example file, minus its two header comment lines', () => {
    const readme = read('../README.md');
    const section = readme.slice(readme.indexOf('## Attack your own model'));
    const block = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block, 'a ```js block under "## Attack your own model"').toBeDefined();
    const example = read('../examples/attack-your-model.mjs').split('\n').slice(2).join('\n');
    expect(block!.trimEnd()).toBe(example.trimEnd());
  });
});

import { describe, expect, it } from 'vitest';
import { allDocBlocks, docFiles } from './doc-files.js';
import { codeBlocks, isMarkedNoRun, isScript } from './markdown-blocks.js';

const md = [
  'Text',
  '```ts',
  "const a: number = 1;",
  '```',
  '- a list item:',
  '',
  '  ```js',
  '  console.log(1);',
  '    indented();',
  '  ```',
  '```ts no-run',
  'fragment(',
  '```',
  '````md',
  '```js',
  'inside();',
  '```',
  '````',
  '```',
  'plain output',
  '```',
].join('\n');

describe('codeBlocks', () => {
  const blocks = codeBlocks(md, 'x.md');

  it('finds every fenced block with its line, language and info string', () => {
    expect(blocks.map((b) => [b.line, b.lang, b.info])).toEqual([[2, 'ts', 'ts'], [7, 'js', 'js'], [11, 'ts', 'ts no-run'], [14, 'md', 'md'], [19, '', '']]);
  });

  it("strips a list item's fence indentation and keeps deeper indentation", () => {
    expect(blocks[1].code).toBe('console.log(1);\n  indented();\n');
  });

  it('a longer fence holds shorter ones as text', () => {
    expect(blocks[3].code).toBe('```js\ninside();\n```\n');
  });

  it('tells scripts and no-run marks apart', () => {
    expect(blocks.map(isScript)).toEqual([true, true, true, false, false]);
    expect(blocks.map(isMarkedNoRun)).toEqual([false, false, true, false, false]);
  });

  it('an unclosed fence is an error naming the file and line', () => {
    expect(() => codeBlocks('a\n```js\nx();\n', 'bad.md')).toThrow('bad.md:2: code fence ```js is never closed');
  });
});

describe('the docs the harness reads', () => {
  it('are the README, the guides and every package and example README', () => {
    const files = docFiles();
    expect(files).toContain('README.md');
    expect(files).toContain('docs/guides/training.md');
    expect(files).toContain('packages/train/README.md');
    expect(files).toContain('examples/cifar/README.md');
  });

  it('hold script blocks (an extractor that finds none would test nothing)', () => {
    expect(allDocBlocks().filter(isScript).length).toBeGreaterThan(30);
  });
});

import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DOC_OUTPUT } from './doc-output.js';
import { allDocBlocks } from './doc-files.js';
import { EXAMPLES, readmeBody } from './examples.js';
import { runNode } from './fresh-project.js';
import { isMarkedNoRun, isScript, SCRIPT_LANGS, type CodeBlock } from './markdown-blocks.js';
import { typeCheck, writeSnippets, type Snippet } from './snippets.js';

// Every ts/js code block of the user-facing markdown (doc-files.ts), type-checked against the
// published types and run with node in the fresh npm project of global-setup.ts, unless its fence
// says `no-run`. The README's own examples are identical to examples/*.mjs (readme.test.ts) and run
// in packed.test.ts, as ESM and CommonJS, so they are not run twice.
const project = inject('project');
const isReadmeExample = (b: CodeBlock): boolean => b.file === 'README.md' && EXAMPLES.some((n) => b.code.trimEnd() === readmeBody(n));
const blocks = allDocBlocks().filter((b) => isScript(b) && !isMarkedNoRun(b) && !isReadmeExample(b));
const files = [...new Set(blocks.map((b) => b.file))];

/** A docs block is a short script: one that runs longer is too slow for the suite, or hangs. */
const SNIPPET_TIMEOUT_MS = 120_000;

let snippets: Snippet[] = [];
let typeErrors = new Map<string, string[]>();
const stdout = new Map<string, string>();

beforeAll(() => {
  snippets = writeSnippets(project, blocks);
  typeErrors = typeCheck(project, snippets);
}, 120_000);

/** Output for a failure message: emscripten echoes its whole minified source line on a crash. */
const clip = (text: string): string => text.split('\n').map((l) => (l.length > 400 ? `${l.slice(0, 400)} …` : l)).join('\n');
const isTs = (b: CodeBlock): boolean => SCRIPT_LANGS[b.lang] === 'ts';
const snippetOf = (b: CodeBlock): Snippet => snippets.find((s) => s.block === b)!;

it('the type check found nothing outside the snippets', () => {
  expect(typeErrors.get('')).toEqual([]);
});

it('every file with expected output has blocks that run', () => {
  expect(Object.keys(DOC_OUTPUT).filter((f) => !files.includes(f))).toEqual([]);
});

describe.each(files)('%s', (file) => {
  for (const block of blocks.filter((b) => b.file === file)) {
    it(`block at line ${block.line} (${block.lang}) ${isTs(block) ? 'type-checks and runs' : 'runs'} as written`, () => {
      const s = snippetOf(block);
      const r = runNode(s.runFile, s.dir, {}, SNIPPET_TIMEOUT_MS);
      stdout.set(file, `${stdout.get(file) ?? ''}${r.stdout}`);
      const problems = [...(typeErrors.get(s.source) ?? ['not type-checked'])];
      const how = r.error ? `did not finish within ${SNIPPET_TIMEOUT_MS / 1000} s (${r.error.message})` : `exited with ${r.status ?? r.signal}`;
      if (r.status !== 0) problems.push(`${how}\n${clip(r.stdout)}\n${clip(r.stderr)}`);
      expect(problems.join('\n\n'), `${file}:${block.line}`).toBe('');
    });
  }
  if (DOC_OUTPUT[file]) {
    it('prints what its comments say', () => {
      for (const pattern of DOC_OUTPUT[file]) expect(stdout.get(file)).toMatch(pattern);
    });
  }
});

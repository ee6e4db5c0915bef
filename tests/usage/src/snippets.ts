import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { CodeBlock } from './markdown-blocks.js';
import { SCRIPT_LANGS } from './markdown-blocks.js';

/** What the docs' code blocks may refer to by relative path; global-setup.ts makes them in the project. */
export const DOC_FIXTURES = ['data', 'my-model', 'imagenet', 'resnet18-from-torch.safetensors'] as const;

/** A code block as files in the fresh project: its source and what node runs. */
export interface Snippet {
  block: CodeBlock;
  kind: 'ts' | 'js';
  /** The doc's folder: every block of one markdown file runs here, in order (later blocks may read what earlier ones wrote). */
  dir: string;
  /** The block as written: `<line>.mts` (TypeScript) or `<line>.mjs`. */
  source: string;
  /** What node runs: the .mjs itself, or the .mts with its types stripped. */
  runFile: string;
}

const slug = (file: string): string => file.replace(/\.md$/, '').replace(/[^\w]+/g, '-');

/** The doc's working folder inside the project, with links to the fixtures. */
function docDir(project: string, file: string): string {
  const dir = join(project, 'docs', slug(file));
  if (existsSync(dir)) return dir;
  mkdirSync(dir, { recursive: true });
  for (const f of DOC_FIXTURES) symlinkSync(join(project, f), join(dir, f));
  return dir;
}

/** Writes each block into its doc's folder; TypeScript gets a stripped twin (types removed, nothing else). */
export function writeSnippets(project: string, blocks: CodeBlock[]): Snippet[] {
  return blocks.map((block) => {
    const kind = SCRIPT_LANGS[block.lang];
    const dir = docDir(project, block.file);
    const source = join(dir, `${block.line}.${kind === 'ts' ? 'mts' : 'mjs'}`);
    writeFileSync(source, block.code);
    let runFile = source;
    if (kind === 'ts') {
      runFile = join(dir, `${block.line}.stripped.mjs`);
      const out = ts.transpileModule(block.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }, fileName: source });
      writeFileSync(runFile, out.outputText);
    }
    return { block, kind, dir, source, runFile };
  });
}

/**
 * The errors JavaScript blocks are held to: imports that resolve to real exports, object literals
 * (options) with known keys only, properties that exist. Not the rest: plain JS has no annotations to
 * satisfy tfjs's tensor ranks or literal option types, and a user's JS project is not checked either.
 */
const JS_CHECKED = new Set([2305, 2307, 2339, 2353, 2551, 2561, 2724]);

/**
 * Type-checks every snippet in one program against the installed packages' published types (and
 * @types/node), as a user's strict NodeNext project would; JavaScript only for JS_CHECKED errors.
 * Returns the formatted errors per source file ('' for errors outside the snippets).
 */
export function typeCheck(project: string, snippets: Snippet[]): Map<string, string[]> {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: ['node'], typeRoots: [join(project, 'node_modules', '@types')],
    strict: true, allowJs: true, checkJs: true, noEmit: true, skipLibCheck: true,
  };
  const program = ts.createProgram(snippets.map((s) => s.source), options);
  const errors = new Map<string, string[]>([['', []], ...snippets.map((s): [string, string[]] => [s.source, []])]);
  const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => project, getNewLine: () => '\n' };
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file?.fileName ?? '';
    if (file.endsWith('.mjs') && !JS_CHECKED.has(d.code)) continue;
    (errors.get(file) ?? errors.get('')!).push(ts.formatDiagnostic(d, host).trim());
  }
  return errors;
}

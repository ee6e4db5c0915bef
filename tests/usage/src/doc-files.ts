import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeBlocks, type CodeBlock } from './markdown-blocks.js';

export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

const mdIn = (dir: string): string[] =>
  existsSync(join(ROOT, dir)) ? readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.md')).sort().map((f) => `${dir}/${f}`) : [];
const readmesUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir)).sort().map((d) => `${dir}/${d}/README.md`).filter((f) => existsSync(join(ROOT, f)));

/** The user-facing markdown: root README, docs/ and its guides, every package's and example's README. */
export function docFiles(): string[] {
  return ['README.md', ...mdIn('docs'), ...mdIn('docs/guides'), ...readmesUnder('packages'), ...readmesUnder('examples')];
}

/** Every code block of every doc file, in file order. */
export function allDocBlocks(): CodeBlock[] {
  return docFiles().flatMap((f) => codeBlocks(readFileSync(join(ROOT, f), 'utf8'), f));
}

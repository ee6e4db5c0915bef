/** One fenced code block of a markdown file. */
export interface CodeBlock {
  /** The markdown file, relative to the repository root. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's language: the first word of its info string ('' when there is none). */
  lang: string;
  /** The whole info string, e.g. `ts no-run`. */
  info: string;
  /** The block's text, without the indentation of its fence (blocks inside list items). */
  code: string;
}

/** Languages whose blocks the docs harness type-checks (ts) and runs (ts, js). */
export const SCRIPT_LANGS: Record<string, 'ts' | 'js'> = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js', mjs: 'js' };

/** The info-string word that marks a script block as deliberately not runnable alone. */
export const NO_RUN = 'no-run';

export const isScript = (b: CodeBlock): boolean => b.lang in SCRIPT_LANGS;
export const isMarkedNoRun = (b: CodeBlock): boolean => b.info.split(/\s+/).includes(NO_RUN);

/** Every fenced (```) code block of `markdown`, in order. An unclosed fence is an error, not a silent skip. */
export function codeBlocks(markdown: string, file: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})\s*([^`]*?)\s*$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const close = new RegExp(`^\\s*\`{${fence.length},}\\s*$`);
    const end = lines.findIndex((l, j) => j > i && close.test(l));
    if (end < 0) throw new Error(`${file}:${i + 1}: code fence ${fence}${info} is never closed`);
    const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()));
    blocks.push({ file, line: i + 1, lang: info.split(/\s+/)[0] ?? '', info, code: `${body.join('\n')}\n` });
    i = end;
  }
  return blocks;
}

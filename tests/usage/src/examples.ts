import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The README's usage examples, as runnable files (examples/*.mjs). */
export const EXAMPLES = ['attack', 'calibration', 'train'] as const;
export type ExampleName = (typeof EXAMPLES)[number];

export const exampleFile = (name: ExampleName): string => fileURLToPath(new URL(`../examples/${name}.mjs`, import.meta.url));

/** The example as the README shows it: the file minus its leading comment lines (what it is, what to install). */
export function readmeBody(name: ExampleName): string {
  const lines = readFileSync(exampleFile(name), 'utf8').split('\n');
  const first = lines.findIndex((l) => !l.startsWith('//'));
  return lines.slice(first).join('\n').trimEnd();
}

/**
 * The CommonJS twin of an ESM example: imports become requires, the body runs in an async
 * function (CommonJS has no top-level await). Only the import forms the examples use.
 */
export function toCommonJs(esm: string): string {
  const body = esm
    .replace(/^import \* as (\w+) from '([^']+)';/gm, "const $1 = require('$2');")
    .replace(/^import \{([^}]+)\} from '([^']+)';/gm, (_m, names: string, from: string) => `const {${names.replace(/ as /g, ': ')}} = require('${from}');`);
  if (/^import /m.test(body)) throw new Error('toCommonJs: an import form it does not know');
  const requires = body.split('\n').filter((l) => l.startsWith('const ') && l.includes('require('));
  const rest = body.split('\n').filter((l) => !(l.startsWith('const ') && l.includes('require(')));
  return `'use strict';\n${requires.join('\n')}\n(async () => {\n${rest.join('\n')}\n})().catch((e) => { console.error(e); process.exit(1); });\n`;
}

import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The package bundles for a browser: nothing reachable from index.ts by a static import may be
 * Node-only (node:fs, @cnn/core/node…). File I/O loads those lazily, with import(), inside the
 * functions that need them (weights-file.ts).
 */

const src = dirname(fileURLToPath(import.meta.url));
// Static `import … from '…'`, `export … from '…'` and `import '…'`; type-only ones are erased.
const staticImport = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

/** Every file reachable from `entry` by static imports, and the packages they import (→ importing file). */
function staticGraph(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, spec] of readFileSync(join(src, file), 'utf8').matchAll(staticImport)) {
      if (spec.startsWith('./')) {
        const ts = spec.slice(2).replace(/\.js$/, '.ts');
        if (!existsSync(join(src, ts))) throw new Error(`${file}: cannot follow ${spec}`);
        visit(ts);
      } else if (!packages.has(spec)) packages.set(spec, file);
    }
  };
  visit(entry);
  return { files, packages };
}

const nodeOnly = (spec: string): boolean =>
  spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]) || spec === '@cnn/core/node';

describe('browser safety of @cnn/models', () => {
  it('no static import reachable from index.ts is Node-only (file I/O loads it lazily)', () => {
    const { files, packages } = staticGraph('index.ts');
    expect(files).toContain('weights-file.ts');
    expect([...packages.keys()]).toContain('@tensorflow/tfjs-core'); // the scan sees package imports at all
    const offending = [...packages].filter(([spec]) => nodeOnly(spec)).map(([spec, file]) => `${file}: ${spec}`);
    expect(offending).toEqual([]);
  });
});

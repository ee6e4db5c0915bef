import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { EXAMPLES, exampleFile, toCommonJs, type ExampleName } from './examples.js';
import { runNode } from './fresh-project.js';

// The README's examples, run as ESM and as CommonJS in the fresh npm project of global-setup.ts
// (every package packed, the tarballs npm-installed outside the workspace): the shape users get is
// the shape tested.
const project = inject('project');
const packed = inject('packed');

beforeAll(() => {
  for (const name of EXAMPLES) {
    writeFileSync(join(project, `${name}.mjs`), readFileSync(exampleFile(name), 'utf8'));
    writeFileSync(join(project, `${name}.cjs`), toCommonJs(readFileSync(exampleFile(name), 'utf8')));
  }
});

const EXPECTED: Record<ExampleName, RegExp[]> = {
  attack: [/^PGD-10 fooled [0-8] of 8$/m],
  calibration: [/^accuracy 0\.700$/m, /^ECE 0\.200$/m, /^debiased top-label CE 0\.2\d\d$/m],
  train: [/^clean \d\.\d{3}, PGD-20 \d\.\d{3}, ECE \d\.\d{3}$/m],
};

describe('the packed packages in a fresh npm project', () => {
  it('every tarball has its LICENSE and README, and no tests, benchmarks or source maps', () => {
    expect(packed.length).toBeGreaterThan(0);
    for (const p of packed) {
      const paths = p.files.map((f) => f.path);
      expect(paths, p.name).toContain('LICENSE');
      expect(paths, p.name).toContain('README.md');
      expect(paths.filter((f) => /\.test\.|(^|\/)bench|\.map$/.test(f)), p.name).toEqual([]);
    }
  });

  for (const format of ['mjs', 'cjs'] as const) {
    it.each(EXAMPLES)(`README example %s runs as written (${format === 'mjs' ? 'ESM' : 'CommonJS'})`, (name) => {
      const r = runNode(`${name}.${format}`, project, { CNN_BACKEND: 'wasm' });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      for (const pattern of EXPECTED[name]) expect(r.stdout).toMatch(pattern);
    });
  }
});

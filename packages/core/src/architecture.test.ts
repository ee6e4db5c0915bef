import { readdirSync, readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The workspace's dependency graph points one way (docs/README.md, "Layout"):
//   core ← backend-wasm ← backend ← models, data, attacks ← train ← examples/common ← examples, benchmarks
//   core ← calibration (and later corruptions), tensor-free
// A package may depend at run time only on packages of a lower layer; none imports another's
// files except through its public `exports`. This test lives in the bottom package so it runs
// with every `pnpm test`.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const LAYER: Record<string, number> = {
  '@cnn/core': 0,
  '@cnn/calibration': 1,
  '@cnn/corruptions': 1,
  '@cnn/backend-wasm': 1,
  '@cnn/backend': 2,
  '@cnn/models': 3,
  '@cnn/data': 3,
  '@cnn/attacks': 3,
  '@cnn/train': 4,
  '@cnn/example-common': 5,
};
const TENSOR_FREE = new Set(['@cnn/core', '@cnn/calibration', '@cnn/corruptions']);
const EXAMPLE_LAYER = 6; // examples and benchmarks (examples/common, shared by the trainers, is 5)

interface Pkg {
  name: string;
  dir: string;
  runtime: string[];
}

function workspacePackages(): Pkg[] {
  const out: Pkg[] = [];
  for (const group of ['packages', 'examples']) {
    for (const d of readdirSync(path.join(root, group))) {
      const file = path.join(root, group, d, 'package.json');
      if (!existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, 'utf8'));
      const runtime = Object.keys({ ...json.dependencies, ...json.peerDependencies }).filter((n) => n.startsWith('@cnn/'));
      out.push({ name: json.name, dir: path.join(root, group, d), runtime });
    }
  }
  const bench = JSON.parse(readFileSync(path.join(root, 'benchmarks/package.json'), 'utf8'));
  out.push({ name: bench.name, dir: path.join(root, 'benchmarks'), runtime: Object.keys({ ...bench.dependencies }).filter((n) => n.startsWith('@cnn/')) });
  return out;
}

const layerOf = (name: string) => LAYER[name] ?? EXAMPLE_LAYER;

describe('workspace architecture', () => {
  const pkgs = workspacePackages();

  it('knows every library package under packages/', () => {
    for (const p of pkgs.filter((q) => q.dir.includes(`${path.sep}packages${path.sep}`))) expect(LAYER, p.name).toHaveProperty([p.name]);
  });

  it('run-time dependencies point only to lower layers', () => {
    const wrong = pkgs.flatMap((p) => p.runtime.filter((dep) => layerOf(dep) >= layerOf(p.name)).map((dep) => `${p.name} → ${dep}`));
    expect(wrong).toEqual([]);
  });

  it('tensor-free packages depend on nothing but @cnn/core', () => {
    for (const p of pkgs.filter((q) => TENSOR_FREE.has(q.name))) {
      const json = JSON.parse(readFileSync(path.join(p.dir, 'package.json'), 'utf8'));
      const deps = Object.keys({ ...json.dependencies, ...json.peerDependencies }).filter((d) => d !== '@cnn/core');
      expect(deps, p.name).toEqual(p.name === '@cnn/core' ? ['@tensorflow/tfjs-core'] : []);
    }
  });

  it("no package imports another's files except through its exports", () => {
    const bad: string[] = [];
    for (const p of pkgs) {
      const src = path.join(p.dir, 'src');
      if (!existsSync(src)) continue;
      for (const f of readdirSync(src, { recursive: true }).map(String).filter((f) => /\.(ts|mts|js|mjs)$/.test(f))) {
        const text = readFileSync(path.join(src, f), 'utf8');
        for (const m of text.matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)) {
          const spec = m[1];
          const deep = /^@cnn\/[^/]+\/(src|dist)\//.test(spec);
          const escapes = spec.startsWith('.') && !path.resolve(path.dirname(path.join(src, f)), spec).startsWith(p.dir + path.sep);
          if (deep || escapes) bad.push(`${p.name}: ${f} imports ${spec}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });
});

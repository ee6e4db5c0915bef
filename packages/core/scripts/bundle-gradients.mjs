// Bundles tfjs-core's gradient definitions into src/generated/tfjs-core-gradients.js.
//
// Why: tfjs-core registers no gradients by itself. They live in its ESM-only
// `dist/register_all_gradients.js`, which Node cannot load from tfjs-core's CommonJS package, and
// which runs at import time. We bundle the gradient configs ahead of time instead, rewriting every
// import of a tfjs-core internal module to the package's public entry, so the bundle holds no second
// copy of tfjs-core state: only the gradient functions and a few small non-public op wrappers
// (e.g. conv2DBackpropFilter), which dispatch through the one global engine.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const coreDir = path.dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
const coreDist = path.join(coreDir, 'dist');
const gradientsDir = path.join(coreDist, 'gradients');
const publicApi = require('@tensorflow/tfjs-core');
const coreVersion = require('@tensorflow/tfjs-core/package.json').version;
const namespaces = ['backend_util', 'util', 'slice_util', 'kernel_impls'];
const outFile = path.join(here, '..', 'src', 'generated', 'tfjs-core-gradients.js');

const gradFiles = fs.readdirSync(gradientsDir).filter((f) => f.endsWith('_grad.js')).sort();
const entries = gradFiles.flatMap((f) => {
  const src = fs.readFileSync(path.join(gradientsDir, f), 'utf8');
  return [...src.matchAll(/export const (\w+GradConfig)\b/g)].map((m) => ({ file: f, name: m[1] }));
});

function exportedNames(file) {
  const src = fs.readFileSync(file, 'utf8');
  const names = new Set();
  for (const m of src.matchAll(/export \* from '([^']+)'/g)) {
    let dep = path.resolve(path.dirname(file), m[1]);
    if (!dep.endsWith('.js')) dep += '.js';
    for (const n of exportedNames(dep)) names.add(n);
  }
  for (const m of src.matchAll(/export (?:const|let|var|function\*?|class|async function) (\w+)/g)) names.add(m[1]);
  for (const m of src.matchAll(/export \{([^}]*)\}(?! from)/g)) {
    for (const part of m[1].split(',')) {
      const n = part.trim().split(/\s+as\s+/).pop();
      if (n) names.add(n);
    }
  }
  return [...names];
}

// Modules holding tfjs-core's global state: never bundle a copy of them.
const stateful = ['tensor.js', 'flags.js', 'environment.js', 'globals.js', 'global_util.js', 'kernel_registry.js', 'base_side_effects.js'];

// Non-public names with an exact public equivalent in a one-instance app.
const shims = {
  getGlobalTensorClass: `import { Tensor as Tensor_shim } from '@tensorflow/tfjs-core';\nexport const getGlobalTensorClass = () => Tensor_shim;`,
};

/**
 * A module standing in for tfjs-core internal `file`: each exported name comes from the public API
 * (top level or a public namespace such as backend_util) where it exists there; the rest is
 * re-exported from the real module, which esbuild then bundles (tree-shaken) only if used.
 */
function facade(file) {
  const lines = [];
  const missing = [];
  for (const n of exportedNames(file)) {
    if (n in publicApi) {
      lines.push(`export { ${n} } from '@tensorflow/tfjs-core';`);
      continue;
    }
    const ns = namespaces.find((s) => publicApi[s] && n in publicApi[s]);
    if (ns) lines.push(`import { ${ns} as ${ns}_${n} } from '@tensorflow/tfjs-core';`, `export const ${n} = ${ns}_${n}.${n};`);
    else if (shims[n]) lines.push(shims[n]);
    else missing.push(n);
  }
  if (missing.length) {
    const rel = path.relative(coreDist, file);
    if (stateful.includes(rel)) lines.push(...missing.map((n) => `export { STATEFUL_MARKER as ${n} } from 'stateful:${rel}';`));
    else lines.push(`export { ${missing.join(', ')} } from 'real:${file}';`);
  }
  return lines.join('\n');
}

const bundled = [];
const redirectToPublicApi = {
  name: 'tfjs-core-public-api',
  setup(b) {
    b.onResolve({ filter: /^virtual:gradients$/ }, () => ({ path: 'gradients', namespace: 'virtual' }));
    b.onLoad({ filter: /.*/, namespace: 'virtual' }, () => ({
      resolveDir: gradientsDir,
      contents:
        entries.map((e) => `import { ${e.name} } from './${e.file}';`).join('\n') +
        `\nexport const gradientConfigs = [${entries.map((e) => e.name).join(', ')}];\n`,
    }));
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      let abs = path.resolve(args.resolveDir, args.path);
      if (!abs.endsWith('.js')) abs += '.js';
      if (abs.startsWith(gradientsDir + path.sep)) return { path: abs };
      if (abs === path.join(coreDist, 'engine.js')) return { path: abs, namespace: 'engine' };
      return { path: abs, namespace: 'core-module' };
    });
    // The engine is a process-wide singleton: reach it through the public `engine()` lazily.
    b.onLoad({ filter: /.*/, namespace: 'engine' }, () => ({
      contents: `import { engine } from '@tensorflow/tfjs-core';
export const ENGINE = new Proxy({}, { get(_, key) { const e = engine(); const v = e[key]; return typeof v === 'function' ? v.bind(e) : v; } });`,
    }));
    b.onLoad({ filter: /.*/, namespace: 'core-module' }, (args) => ({
      contents: facade(args.path),
      resolveDir: path.dirname(args.path),
    }));
    // Non-public pieces (small op wrappers like conv2DBackpropFilter): bundled, imports redirected too.
    b.onResolve({ filter: /^real:/ }, (args) => ({ path: args.path.slice(5), namespace: 'real', sideEffects: false }));
    b.onLoad({ filter: /.*/, namespace: 'real' }, (args) => {
      bundled.push(path.relative(coreDist, args.path));
      return { contents: fs.readFileSync(args.path, 'utf8'), resolveDir: path.dirname(args.path) };
    });
    // Stand-ins for non-public names of stateful modules: dropped unless something uses them,
    // in which case the marker below fails the build.
    b.onResolve({ filter: /^stateful:/ }, (args) => ({ path: args.path.slice(9), namespace: 'stateful', sideEffects: false }));
    b.onLoad({ filter: /.*/, namespace: 'stateful' }, (args) => ({
      contents: `export const STATEFUL_MARKER = 'bundle-gradients would copy tfjs-core state from ${args.path}';`,
    }));
  },
};

await build({
  entryPoints: ['virtual:gradients'],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2020',
  outfile: outFile,
  external: ['@tensorflow/tfjs-core'],
  plugins: [redirectToPublicApi],
  legalComments: 'none',
  banner: {
    js: `// GENERATED by scripts/bundle-gradients.mjs from @tensorflow/tfjs-core ${coreVersion} (Apache-2.0). Do not edit.\n// Non-public modules bundled: ${bundled.length ? '(see below)' : 'none'}`,
  },
  logLevel: 'warning',
});
// Record which tfjs-core internals were bundled (they must be stateless wrappers).
const generated = fs.readFileSync(outFile, 'utf8');
const copied = generated.match(/bundle-gradients would copy tfjs-core state from [\w./]+/);
if (copied) {
  fs.rmSync(outFile);
  throw new Error(copied[0]);
}
const text = generated.replace('(see below)', bundled.sort().join(', '));
fs.writeFileSync(outFile, text);
fs.writeFileSync(outFile.replace(/\.js$/, '.d.ts'), `import type { GradConfig } from '@tensorflow/tfjs-core';\nexport declare const gradientConfigs: GradConfig[];\n`);
console.log(`bundled ${entries.length} gradient configs from tfjs-core ${coreVersion}; internals: ${bundled.join(', ')}`);

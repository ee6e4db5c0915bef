import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * `@cnn/data` (src/index.ts) must bundle for a browser: esbuild with platform 'browser' fails on
 * any Node built-in reachable from it (node:fs, worker_threads…), and sharp or @cnn/core/node must
 * not be pulled in either. `@cnn/data/node` (src/node.ts) is where those live.
 */
const src = path.dirname(fileURLToPath(import.meta.url));

async function bundleForBrowser(entry: string) {
  const { build } = await import('esbuild');
  return build({
    entryPoints: [path.join(src, entry)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    // Peers the app provides; everything else (our sources, @cnn/core) is bundled and checked.
    external: ['@tensorflow/tfjs-core'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  }).then(
    (out) => ({ inputs: Object.keys(out.metafile.inputs), errors: [] as string[] }),
    (err: { errors?: { text: string }[] }) => ({ inputs: [] as string[], errors: (err.errors ?? []).map((e) => e.text) }),
  );
}

describe('browser safety of @cnn/data', () => {
  it('the root entry bundles for platform browser without Node built-ins, sharp or @cnn/core/node', async () => {
    const { inputs, errors } = await bundleForBrowser('index.ts');
    expect(errors).toEqual([]);
    expect(inputs.some((f) => f.endsWith('loader.ts'))).toBe(true); // the bundle really holds the library
    expect(inputs.filter((f) => /\/core\/(src|dist)\/node|node_modules\/.*sharp/.test(f))).toEqual([]);
  });

  it('the check can fail: bundling the node entry for the browser reports the Node built-ins', async () => {
    const { errors } = await bundleForBrowser('node.ts');
    const named = builtinModules.filter((m) => errors.some((e) => e.includes(`"${m}"`) || e.includes(`"node:${m}"`)));
    expect(named).toEqual(expect.arrayContaining(['fs', 'path', 'worker_threads']));
  });
});

import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * `@cnn/train` (src/index.ts) must bundle for a browser: esbuild with platform 'browser' fails on
 * any Node built-in reachable from it (node:fs, zlib, readline…), and cli-progress or
 * @cnn/core/node must not be pulled in either. `@cnn/train/node` (src/node.ts) is where those live.
 */
const src = path.dirname(fileURLToPath(import.meta.url));

async function bundleForBrowser(entry: string) {
  const { build } = await import('esbuild');
  return build({
    entryPoints: [path.join(src, entry)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    // Peers the app provides; everything else (our sources, @cnn/* dependencies) is bundled and checked.
    external: ['@tensorflow/tfjs-core'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  }).then(
    (out) => ({ inputs: Object.keys(out.metafile.inputs), errors: [] as string[] }),
    (err: { errors?: { text: string }[] }) => ({ inputs: [] as string[], errors: (err.errors ?? []).map((e) => e.text) }),
  );
}

describe('browser safety of @cnn/train', () => {
  it('the root entry bundles for platform browser without Node built-ins, cli-progress or @cnn/core/node', async () => {
    const { inputs, errors } = await bundleForBrowser('index.ts');
    expect(errors).toEqual([]);
    for (const part of ['train.ts', 'checkpoint-sink.ts', 'evaluate.ts', 'report.ts']) {
      expect(inputs.some((f) => f === `src/${part}` || f.endsWith(`/train/src/${part}`)), part).toBe(true); // the bundle really holds the loop
    }
    expect(inputs.filter((f) => /\/core\/(src|dist)\/node|cli-progress|\/fflate\/.*node/.test(f))).toEqual([]);
  });

  it('the check can fail: bundling the node entry for the browser reports the Node built-ins', async () => {
    const { errors } = await bundleForBrowser('node.ts');
    const named = builtinModules.filter((m) => errors.some((e) => e.includes(`"${m}"`) || e.includes(`"node:${m}"`)));
    expect(named).toEqual(expect.arrayContaining(['fs', 'path', 'readline']));
  });
});

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Bundles the test page's script for browsers (as an app would); returns the output folder.
 * `missing`: packages left out, as for an app that did not install them (esbuild then leaves
 * their `import()` unresolved, exactly what it does when they are not installed).
 */
export async function bundlePage(missing: string[] = []): Promise<string> {
  const outdir = await mkdtemp(path.join(tmpdir(), 'cnn-browser-tests-'));
  await build({
    entryPoints: [path.join(here, '../page/suite-page.ts')],
    bundle: true,
    format: 'esm',
    splitting: true,
    platform: 'browser',
    target: 'es2022',
    outdir,
    external: missing,
    logLevel: 'error',
  });
  return outdir;
}

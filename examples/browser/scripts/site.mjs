// Builds the static site: public/ (page, style, model, test images) + the esbuild bundle of
// src/main.ts in assets/ + tfjs-backend-wasm's .wasm files in wasm/. Used by build.mjs, dev.mjs
// and the page test.
import { cp, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** esbuild options of the page's bundle, writing into `outdir`/assets. */
export function bundleOptions(outdir) {
  return {
    entryPoints: [path.join(packageDir, 'src', 'main.ts')],
    bundle: true,
    format: 'esm',
    splitting: true,
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    outdir: path.join(outdir, 'assets'),
    logLevel: 'warning',
  };
}

/** tfjs-backend-wasm's dist folder (a direct dependency of this package, so pnpm links it here). */
function wasmDist() {
  const require = createRequire(path.join(packageDir, 'package.json'));
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

/** Copies public/ and the .wasm files into `outdir` (which must exist). */
export async function copyStatic(outdir) {
  await cp(path.join(packageDir, 'public'), outdir, { recursive: true });
  await mkdir(path.join(outdir, 'wasm'), { recursive: true });
  const dist = wasmDist();
  const files = (await readdir(dist)).filter((f) => f.endsWith('.wasm'));
  if (files.length === 0) throw new Error(`no .wasm files in ${dist}`);
  await Promise.all(files.map((f) => cp(path.join(dist, f), path.join(outdir, 'wasm', f))));
}

/**
 * Builds the whole site into `outdir`, through a temporary sibling folder renamed into place at
 * the end, so `outdir` is never half-written.
 */
export async function buildSite(outdir) {
  const temp = `${outdir}.tmp-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  try {
    await copyStatic(temp);
    await esbuild.build(bundleOptions(temp));
    await rm(outdir, { recursive: true, force: true });
    await rename(temp, outdir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return outdir;
}

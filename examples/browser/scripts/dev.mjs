#!/usr/bin/env node
// `pnpm dev`: builds into dist/, rebuilds the bundle on every change of src/ (esbuild watch) and
// serves dist/ at http://127.0.0.1:5173/ (PORT to change). Edits to public/ need a restart.
import path from 'node:path';
import * as esbuild from 'esbuild';
import { bundleOptions, buildSite, packageDir } from './site.mjs';
import { serveStatic } from './static-server.mjs';

const outdir = path.join(packageDir, 'dist');
await buildSite(outdir);
const context = await esbuild.context({ ...bundleOptions(outdir), minify: false, logLevel: 'info' });
await context.watch();
const server = await serveStatic(outdir, Number(process.env.PORT ?? 5173));
console.log(`robustness lab: ${server.url} (?backend=webgpu|webgl|wasm|cpu to pick one; Ctrl-C stops)`);

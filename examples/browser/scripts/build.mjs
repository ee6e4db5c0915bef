#!/usr/bin/env node
// `pnpm build`: writes the static site into dist/ (open it from any static file server).
import path from 'node:path';
import { buildSite, packageDir } from './site.mjs';

const outdir = path.join(packageDir, 'dist');
await buildSite(outdir);
console.log(`built ${path.relative(process.cwd(), outdir) || '.'}/`);

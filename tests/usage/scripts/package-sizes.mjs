// Writes docs/package-sizes.md: `npm pack --dry-run` of every published package (build them first).
// Usage: node tests/usage/scripts/package-sizes.mjs
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const rows = [];
for (const d of readdirSync(join(root, 'packages')).sort()) {
  const dir = join(root, 'packages', d);
  const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (json.private) continue;
  const [info] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], { cwd: dir, encoding: 'utf8' }));
  rows.push(`| \`${json.name}\` | ${kb(info.size)} | ${kb(info.unpackedSize)} | ${info.entryCount} |`);
}
const text = `# Package sizes

What \`npm pack --dry-run\` reports for each published package (built with \`pnpm build\`; no
source maps, tests or benchmarks in the tarballs — \`tests/usage\` checks that). Regenerate with
\`node tests/usage/scripts/package-sizes.mjs\`. Measured ${new Date().toISOString().slice(0, 10)}.

| package | tarball | unpacked | files |
|---|---:|---:|---:|
${rows.join('\n')}

Dependencies come on top: every package that uses tensors has \`@tensorflow/tfjs-core\` as a peer;
\`@cnn/backend\` installs \`@tensorflow/tfjs-backend-wasm\` and \`-cpu\` (tfjs-node, webgl and webgpu
are optional peers); \`@cnn/data\` loads \`sharp\` (an optional peer) only to decode image folders.
`;
writeFileSync(join(root, 'docs', 'package-sizes.md'), text);
process.stdout.write(text);

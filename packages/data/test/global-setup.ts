// The image-folder worker threads load the built script dist/image-worker.js (Node cannot run the
// .ts source in a worker). Build it once before the tests when it is missing or older than src/.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const worker = path.join(pkg, 'dist', 'image-worker.js');
  const src = path.join(pkg, 'src');
  const newest = Math.max(
    ...readdirSync(src)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => statSync(path.join(src, f)).mtimeMs),
  );
  if (existsSync(worker) && statSync(worker).mtimeMs >= newest) return;
  console.warn('@cnn/data tests: building dist/ (the decode worker script) first');
  execFileSync('pnpm', ['exec', 'tsup'], { cwd: pkg, stdio: 'inherit' });
}

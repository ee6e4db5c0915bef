import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

/**
 * Builds the CLI with tsup into `dist-test/` before the tests spawn it. A separate directory keeps the
 * tests independent of a `build` task that turbo may run at the same moment (tsup cleans `dist/`).
 */
export default function setup(): void {
  const root = resolve(import.meta.dirname, '..');
  const tsup = createRequire(resolve(root, 'package.json')).resolve('tsup/dist/cli-default.js');
  execFileSync(process.execPath, [tsup, '--out-dir', 'dist-test', '--silent'], { cwd: root, stdio: 'inherit' });
}

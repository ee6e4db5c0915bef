// Prints one closing line for the whole workspace from each package's vitest JSON report
// (written by the `json` reporter in every vitest.config.ts): "Tests: N passed, N failed, N skipped".
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const group of ['packages', 'examples', 'benchmarks']) {
  const base = path.join(root, group);
  if (!fs.existsSync(base)) continue;
  const dirs = group === 'benchmarks' ? [base] : fs.readdirSync(base).map((d) => path.join(base, d));
  for (const dir of dirs) {
    const file = path.join(dir, '.vitest', 'results.json');
    if (!fs.existsSync(file)) continue;
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    const p = r.numPassedTests ?? 0;
    const f = (r.numFailedTests ?? 0) + (r.numFailedTestSuites ?? 0);
    const s = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    passed += p;
    failed += f;
    skipped += s;
    rows.push(`  ${path.relative(root, dir).padEnd(22)} ${String(p).padStart(4)} passed ${String(f).padStart(3)} failed ${String(s).padStart(3)} skipped`);
  }
}
console.log(rows.join('\n'));
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);

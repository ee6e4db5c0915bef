import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * libtensorflow's INFO lines printed while tfjs-node loads, in a fresh Node process each (a
 * process loads libtensorflow once): hidden by default, shown with `quiet: false` or when the
 * user set TF_CPP_MIN_LOG_LEVEL. Runs the built package (`pnpm build` first).
 */
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js');
const CPU_INFO = /cpu_feature_guard\.cc:\d+\] This TensorFlow binary is optimized/;

function start(options: string, env: Record<string, string> = {}) {
  const script = `const { initBackend } = await import(${JSON.stringify(pathToFileURL(dist).href)});
    const choice = await initBackend('tensorflow', ${options});
    console.log(JSON.stringify({ backend: choice.backend, level: process.env.TF_CPP_MIN_LOG_LEVEL ?? null }));`;
  const base = { ...process.env };
  delete base.TF_CPP_MIN_LOG_LEVEL;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...base, ...env }, timeout: 120_000 });
  if (r.status !== 0) return { error: `${r.stderr}`.split('\n').find((l) => /could not be started/.test(l)) ?? r.stderr };
  return { stderr: r.stderr, out: JSON.parse(r.stdout) as { backend: string; level: string | null } };
}

describe("initBackend('tensorflow') start-up lines", () => {
  const shown = start('{ quiet: false }');

  it('shows the INFO lines with quiet: false, hides them by default and unsets TF_CPP_MIN_LOG_LEVEL after loading', (ctx) => {
    if ('error' in shown) {
      console.warn(`SKIPPED: tensorflow backend not available: ${shown.error}`);
      return ctx.skip();
    }
    if (!CPU_INFO.test(shown.stderr!)) {
      console.warn(`SKIPPED: this libtensorflow prints no CPU-feature INFO line here (stderr: ${JSON.stringify(shown.stderr)})`);
      return ctx.skip();
    }
    expect(shown.out!).toEqual({ backend: 'tensorflow', level: null });
    const quiet = start('{}');
    expect('error' in quiet).toBe(false);
    expect(quiet.stderr).not.toMatch(CPU_INFO);
    // Set only for the load: the process (and any child it starts) sees no change.
    expect(quiet.out).toEqual({ backend: 'tensorflow', level: null });
  });

  it('leaves a TF_CPP_MIN_LOG_LEVEL set by the user alone', (ctx) => {
    if ('error' in shown || !CPU_INFO.test(shown.stderr!)) return ctx.skip();
    const r = start('{}', { TF_CPP_MIN_LOG_LEVEL: '0' });
    expect(r.stderr).toMatch(CPU_INFO);
    expect(r.out).toEqual({ backend: 'tensorflow', level: '0' });
  });
});

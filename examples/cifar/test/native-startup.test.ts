import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, type CliResult } from './helpers.js';

// tfjs-node's start-up lines as libtensorflow 2.21 prints them (absl's warning, the oneDNN notice,
// the two-line CPU-feature notice).
const STARTUP_LINES = [
  /^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$/m,
  /^I\d{4} .* port\.cc:\d+\] oneDNN custom operations are on\./m,
  /^I\d{4} .* cpu_feature_guard\.cc:\d+\] This TensorFlow binary is optimized/m,
  /^To enable the following instructions: .* rebuild TensorFlow with the appropriate compiler flags\.$/m,
];
/** A run of seconds on the tensorflow backend: a tiny net on 32 images of the committed sample. */
const tiny = (epochs: number, out: string) => ['--backend', 'tensorflow', '--model', 'resnet20', '--widths', '4,8,8', '--depths', '1,1,1',
  '--epochs', String(epochs), '--train-limit', '32', '--test-limit', '16', '--batch-size', '16', '--eval-attack', 'none', '--progress', 'log', '--out', join(root, out)];
const root = mkdtempSync(join(tmpdir(), 'cnn-cifar-startup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The built CLI with TensorFlow's log settings as a user has them (none); `onStdout` sees the output so far. */
function run(args: string[], onStdout?: (child: ChildProcess, stdout: string) => void): Promise<CliResult> {
  const env = { ...process.env };
  delete env.TF_CPP_MIN_LOG_LEVEL;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      onStdout?.(child, stdout);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

let verbose: Promise<CliResult> | undefined;
/** The --verbose run (made once), or undefined, saying why, when tfjs-node cannot start here. */
async function verboseRun(): Promise<CliResult | undefined> {
  verbose ??= run([...tiny(1, 'verbose'), '--verbose']);
  const r = await verbose;
  if (!/Backend "tensorflow" could not be started/.test(r.stderr)) return r;
  console.warn(`SKIPPED: tfjs-node is not usable here: ${r.stderr.trim()}`);
  return undefined;
}

describe('tfjs-node start-up lines on stderr', () => {
  it('are absent by default and all there with --verbose', async (ctx) => {
    const shown = await verboseRun();
    if (!shown) return ctx.skip();
    expect(shown.code, shown.stderr).toBe(0);
    for (const line of STARTUP_LINES) expect(shown.stderr).toMatch(line);

    const quiet = await run(tiny(1, 'quiet'));
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toMatch(/^backend: tensorflow /m);
    expect(quiet.stderr).toBe('');
  });

  it('without --verbose, errors of the run reach stderr, and exit codes and signals pass through', async (ctx) => {
    if (!(await verboseRun())) return ctx.skip();
    // An --out that holds a run already: refused once the run starts (after the backend is chosen).
    expect((await run(tiny(1, 'taken'))).code).toBe(0);
    const taken = await run(tiny(1, 'taken'));
    expect(taken.code, taken.stderr + taken.stdout).toBe(2);
    expect(taken.stderr).toBe(`cnn-cifar: error: --out ${join(root, 'taken')} already holds a run: pass --resume to continue it, or choose another --out\n`);
    // A signal to the command ends the run, which is in a child process when output is filtered.
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      let sent = false;
      const r = await run(tiny(1000, signal), (child, stdout) => {
        if (!sent && /^backend: /m.test(stdout)) sent = child.kill(signal);
      });
      // 'close' comes once every holder of the stdout pipe is gone: the program itself too.
      expect(r.signal).toBe(signal);
      expect(r.stderr).toBe('');
    }
  });
});

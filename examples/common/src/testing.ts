// Helpers for the examples' end-to-end tests (the `@cnn/example-common/testing` entry): run a built
// CLI in a child process and check the files a run writes.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A function that runs the CLI at `cli` in a child process; `onStart` gets the process (to kill it, in a resume test). */
export function cliRunner(cli: string): (args: string[], onStart?: (child: ChildProcess) => void) => Promise<CliResult> {
  return (args, onStart) => new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
    onStart?.(child);
  });
}

/** Records of `metrics.jsonl` (every line must be complete JSON: a torn line fails here). */
export function readJsonl(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export const epochRecords = (outDir: string) =>
  readJsonl(join(outDir, 'metrics.jsonl')).filter((r) => r.kind === 'epoch') as Array<{ epoch: number; trainLoss: number } & Record<string, unknown>>;

/**
 * Checks every file of `<outDir>/checkpoints`: each JSON parses, no temp files are left, and each
 * safetensors file is whole (8-byte header length + JSON header whose last tensor ends exactly at
 * the end of the file). Temp files of a killed write are tolerated with `allowTemp`. Returns the parsed `latest.json` (or null when there is none).
 */
export function checkCheckpointFiles(outDir: string, allowTemp = false): Record<string, unknown> | null {
  const dir = join(outDir, 'checkpoints');
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir);
  for (const f of files) {
    const path = join(dir, f);
    if (f.endsWith('.json')) JSON.parse(readFileSync(path, 'utf8'));
    else if (f.endsWith('.safetensors')) {
      const bytes = readFileSync(path);
      const headerLength = Number(bytes.readBigUInt64LE(0));
      const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { data_offsets?: [number, number] }>;
      let end = 0;
      for (const [k, v] of Object.entries(header)) if (k !== '__metadata__' && v.data_offsets) end = Math.max(end, v.data_offsets[1]);
      if (8 + headerLength + end !== statSync(path).size) throw new Error(`${path}: truncated safetensors file`);
    } else if (!(allowTemp && /\.tmp-\d+-[0-9a-f]+$/.test(f))) {
      throw new Error(`unexpected file in checkpoints/: ${f} (a temp file left behind?)`);
    }
  }
  const latest = join(dir, 'latest.json');
  return existsSync(latest) ? (JSON.parse(readFileSync(latest, 'utf8')) as Record<string, unknown>) : null;
}

/** Resolves when `predicate()` is true, polling every 50 ms; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs the CLI at `cli` to completion (for quick usage checks: --help, bad flags); 60 s at most. */
export function runCliSync(cli: string, args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
}

import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import { constants } from 'node:os';
import { Writable } from 'node:stream';
import tty from 'node:tty';
import { startupLineFilter } from './native-startup-lines.js';

/**
 * Node cannot redirect its own file descriptor 2, where libtensorflow writes, so a CLI that wants
 * its start-up lines gone runs itself again as a child whose fd 2 is a pipe through
 * {@link startupLineFilter}. The child's JavaScript writes to stderr bypass the filter: they go
 * to the real stderr, passed as fd 3 (a terminal stays a terminal: progress bars, ordering with stdout).
 */
const CHILD_ENV = 'CNN_CLI_REAL_STDERR_FD';
const REAL_STDERR_FD = 3;

let isChild = false;

/** True in the child of {@link runWithFilteredStderr}. */
export const inFilteredChild = () => isChild;

/** In the child: makes `process.stderr` the real stderr (fd 3). A no-op anywhere else. Call first thing. */
export function adoptRealStderr(): void {
  if (process.env[CHILD_ENV] !== String(REAL_STDERR_FD)) return;
  delete process.env[CHILD_ENV]; // not inherited by processes this one starts
  isChild = true;
  const stream = tty.isatty(REAL_STDERR_FD) ? new tty.WriteStream(REAL_STDERR_FD) : syncFdStream(REAL_STDERR_FD);
  Object.defineProperty(process, 'stderr', { value: stream, configurable: true, enumerable: true, writable: false });
  // Ends the child when the parent is gone (e.g. killed with SIGKILL), as the program would have.
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  process.channel?.unref();
}

/** A writable that writes synchronously to `fd` (as Node's stderr does for files and pipes), so that nothing is lost at `process.exit`. */
function syncFdStream(fd: number): Writable {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      let offset = 0;
      while (offset < chunk.length) {
        try {
          offset += writeSync(fd, chunk, offset);
        } catch (error) {
          // A pipe shared with a process that made it non-blocking: wait for the reader.
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return done(error as Error);
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        }
      }
      done();
    },
  });
  return Object.assign(stream, { isTTY: false, fd });
}

/**
 * Runs this same command (same Node flags, script and arguments) as a child process whose native
 * stderr output passes through {@link startupLineFilter}; stdin and stdout are shared. Resolves
 * with the child's exit code; when a signal ended the child, ends this process with that signal.
 * SIGTERM and SIGHUP are passed on; SIGINT too unless stdin is a terminal (Ctrl-C there reaches
 * the child directly: passing it on would make it a second Ctrl-C).
 */
export function runWithFilteredStderr(): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'pipe', 2, 'ipc'],
    env: { ...process.env, [CHILD_ENV]: String(REAL_STDERR_FD) },
  });
  const filter = startupLineFilter((text) => process.stderr.write(text));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => filter.push(chunk));
  child.stderr!.on('end', () => filter.end());
  const forward = (signal: NodeJS.Signals) => () => {
    if (signal !== 'SIGINT' || !tty.isatty(0)) child.kill(signal);
  };
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  return new Promise((resolve) => {
    child.on('error', (error) => {
      process.stderr.write(`could not start ${process.argv[1]} again to filter its stderr: ${error.message} (--verbose runs without)\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      for (const [s, h] of handlers) process.off(s, h);
      if (signal == null) return resolve(code ?? 1);
      process.kill(process.pid, signal);
      // Only reached for a signal that does not end a Node process by default.
      setTimeout(() => resolve(128 + (constants.signals[signal] ?? 0)), 100);
    });
  });
}

import type { ProgressFlag } from '@cnn/example-common';

const clock = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (x: number) => String(x).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
};

/**
 * Progress on stderr: a bar redrawn in place on a terminal (`bar`), one line per batch otherwise
 * (`log`), or nothing. The ETA extrapolates the rate of the batches run by this process.
 */
export class Progress {
  readonly #mode: 'bar' | 'log' | 'none';
  readonly #total: number;
  readonly #began = performance.now();
  readonly #firstDone: number;

  constructor(mode: ProgressFlag, total: number, alreadyDone: number) {
    this.#mode = mode === 'auto' ? (process.stderr.isTTY ? 'bar' : 'log') : mode;
    this.#total = total;
    this.#firstDone = alreadyDone;
  }

  /** `done` examples of `total` are finished. */
  update(done: number, detail: string): void {
    if (this.#mode === 'none') return;
    const elapsed = (performance.now() - this.#began) / 1000;
    const rate = (done - this.#firstDone) / elapsed;
    const eta = rate > 0 ? (this.#total - done) / rate : Number.NaN;
    const pct = this.#total === 0 ? 100 : (100 * done) / this.#total;
    const text = `${done}/${this.#total} images (${pct.toFixed(0)}%) | ${detail} | elapsed ${clock(elapsed)} | ETA ${clock(eta)}`;
    if (this.#mode === 'log') {
      process.stderr.write(`${text}\n`);
      return;
    }
    const width = 24;
    const filled = Math.round((width * pct) / 100);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
  }

  /** Ends the bar's line. */
  finish(): void {
    if (this.#mode === 'bar') process.stderr.write('\n');
  }
}

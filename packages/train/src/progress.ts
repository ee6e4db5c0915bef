import { SingleBar } from 'cli-progress';
import type { ProgressMode } from './types.js';

/** Live numbers of the current epoch. */
export interface ProgressValues {
  loss: number;
  accuracy: number;
  lr: number;
  imagesPerSecond: number;
}

/** Where progress goes: stdout by default. `isTTY` decides between the bar and plain lines in 'auto'. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/**
 * Per-epoch progress: a `cli-progress` bar (images/s, loss, accuracy, ETA) when the mode is 'bar'
 * (or 'auto' and the output stream — stdout by default — is a TTY), else plain lines — every
 * `logEvery` steps, by default about ten per epoch — and one at the end of the epoch. The bar is
 * drawn on the same stream the TTY check is made on (cli-progress would default to stderr, so
 * `2>file` on a terminal would hide it while `>file` left a bar-less, line-less log).
 */
export class Progress {
  private bar?: SingleBar;
  private readonly mode: Exclude<ProgressMode, 'auto'>;
  private total = 0;
  private epoch = 0;
  private epochs = 0;
  private lastLogged = -1;
  private every = 1;

  private readonly stream: ProgressStream;
  private readonly write: (line: string) => void;

  constructor(mode: ProgressMode = 'auto', private readonly logEvery?: number, write?: (line: string) => void, stream?: ProgressStream) {
    this.stream = stream ?? process.stdout;
    this.write = write ?? ((l) => void this.stream.write(`${l}\n`));
    this.mode = mode === 'auto' ? (this.stream.isTTY ? 'bar' : 'log') : mode;
  }

  startEpoch(epoch: number, epochs: number, totalSteps: number, startStep = 0): void {
    this.epoch = epoch;
    this.epochs = epochs;
    this.total = totalSteps;
    this.lastLogged = -1;
    this.every = this.logEvery ?? Math.max(1, Math.round((totalSteps || 100) / 10));
    if (this.mode === 'bar') {
      this.bar = new SingleBar({
        format: `epoch ${epoch + 1}/${epochs} [{bar}] {value}/{total} | {ips} img/s | loss {loss} | acc {acc} | lr {lr} | ETA {eta_formatted}`,
        hideCursor: true,
        etaBuffer: 20,
        clearOnComplete: false,
        stream: this.stream,
        // A bar asked for explicitly ('bar') is also drawn on a non-TTY (a line every few seconds).
        noTTYOutput: true,
      });
      this.bar.start(totalSteps || 1, startStep, { ips: '–', loss: '–', acc: '–', lr: '–' });
    }
  }

  update(step: number, v: ProgressValues): void {
    if (this.mode === 'bar' && this.bar) {
      this.bar.update(step, {
        ips: v.imagesPerSecond.toFixed(1),
        loss: v.loss.toFixed(4),
        acc: (100 * v.accuracy).toFixed(1) + '%',
        lr: v.lr.toPrecision(3),
      });
    } else if (this.mode === 'log' && (step % this.every === 0 || step === this.total) && step !== this.lastLogged) {
      this.lastLogged = step;
      this.write(
        `epoch ${this.epoch + 1}/${this.epochs} step ${step}/${this.total || '?'} loss ${v.loss.toFixed(4)} acc ${(100 * v.accuracy).toFixed(1)}% lr ${v.lr.toPrecision(3)} ${v.imagesPerSecond.toFixed(1)} img/s`,
      );
    }
  }

  endEpoch(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  /** A message line (not interleaved with a running bar). */
  log(line: string): void {
    if (this.mode === 'none') return;
    this.write(line);
  }
}

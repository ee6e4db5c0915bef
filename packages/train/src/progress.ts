import { SingleBar } from 'cli-progress';
import type { ProgressMode } from './types.js';

/** Live numbers of the current epoch. */
export interface ProgressValues {
  loss: number;
  accuracy: number;
  lr: number;
  imagesPerSecond: number;
}

/**
 * Per-epoch progress: a `cli-progress` bar (images/s, loss, accuracy, ETA) when the mode is 'bar'
 * (or 'auto' and stdout is a TTY), else plain lines — every `logEvery` steps, by default about ten
 * per epoch — and one at the end of the epoch.
 */
export class Progress {
  private bar?: SingleBar;
  private readonly mode: Exclude<ProgressMode, 'auto'>;
  private total = 0;
  private epoch = 0;
  private epochs = 0;
  private lastLogged = -1;
  private every = 1;

  constructor(
    mode: ProgressMode = 'auto',
    private readonly logEvery?: number,
    private readonly write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  ) {
    this.mode = mode === 'auto' ? (process.stdout.isTTY ? 'bar' : 'log') : mode;
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

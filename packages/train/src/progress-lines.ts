import type { ProgressMode } from './types.js';

/** Live numbers of the current epoch. */
export interface ProgressValues {
  loss: number;
  accuracy: number;
  lr: number;
  imagesPerSecond: number;
}

/** Where progress goes: stdout in Node, the console elsewhere. `isTTY` decides between the bar and plain lines in 'auto'. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** A live bar of one epoch (the terminal bar of `@cnn/train/node`). */
export interface EpochBar {
  update(step: number, v: ProgressValues): void;
  stop(): void;
}

/** What a bar is drawn from: the epoch, its steps, where it starts and the stream. */
export interface EpochBarSpec {
  epoch: number;
  epochs: number;
  totalSteps: number;
  startStep: number;
  stream: ProgressStream;
}

/** Node's stdout when there is one (no `process` in a browser). */
const stdout = (): ProgressStream | undefined => (globalThis as { process?: { stdout?: ProgressStream } }).process?.stdout;

/**
 * Per-epoch progress as plain lines — every `logEvery` steps, by default about ten per epoch — and
 * one at the end of the epoch, to `write` (default: the stream, else `console.log`). A subclass
 * that can draw a live bar (`makeBar`) draws it in mode 'bar', and in 'auto' when the stream is a
 * TTY; this one cannot, so 'auto' means lines and 'bar' is an error.
 */
export class LineProgress {
  private bar?: EpochBar;
  private readonly mode: Exclude<ProgressMode, 'auto'>;
  private total = 0;
  private epoch = 0;
  private epochs = 0;
  private lastLogged = -1;
  private every = 1;

  protected readonly stream?: ProgressStream;
  private readonly write: (line: string) => void;

  constructor(mode: ProgressMode = 'auto', private readonly logEvery?: number, write?: (line: string) => void, stream?: ProgressStream) {
    this.stream = stream ?? stdout();
    const out = this.stream;
    this.write = write ?? (out ? (l) => void out.write(`${l}\n`) : (l) => console.log(l));
    const canBar = this.canDrawBar();
    if (mode === 'bar' && !canBar) throw new Error("progress: 'bar' needs a terminal: use train of @cnn/train/node, or 'log'");
    this.mode = mode === 'auto' ? (canBar && this.stream?.isTTY ? 'bar' : 'log') : mode;
  }

  /** Whether this class draws bars (see {@link makeBar}). */
  protected canDrawBar(): boolean {
    return false;
  }

  /** The live bar of an epoch: none here. */
  protected makeBar(spec: EpochBarSpec): EpochBar {
    throw new Error(`progress: no bar for epoch ${spec.epoch + 1}`);
  }

  startEpoch(epoch: number, epochs: number, totalSteps: number, startStep = 0): void {
    this.epoch = epoch;
    this.epochs = epochs;
    this.total = totalSteps;
    this.lastLogged = -1;
    this.every = this.logEvery ?? Math.max(1, Math.round((totalSteps || 100) / 10));
    if (this.mode === 'bar') this.bar = this.makeBar({ epoch, epochs, totalSteps, startStep, stream: this.stream! });
  }

  update(step: number, v: ProgressValues): void {
    if (this.mode === 'bar') this.bar?.update(step, v);
    else if (this.mode === 'log' && (step % this.every === 0 || step === this.total) && step !== this.lastLogged) {
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

import { SingleBar } from 'cli-progress';
import { LineProgress, type EpochBar, type EpochBarSpec } from './progress-lines.js';

export type { ProgressStream, ProgressValues } from './progress-lines.js';

/**
 * Per-epoch progress in Node: a `cli-progress` bar (images/s, loss, accuracy, ETA) when the mode
 * is 'bar' (or 'auto' and the output stream — stdout by default — is a TTY), else plain lines (see
 * {@link LineProgress}). The bar is drawn on the same stream the TTY check is made on (cli-progress
 * would default to stderr, so `2>file` on a terminal would hide it while `>file` left a bar-less,
 * line-less log).
 */
export class Progress extends LineProgress {
  protected override canDrawBar(): boolean {
    return this.stream !== undefined;
  }

  protected override makeBar({ epoch, epochs, totalSteps, startStep, stream }: EpochBarSpec): EpochBar {
    const bar = new SingleBar({
      format: `epoch ${epoch + 1}/${epochs} [{bar}] {value}/{total} | {ips} img/s | loss {loss} | acc {acc} | lr {lr} | ETA {eta_formatted}`,
      hideCursor: true,
      etaBuffer: 20,
      clearOnComplete: false,
      stream: stream as NodeJS.WritableStream,
      // A bar asked for explicitly ('bar') is also drawn on a non-TTY (a line every few seconds).
      noTTYOutput: true,
    });
    bar.start(totalSteps || 1, startStep, { ips: '–', loss: '–', acc: '–', lr: '–' });
    return {
      update: (step, v) =>
        bar.update(step, { ips: v.imagesPerSecond.toFixed(1), loss: v.loss.toFixed(4), acc: (100 * v.accuracy).toFixed(1) + '%', lr: v.lr.toPrecision(3) }),
      stop: () => bar.stop(),
    };
  }
}

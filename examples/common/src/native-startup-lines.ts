/**
 * The lines libtensorflow (through tfjs-node) writes to stderr while it loads that no setting can
 * hide: TensorFlow 2.16 and later log through absl, which prints its own warning before the first
 * line and prints the oneDNN notice before TensorFlow reads TF_CPP_MIN_LOG_LEVEL. (Its other
 * start-up lines, the CPU-feature notice, are INFO lines that `initBackend` hides with
 * TF_CPP_MIN_LOG_LEVEL=1.) Only lines matching one of these whole are dropped.
 */
export const NATIVE_STARTUP_LINES: readonly RegExp[] = [
  /^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$/,
  // absl's prefix: I<MMDD> <time> <thread> <file>:<line>] (MMDD and time are zero before absl is initialised).
  /^I\d{4} [\d:.]+ +\d+ port\.cc:\d+\] oneDNN custom operations are on\. You may see slightly different numerical results due to floating-point round-off errors from different computation orders\. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`\.$/,
];

export const isNativeStartupLine = (line: string): boolean => NATIVE_STARTUP_LINES.some((re) => re.test(line));

/**
 * A filter of text written in chunks: `push` passes on every complete line except the
 * {@link NATIVE_STARTUP_LINES}, unchanged (line ends included); `end` passes on an unfinished last line.
 */
export function startupLineFilter(write: (text: string) => void): { push(chunk: string): void; end(): void } {
  let pending = '';
  return {
    push(chunk) {
      const lines = (pending + chunk).split(/(?<=\n)/);
      pending = lines.at(-1)!.endsWith('\n') ? '' : lines.pop()!;
      const kept = lines.filter((line) => !isNativeStartupLine(line.replace(/\r?\n$/, '')));
      if (kept.length) write(kept.join(''));
    },
    end() {
      if (pending && !isNativeStartupLine(pending)) write(pending);
      pending = '';
    },
  };
}

import { chromiumMissingReason } from './chromium.js';

/** Why the browser suite is skipped here (printed once per file), or null when it runs. */
export function browserSuiteSkipReason(file: string): string | null {
  const reason = chromiumMissingReason();
  if (reason != null) console.warn(`SKIPPED ${file}: no headless Chromium — ${reason}`);
  return reason;
}

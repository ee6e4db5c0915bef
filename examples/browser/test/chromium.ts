import { existsSync } from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Chromium to drive: env `CHROMIUM_PATH`, else /usr/bin/chromium, else chromium / google-chrome on PATH. */
export function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  const dirs = ['/usr/bin', ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean)];
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return null;
}

/** Why the page test cannot run here (printed), or null. */
export function skipReason(file: string): string | null {
  if (findChromium() != null) return null;
  const reason = process.env.CHROMIUM_PATH
    ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist`
    : 'no chromium at /usr/bin/chromium nor chromium, chromium-browser or google-chrome on PATH (Debian: apt-get install chromium; or set CHROMIUM_PATH)';
  console.warn(`SKIPPED ${file}: no headless Chromium — ${reason}`);
  return reason;
}

/** Headless Chromium with WebGL on SwiftShader (the GPU APIs on the CPU: no GPU needed). */
export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: findChromium()!,
    headless: true,
    // A page that blocks its event loop fails the test in a minute instead of three.
    protocolTimeout: 60_000,
    args: ['--headless=new', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

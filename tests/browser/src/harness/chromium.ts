import { existsSync } from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Where Chromium is: env `CHROMIUM_PATH`, else `chromium`, `chromium-browser`, `google-chrome` on PATH. */
export function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return null;
}

/** Why the suite cannot run here, or null. */
export function chromiumMissingReason(): string | null {
  if (findChromium() != null) return null;
  return process.env.CHROMIUM_PATH
    ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist`
    : 'no chromium, chromium-browser or google-chrome on PATH (Debian: apt-get install chromium; or set CHROMIUM_PATH)';
}

/**
 * Headless Chromium with WebGL on SwiftShader (a CPU implementation of the GPU APIs: no GPU needed)
 * and WebGPU switched on where this build has it.
 */
export function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath == null) throw new Error(chromiumMissingReason()!);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: [
      '--headless=new',
      ...(isRoot ? ['--no-sandbox'] : []),
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--enable-unsafe-webgpu',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
}

import type { Browser, Page } from 'puppeteer-core';
import type { Suite } from '../page/suite-page.js';
import { bundlePage } from './bundle.js';
import { launchChromium } from './chromium.js';
import { serve, type StaticServer } from './server.js';

/** Cross-origin isolated, not, or (not isolated) bundled without tfjs-backend-webgl/-webgpu. */
export type PageKind = 'coi' | 'plain' | 'no-gpu-packages';

export interface Session {
  browser: Browser;
  server: StaticServer;
  /** A fresh page (a fresh tfjs: each backend starts once per page), cross-origin isolated or not. */
  open(kind: PageKind, query?: string): Promise<SuitePage>;
  close(): Promise<void>;
}

export interface SuitePage {
  page: Page;
  /** Calls `window.cnnSuite[name](arg)` in the page. */
  call<K extends keyof Suite>(name: K, ...args: Parameters<Suite[K]>): Promise<Awaited<ReturnType<Suite[K]>>>;
  /** Console lines the page printed. */
  console: string[];
}

export async function openSession(): Promise<Session> {
  const [full, noGpuPackages] = await Promise.all([bundlePage(), bundlePage(['@tensorflow/tfjs-backend-webgl', '@tensorflow/tfjs-backend-webgpu'])]);
  const server = await serve({ full, noGpuPackages });
  const browser = await launchChromium();
  const pages: Page[] = [];
  return {
    browser,
    server,
    async open(kind, query = '') {
      const page = await browser.newPage();
      pages.push(page);
      const lines: string[] = [];
      page.on('console', (message) => lines.push(`${message.type()}: ${message.text()}`));
      page.on('pageerror', (error) => lines.push(`pageerror: ${error instanceof Error ? error.message : String(error)}`));
      await page.goto(`${server.url}/${kind}/${query}`);
      await page.waitForFunction(() => 'cnnSuite' in window, { timeout: 30_000 });
      return {
        page,
        console: lines,
        call: (name, ...args) =>
          page.evaluate((n, a) => (window.cnnSuite as unknown as Record<string, (...x: unknown[]) => unknown>)[n](...a), name, args) as never,
      };
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

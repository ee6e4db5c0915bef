/**
 * The built page in headless Chromium: it starts a backend and shows it, loads the model and the
 * test images, and PGD over a small batch gives a robust accuracy no higher than the clean one.
 * Set CNN_BROWSER_SCREENSHOT=file.png to save a screenshot of the page at the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../scripts/site.mjs';
import { serveStatic, type StaticServer } from '../scripts/static-server.mjs';
import { launchChromium, skipReason } from './chromium.js';

const skip = skipReason('page.test.ts');

describe.skipIf(skip != null)('the robustness lab page in headless Chromium', () => {
  let site: string;
  let server: StaticServer;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    site = await buildSite(path.join(await mkdtemp(path.join(tmpdir(), 'cnn-example-browser-')), 'site'));
    server = await serveStatic(site);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (site) await rm(path.dirname(site), { recursive: true, force: true });
  });

  async function open(query: string): Promise<Page> {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 900 });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error instanceof Error ? error.message : String(error)}`));
    page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
    page.on('response', (response) => response.status() >= 400 && problems.push(`HTTP ${response.status()}: ${response.url()}`));
    await page.goto(`${server.url}${query}`);
    await page.waitForSelector('#status:not([data-state="loading"])', { timeout: 60_000 });
    const status = await page.$eval('#status', (e) => ({ state: (e as HTMLElement).dataset.state, text: e.textContent }));
    if (status.state !== 'ready') throw new Error(`the page did not get ready: ${status.text}\n${problems.join('\n')}`);
    return page;
  }

  const valueOf = (page: Page, selector: string) => page.$eval(selector, (e) => Number((e as HTMLElement).dataset.value));

  it('on wasm: backend, clean accuracy, reliability diagram, one attacked and one corrupted image; PGD robust accuracy over a batch ≤ clean accuracy', async () => {
    const page = await open('?backend=wasm');
    expect(await page.$eval('#backend', (e) => e.textContent)).toBe('wasm');
    expect(await page.$eval('#backend-reason', (e) => e.textContent)).toMatch(/wasm was requested — wasm, tfjs-core 4\.22\.0/);
    const cleanAll = await valueOf(page, '#clean-accuracy');
    // The committed model is far better than chance (10%) on its 300 test images.
    expect(cleanAll).toBeGreaterThan(0.3);
    expect(await page.$eval('#reliability svg', (e) => e.outerHTML.length)).toBeGreaterThan(1000);

    await page.waitForFunction(() => document.querySelector('#adv-pred')?.textContent?.startsWith('adversarial: '), { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelector('#corrupt-pred')?.textContent?.startsWith('gaussian noise: '), { timeout: 60_000 });
    expect(await page.$eval('#delta-caption', (e) => e.textContent)).toMatch(/^δ ×\d+: L∞ 8\.0\/255, L2 \d/);

    await page.select('#attack', 'pgd-linf');
    await setValue(page, '#steps', '3');
    await setValue(page, '#batch-size', '40');
    await setValue(page, '#chunk-size', '20');
    await page.click('#run-batch');
    await page.waitForSelector('#robust-accuracy[data-value]', { timeout: 90_000 });
    const clean = await valueOf(page, '#batch-clean');
    const robust = await valueOf(page, '#robust-accuracy');
    console.info(`page test: clean ${clean} / robust ${robust} under PGD L∞ 8/255, 3 steps, on 40 images (wasm)`);
    expect(clean).toBeGreaterThan(0);
    expect(Number.isFinite(robust)).toBe(true);
    expect(robust).toBeGreaterThanOrEqual(0);
    expect(robust).toBeLessThanOrEqual(clean);
    // PGD at 8/255 fools a normally trained net on most images.
    expect(robust).toBeLessThan(clean);
    expect(await page.$eval('#batch-progress', (e) => (e as HTMLProgressElement).value)).toBe(1);
    // Every tensor the page made is gone again: only the model's weights and buffers are alive.
    const tensors = await page.$eval('#tensors', (e) => ({ ...(e as HTMLElement).dataset }));
    expect(Number(tensors.live)).toBe(Number(tensors.model));
    expect(problems).toEqual([]);
    const screenshot = process.env.CNN_BROWSER_SCREENSHOT;
    if (screenshot) await page.screenshot({ path: screenshot as `${string}.png`, fullPage: true });
  });

  it('every attack of the select box attacks the shown image within its ε, in its norm (wasm)', async () => {
    const page = await open('?backend=wasm');
    await setValue(page, '#steps', '4');
    await setValue(page, '#eps', '12');
    // Image 0 (a frog) is one the model gets right: APGD, as AutoAttack, leaves wrong ones as they are.
    await page.waitForFunction(() => document.querySelector('#clean-pred')?.className === 'right', { timeout: 30_000 });
    for (const [id, norm, eps] of [
      ['fgsm', 'linf', 12 / 255],
      ['pgd-linf', 'linf', 12 / 255],
      ['pgd-l2', 'l2', 0.75],
      ['apgd-linf', 'linf', 12 / 255],
      ['apgd-l2', 'l2', 0.75],
    ] as const) {
      await page.select('#attack', id);
      const key = `${id} 12 4 #0`;
      await page.waitForFunction((k) => (document.querySelector('#delta-caption') as HTMLElement).dataset.settings === k, { timeout: 30_000 }, key);
      const shown = await page.$eval('#delta-caption', (e) => ({ ...(e as HTMLElement).dataset }));
      const size = Number(norm === 'linf' ? shown.linf : shown.l2);
      expect(size, id).toBeGreaterThan(0);
      expect(size, id).toBeLessThanOrEqual(eps + 1e-4);
      expect(await page.$eval('#adv-pred', (e) => e.textContent), id).toMatch(/^adversarial: \w+ \d+%$/);
    }
    expect(problems).toEqual([]);
  });

  it('stays responsive during a batch run: "stop" is clicked mid-run and the result covers the images done (wasm)', async () => {
    const page = await open('?backend=wasm');
    await page.select('#attack', 'pgd-linf');
    await setValue(page, '#steps', '20');
    await setValue(page, '#batch-size', '300');
    await setValue(page, '#chunk-size', '5');
    await page.click('#run-batch');
    // A page that never yields to its event loop during the run (wasm's awaits are microtasks) takes
    // this click only after all 300 images, minutes later: puppeteer's click then times out.
    await page.click('#stop-batch');
    await page.waitForFunction(() => !(document.querySelector('#run-batch') as HTMLButtonElement).disabled, { timeout: 90_000 });
    const status = await page.$eval('#batch-status', (e) => e.textContent ?? '');
    console.info(`page test: ${status}`);
    const done = Number(/: (\d+) images in /.exec(status)?.[1]);
    expect(status).toContain('(stopped; 300 asked for)');
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(300);
    expect(await valueOf(page, '#robust-accuracy')).toBeLessThanOrEqual(await valueOf(page, '#batch-clean'));
    const tensors = await page.$eval('#tensors', (e) => ({ ...(e as HTMLElement).dataset }));
    expect(Number(tensors.live)).toBe(Number(tensors.model));
    await page.close();
  });

  it('an unknown ?backend= is an error on the page that names it and the choices', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}?backend=tpu`);
    await page.waitForSelector('#status[data-state="error"]', { timeout: 30_000 });
    expect(await page.$eval('#status', (e) => e.textContent)).toBe('error: ?backend=tpu is not a backend; use one of auto, webgpu, webgl, wasm, cpu');
    await page.close();
  });

  it("'auto' starts a backend this Chromium has and shows which, with the reason", async () => {
    // Only up to the label: on SwiftShader (WebGL on the CPU) the rest takes minutes on 2 cores.
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForSelector('#backend[data-backend]', { timeout: 60_000 });
    const backend = await page.$eval('#backend', (e) => e.textContent);
    const reason = await page.$eval('#backend-reason', (e) => e.textContent);
    console.info(`page test: 'auto' chose ${backend} — ${reason}`);
    expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(backend);
    expect(reason).toContain(`tfjs-core 4.22.0`);
    await page.close();
  });
});

async function setValue(page: Page, selector: string, value: string): Promise<void> {
  await page.$eval(selector, (e, v) => ((e as HTMLInputElement).value = v), value);
}

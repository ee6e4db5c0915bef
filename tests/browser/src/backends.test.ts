/**
 * initBackend in a real browser: 'auto' and by name, wasm threads on a cross-origin-isolated page
 * and why not elsewhere, and the error when a .wasm file is not served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import puppeteer from 'puppeteer-core';
import { findChromium } from './harness/chromium.js';
import { openSession, type PageKind, type Session } from './harness/session.js';
import { browserSuiteSkipReason } from './harness/skip.js';

const skip = browserSuiteSkipReason('backends.test.ts');

describe.skipIf(skip != null)('initBackend in headless Chromium', () => {
  let session: Session;
  beforeAll(async () => {
    session = await openSession();
  });
  afterAll(async () => {
    await session?.close();
  });

  async function start(kind: PageKind, request: Parameters<Awaited<ReturnType<Session['open']>>['call']>[1] & object) {
    const page = await session.open(kind);
    return page.call('start', request as never);
  }

  it("'auto' tries webgpu → webgl → wasm → cpu and starts the first that works", async () => {
    const page = await session.open('plain');
    const available = await page.call('available');
    if (!available.ok) throw new Error(available.error);
    expect(available.value.map((b) => b.name)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    for (const b of available.value) console.info(`browser backend ${b.name}: ${b.available ? 'available' : 'unavailable'} — ${b.reason}`);
    const first = available.value.find((b) => b.available)!;
    const started = await start('plain', { backend: 'auto' });
    if (!started.ok) throw new Error(started.error);
    expect(started.value.choice).toMatchObject({ requested: 'auto', backend: first.name, tfjsBackend: first.name });
    expect(started.value.info.backend).toBe(first.name);
  });

  it("'auto' says why it skipped webgpu and webgl in a Chromium without GPU APIs, and runs wasm", async () => {
    // A second, real browser configuration: no GPU and no software rasterizer (as on a machine
    // whose GPU is blocklisted), so neither WebGL nor WebGPU. (--disable-3d-apis is not enough:
    // an OffscreenCanvas still gives WebGL 2 with it.)
    const browser = await puppeteer.launch({
      executablePath: findChromium()!,
      headless: true,
      args: ['--headless=new', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-gpu', '--disable-software-rasterizer'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${session.server.url}/plain/`);
      await page.waitForFunction(() => 'cnnSuite' in window);
      const started = await page.evaluate(() => window.cnnSuite.start({ backend: 'auto' }));
      if (!started.ok) throw new Error(started.error);
      console.info(`auto without GPU APIs: ${started.value.choice.reason}`);
      expect(started.value.choice.backend).toBe('wasm');
      expect(started.value.choice.reason).toMatch(
        /^webgpu unavailable \((this browser has no WebGPU \(navigator\.gpu is undefined.*\)|navigator\.gpu\.requestAdapter\(\) found no GPU adapter)\); webgl unavailable \(this browser gives no WebGL context .*\); using wasm$/,
      );
    } finally {
      await browser.close();
    }
  });

  it('starts each backend by name', async () => {
    for (const backend of ['cpu', 'wasm', 'webgl'] as const) {
      const started = await start('plain', { backend });
      if (!started.ok) throw new Error(`${backend}: ${started.error}`);
      expect(started.value.choice).toEqual({ requested: backend, backend, tfjsBackend: backend, reason: `${backend} was requested` });
      expect(started.value.info.backend).toBe(backend);
    }
    const webgl = await start('plain', { backend: 'webgl' });
    expect(webgl.ok && webgl.value.info.details).toMatch(/^webgl, tfjs-core 4\.22\.0, WebGL 2, float32 textures$/);
  });

  it('an app bundled without the WebGL/WebGPU packages gets their install command, and auto runs wasm', async () => {
    const webgl = await start('no-gpu-packages', { backend: 'webgl' });
    expect(webgl.ok ? '' : webgl.error).toMatch(
      /^Backend "webgl" could not be started: .*@tensorflow\/tfjs-backend-webgl.*\. Install it with: npm install @tensorflow\/tfjs-backend-webgl@4\.22\.0$/,
    );
    const page = await session.open('no-gpu-packages');
    const auto = await page.call('start', { backend: 'auto' });
    if (!auto.ok) throw new Error(auto.error);
    console.info(`auto without the GPU packages: ${auto.value.choice.reason}`);
    expect(auto.value.choice.backend).toBe('wasm');
    expect(auto.value.choice.reason).toMatch(/^webgpu unavailable \(.*tfjs-backend-webgpu.*\); webgl unavailable \(.*tfjs-backend-webgl.*\); using wasm$/);
  });

  it('the Node-only backends say so in a browser, without an install hint', async () => {
    const page = await session.open('plain');
    const tensorflow = await page.call('start', { backend: 'tensorflow' });
    expect(tensorflow.ok ? '' : tensorflow.error).toBe('Backend "tensorflow" could not be started: @tensorflow/tfjs-node runs only in Node (a native addon)');
    const gpu = await page.call('start', { backend: 'tensorflow-gpu' });
    expect(gpu.ok ? '' : gpu.error).toBe('Backend "tensorflow-gpu" could not be started: @tensorflow/tfjs-node-gpu runs only in Node (a native addon)');
  });

  it('webgpu by name starts where this Chromium has an adapter, else says why', async () => {
    const page = await session.open('plain');
    const adapter = await page.call('gpuAdapter');
    const started = await page.call('start', { backend: 'webgpu' });
    if (adapter.ok && adapter.value == null) {
      if (!started.ok) throw new Error(started.error);
      expect(started.value.info.details).toMatch(/^webgpu, tfjs-core 4\.22\.0, WebGPU/);
    } else {
      console.warn(`webgpu: this Chromium has no WebGPU adapter (${adapter.ok ? adapter.value : adapter.error}); checking the error only`);
      expect(started.ok ? '' : started.error).toMatch(/^Backend "webgpu" could not be started: (navigator|this browser)/);
    }
  });

  it('wasm runs the threads asked for on a cross-origin-isolated page, and backendInfo says so', async () => {
    for (const threads of [2, 4]) {
      const started = await start('coi', { backend: 'wasm', wasmThreads: threads });
      if (!started.ok) throw new Error(started.error);
      expect(started.value.crossOriginIsolated).toBe(true);
      expect(started.value.info).toMatchObject({ backend: 'wasm', threads, simd: true });
      expect(started.value.info.details).toMatch(new RegExp(`^wasm, tfjs-core 4\\.22\\.0, threaded-simd module, ${threads} threads, SIMD, SIMD kernels on 1 thread`));
    }
  });

  it('wasm on a page that is not cross-origin isolated runs 1 thread and backendInfo says why', async () => {
    const started = await start('plain', { backend: 'wasm', wasmThreads: 2 });
    if (!started.ok) throw new Error(started.error);
    expect(started.value.crossOriginIsolated).toBe(false);
    expect(started.value.info).toMatchObject({ threads: 1, simd: true });
    expect(started.value.info.details).toContain('simd module, 1 thread, SIMD');
    expect(started.value.info.details).toContain('(2 threads asked for; threads need a cross-origin-isolated page');
  });

  it('a .wasm file that is not served gives an error naming its URL', async () => {
    const plain = await start('plain', { backend: 'wasm', wasmPath: '/nowhere/' });
    expect(plain.ok).toBe(false);
    const url = `${session.server.url}/nowhere/tfjs-backend-wasm-simd.wasm`;
    expect(plain.ok ? '' : plain.error).toBe(
      `Backend "wasm" could not be started: the wasm backend could not load ${url} (HTTP 404): serve the .wasm files of @tensorflow/tfjs-backend-wasm (dist/*.wasm) and point setWasmPaths() at them`,
    );
    // Cross-origin isolated, tfjs fetches the threaded build instead.
    const isolated = await start('coi', { backend: 'wasm', wasmPath: '/nowhere/', wasmThreads: 2 });
    expect(isolated.ok ? '' : isolated.error).toContain(`could not load ${session.server.url}/nowhere/tfjs-backend-wasm-threaded-simd.wasm (HTTP 404)`);
  });
});

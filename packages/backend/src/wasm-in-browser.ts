/**
 * Starting tfjs-backend-wasm in a browser: with the threads asked for, and with the reason when it
 * fails (tfjs only logs a warning and `setBackend` returns false).
 */

/**
 * Runs `start` while `navigator.hardwareConcurrency` reports at least `2 × threads`. tfjs' threaded
 * module caps XNNPACK's pool at half the logical cores, read once while the backend starts (1
 * thread on a 2-core machine however many were asked for) — the browser twin of what
 * @cnn/backend-wasm does with `os.cpus()` in Node. Restored right after.
 */
export async function withCoresForThreads<T>(threads: number, start: () => Promise<T>): Promise<T> {
  const nav = typeof navigator === 'undefined' ? undefined : navigator;
  const want = 2 * threads;
  if (nav == null || threads <= 1 || nav.hardwareConcurrency >= want || Object.hasOwn(nav, 'hardwareConcurrency')) return start();
  Object.defineProperty(nav, 'hardwareConcurrency', { configurable: true, get: () => want });
  try {
    return await start();
  } finally {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

/**
 * After tfjs-backend-wasm failed to start: a `.wasm` file this page requested that is not served
 * (found through resource timing, checked again with HEAD), as "URL (HTTP 404)"; null if none.
 */
export async function missingWasmFile(): Promise<string | null> {
  if (typeof performance === 'undefined' || typeof performance.getEntriesByType !== 'function') return null;
  for (const url of await requestedWasmUrls()) {
    const problem = await fetch(url, { method: 'HEAD', cache: 'no-store' }).then(
      (response) => (response.ok ? null : `HTTP ${response.status}`),
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    if (problem != null) return `${url} (${problem})`;
  }
  return null;
}

/**
 * The `.wasm` URLs in the page's resource timing. The browser files an entry a moment after the
 * response ends — possibly after tfjs gave up — so wait up to a second for the first one.
 */
async function requestedWasmUrls(): Promise<Set<string>> {
  for (let waited = 0; ; waited += 50) {
    const urls = performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .filter((url) => /\.wasm([?#]|$)/.test(url));
    if (urls.length > 0 || waited >= 1000) return new Set(urls);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

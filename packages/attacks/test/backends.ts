import { initBackend, type BackendName } from '@cnn/backend';

/**
 * The backends the property tests run on: `CNN_TEST_BACKENDS` (comma separated) or cpu, wasm and
 * tensorflow. Each is probed once; one that cannot start is reported (and its tests skipped).
 */
export const TEST_BACKENDS: BackendName[] = (
  (typeof process !== 'undefined' && process.env.CNN_TEST_BACKENDS) ||
  'cpu,wasm,tensorflow'
)
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean) as BackendName[];

const available = new Map<BackendName, string | null>();

/** Starts `name`; returns null when it runs, else the reason it cannot (tests then skip). */
export async function tryBackend(name: BackendName): Promise<string | null> {
  if (!available.has(name)) {
    try {
      await initBackend(name);
      available.set(name, null);
    } catch (error) {
      available.set(name, error instanceof Error ? error.message.split('\n')[0] : String(error));
    }
  }
  const reason = available.get(name) ?? null;
  if (reason === null) await initBackend(name);
  return reason;
}

/** Probes every backend now (top-level await in a test file) so `it.skipIf` can use the result. */
export async function probeBackends(): Promise<Map<BackendName, string | null>> {
  const out = new Map<BackendName, string | null>();
  for (const b of TEST_BACKENDS) {
    const reason = await tryBackend(b);
    if (reason) console.warn(`[attacks tests] backend ${b} unavailable, its tests are skipped: ${reason}`);
    out.set(b, reason);
  }
  return out;
}

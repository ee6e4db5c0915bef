/**
 * Starts the tfjs backend: `?backend=` from the page's URL (auto, webgpu, webgl, wasm, cpu),
 * default 'auto' (webgpu → webgl → wasm → cpu, the first that works here). The wasm backend's
 * .wasm files are served from wasm/ next to the page (the build copies them there).
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { backendInfo, initBackend, type BackendChoice, type BackendInfo, type BackendPreference } from '@cnn/backend';

export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];

export function backendFromUrl(url: URL): BackendPreference {
  const asked = url.searchParams.get('backend') ?? 'auto';
  if (!(BACKEND_PREFERENCES as readonly string[]).includes(asked)) {
    throw new Error(`?backend=${asked} is not a backend; use one of ${BACKEND_PREFERENCES.join(', ')}`);
  }
  return asked as BackendPreference;
}

export async function startBackend(preference: BackendPreference): Promise<{ choice: BackendChoice; info: BackendInfo }> {
  setWasmPaths(new URL('wasm/', location.href).href);
  const choice = await initBackend(preference);
  return { choice, info: backendInfo() };
}

import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/** The page, with the script of bundle `dir`. */
const page = (dir: string) =>
  `<!doctype html><meta charset="utf-8"><title>cnn browser tests</title><script type="module" src="/${dir}/suite-page.js"></script>`;

/**
 * The pages: `/coi/` is served cross-origin isolated (COOP + COEP), `/plain/` is not;
 * `/no-gpu-packages/` runs the bundle made without tfjs-backend-webgl and -webgpu.
 */
const PAGES: Record<string, string> = { '/coi/': page('bundle'), '/plain/': page('bundle'), '/no-gpu-packages/': page('bundle-no-gpu-packages') };

/** tfjs-backend-wasm's `.wasm` files, as an app would copy them next to its bundle. */
function wasmDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** A tiny static server on 127.0.0.1 (random port) for the test page, its bundle and the .wasm files. */
export async function serve(bundles: { full: string; noGpuPackages: string }): Promise<StaticServer> {
  const roots: Record<string, string> = { '/bundle/': bundles.full, '/bundle-no-gpu-packages/': bundles.noGpuPackages, '/wasm/': wasmDir() };
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname in PAGES) {
      if (url.pathname === '/coi/') {
        response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
        response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      }
      response.writeHead(200, { 'Content-Type': TYPES['.html'] }).end(PAGES[url.pathname]);
      return;
    }
    const prefix = Object.keys(roots).find((p) => url.pathname.startsWith(p));
    const file = prefix ? path.join(roots[prefix], path.normalize(url.pathname.slice(prefix.length))) : null;
    if (file == null || !file.startsWith(roots[prefix!]) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${url.pathname}`);
      return;
    }
    response.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cross-Origin-Resource-Policy': 'same-origin' });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address == null || typeof address === 'string') throw new Error('the test server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

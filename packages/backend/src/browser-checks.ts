/**
 * Why a GPU backend cannot start here, asked before tfjs tries (tfjs only logs a warning and
 * returns false from `setBackend`, without the reason in the error).
 */
import * as tf from '@tensorflow/tfjs-core';
import { isNode } from './environment.js';

interface GpuLike {
  requestAdapter(options?: object): Promise<object | null>;
}

/** Null when WebGPU can start, else why not. */
export async function webgpuProblem(): Promise<string | null> {
  const gpu = typeof navigator === 'undefined' ? undefined : (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (gpu == null) {
    return isNode()
      ? 'WebGPU exists only in browsers (no navigator.gpu in Node)'
      : 'this browser has no WebGPU (navigator.gpu is undefined: not supported, disabled, or not a secure context)';
  }
  try {
    if ((await gpu.requestAdapter()) == null) return 'navigator.gpu.requestAdapter() found no GPU adapter';
  } catch (error) {
    return `navigator.gpu.requestAdapter() failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return null;
}

type AnyCanvas = HTMLCanvasElement | OffscreenCanvas;

function newCanvas(): AnyCanvas | null {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(1, 1);
  if (typeof document !== 'undefined') return document.createElement('canvas');
  return null;
}

function tryContext(attributes: WebGLContextAttributes): WebGLRenderingContext | WebGL2RenderingContext | null {
  const canvas = newCanvas();
  if (canvas == null) return null;
  const gl = (canvas.getContext('webgl2', attributes) ?? canvas.getContext('webgl', attributes)) as WebGLRenderingContext | null;
  // Free the context now: browsers keep only a few alive.
  gl?.getExtension('WEBGL_lose_context')?.loseContext();
  return gl;
}

/**
 * Null when WebGL can start with tfjs' settings, else why not. tfjs refuses a WebGL context the
 * browser flags with a major performance caveat (software rendering; `failIfMajorPerformanceCaveat`)
 * unless the `SOFTWARE_WEBGL_ENABLED` flag is set — that is usually slower than wasm.
 */
export function webglProblem(): string | null {
  if (isNode()) return 'WebGL exists only in browsers (tfjs-backend-webgl registers itself only there)';
  if (newCanvas() == null) return 'no canvas to create a WebGL context on (neither OffscreenCanvas nor document)';
  const software = softwareWebglEnabled();
  if (tryContext({ failIfMajorPerformanceCaveat: !software }) != null) return null;
  if (!software && tryContext({ failIfMajorPerformanceCaveat: false }) != null) {
    return "WebGL is software-rendered here (the browser reports a major performance caveat) and tfjs refuses that; tf.env().set('SOFTWARE_WEBGL_ENABLED', true) to use it anyway";
  }
  return 'this browser gives no WebGL context (WebGL disabled, or no GPU and no software renderer)';
}

/** tfjs-backend-webgl's flag (registered when that package loads; false before). */
function softwareWebglEnabled(): boolean {
  try {
    return tf.env().getBool('SOFTWARE_WEBGL_ENABLED');
  } catch {
    return false;
  }
}

import * as tf from '@tensorflow/tfjs-core';

/** What `backendInfo().details` adds for the GPU backends (", WebGL 2, float32 textures"). */
export function gpuDetails(backend: 'webgl' | 'webgpu'): string {
  if (backend === 'webgl') {
    const version = flag(() => tf.env().getNumber('WEBGL_VERSION'));
    const float32 = flag(() => tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED'));
    return `, WebGL ${version ?? '(version unknown)'}, ${float32 === false ? 'float16 textures (lower precision)' : 'float32 textures'}`;
  }
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
  const adapter = [info?.vendor, info?.architecture].filter(Boolean).join(' ');
  return `, WebGPU${adapter ? ` adapter ${adapter}` : ''}`;
}

function flag<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

// Worker-thread entry (built to dist/image-worker.js): decodes images for ImageFolderDataset.
import { parentPort } from 'node:worker_threads';
import { decodeImage, type DecodeSpec } from './image-decode.js';

interface Task {
  id: number;
  file: string;
  spec: DecodeSpec;
  seed: number;
}

const port = parentPort;
if (port) {
  port.on('message', (task: Task) => {
    decodeImage(task.file, task.spec, task.seed).then(
      (img) => {
        // Copy into a fresh buffer we own so it can be transferred (sharp's output may be external memory).
        const data = new Uint8Array(img.data);
        port.postMessage({ id: task.id, ok: true, data, width: img.width, height: img.height }, [data.buffer]);
      },
      (err: Error) => port.postMessage({ id: task.id, ok: false, message: err.message }),
    );
  });
}

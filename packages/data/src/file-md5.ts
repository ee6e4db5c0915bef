import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** MD5 of a file as lowercase hex, streamed (constant memory). */
export async function fileMd5(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

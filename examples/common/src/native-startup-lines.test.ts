import { describe, expect, it } from 'vitest';
import { isNativeStartupLine, startupLineFilter } from './native-startup-lines.js';

// As libtensorflow 2.21 (tfjs-node built against the tensorflow-cpu wheel) prints them.
const ABSL = 'WARNING: All log messages before absl::InitializeLog() is called are written to STDERR';
const ONEDNN =
  'I0000 00:00:1796329139.669436   32229 port.cc:153] oneDNN custom operations are on. You may see slightly different numerical results due to floating-point round-off errors from different computation orders. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.';

function filtered(chunks: string[]): string {
  let out = '';
  const filter = startupLineFilter((text) => (out += text));
  for (const c of chunks) filter.push(c);
  filter.end();
  return out;
}

describe('startupLineFilter', () => {
  it('drops exactly the known start-up lines, however the text is split into chunks', () => {
    const text = `${ABSL}\n${ONEDNN}\nreal warning\n\nW0000 00:00:1.0 1 foo.cc:1] kept\r\nlast`;
    const expected = 'real warning\n\nW0000 00:00:1.0 1 foo.cc:1] kept\r\nlast';
    expect(filtered([text])).toBe(expected);
    for (const size of [1, 7, 50]) {
      const chunks = Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
      expect(filtered(chunks)).toBe(expected);
    }
  });

  it('keeps lines that only resemble them', () => {
    for (const line of [`${ABSL}!`, `x${ABSL}`, ONEDNN.replace('port.cc', 'other.cc'), ONEDNN.replace(/^I/, 'W'), ONEDNN.slice(0, -1)]) {
      expect(isNativeStartupLine(line), line).toBe(false);
      expect(filtered([`${line}\n`])).toBe(`${line}\n`);
    }
    expect(filtered([ABSL])).toBe('');
  });
});

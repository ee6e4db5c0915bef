import * as core from '@cnn/core';
import * as coreNode from '@cnn/core/node';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { disposeBatch, writeFileAtomic } from './index.js';

// @cnn/data keeps exporting these helpers, but they are @cnn/core's: one definition, no copies.
const tmp = mkdtempSync(path.join(os.tmpdir(), 'cnn-data-core-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the helpers @cnn/data re-exports are @cnn/core's", () => {
  it('disposeBatch and writeFileAtomic are the very same functions', () => {
    expect(disposeBatch).toBe(core.disposeBatch);
    expect(writeFileAtomic).toBe(coreNode.writeFileAtomic);
  });

  it('writeFileAtomic fails with an error naming the file and the step, and leaves no temporary file', async () => {
    const notADirectory = path.join(tmp, 'a-file');
    writeFileSync(notADirectory, 'x');
    const target = path.join(notADirectory, 'run', 'out.json');
    const error = (await writeFileAtomic(target, '{}').catch((e: unknown) => e)) as coreNode.WriteFileAtomicError;
    expect(error).toBeInstanceOf(coreNode.WriteFileAtomicError);
    expect(error.file).toBe(target);
    expect(error.step).toBe('create the directory');
    expect(error.message).toContain(`Could not write ${target}`);
    expect(readdirSync(tmp)).toEqual(['a-file']);
  });
});

import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { writeCifarCFixture } from './cifar-c-fixture.js';
import { ROOT } from './doc-files.js';
import { installFreshProject, runNode, type Packed } from './fresh-project.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The fresh npm project with the packed packages installed, and the files the docs refer to. */
    project: string;
    packed: Packed[];
  }
}

const SAMPLE_BIN = join(ROOT, 'examples', 'cifar', 'sample', 'cifar-10-batches-bin');
/** tests/usage/fixtures/*.mjs, run in the project in this order (each writes what the docs load). */
const FIXTURE_SCRIPTS = ['make-model.mjs', 'make-image-folder.mjs', 'make-torch-weights.mjs'];

/**
 * Once per run: the fresh project, shared by the README examples (packed.test.ts) and the docs'
 * code blocks (docs.test.ts), with what they read: data/ (the committed CIFAR-10 sample and a
 * miniature CIFAR-10-C), my-model/, imagenet/, resnet18-from-torch.safetensors.
 */
export default function setup(project: TestProject): () => void {
  const work = mkdtempSync(join(tmpdir(), 'cnn-usage-'));
  const dir = join(work, 'project');
  try {
    const packed = installFreshProject(work, dir);
    mkdirSync(join(dir, 'data'));
    symlinkSync(SAMPLE_BIN, join(dir, 'data', 'cifar-10-batches-bin'));
    writeCifarCFixture(join(SAMPLE_BIN, 'test_batch.bin'), join(dir, 'data', 'CIFAR-10-C'));
    for (const script of FIXTURE_SCRIPTS) {
      copyFileSync(new URL(`../fixtures/${script}`, import.meta.url), join(dir, script));
      const r = runNode(script, dir);
      if (r.status !== 0) throw new Error(`fixtures/${script} failed in the fresh project:\n${r.stderr}`);
    }
    project.provide('project', dir);
    project.provide('packed', packed);
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
  return () => rmSync(work, { recursive: true, force: true });
}

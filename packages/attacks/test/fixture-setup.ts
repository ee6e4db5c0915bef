import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll } from 'vitest';
import type { BackendName } from '@cnn/backend';
import { f32, fixtureModel, loadFixture, type Fixture } from './fixture.js';
import { tryBackend } from './backends.js';

/** What a suite on one backend attacks: the fixture's tiny model and a batch of its images. */
export interface FixtureOnBackend {
  model: ReturnType<typeof fixtureModel>;
  images: tf.Tensor4D;
}

/**
 * Registers the suite's hooks: before it, start `backend` and build the fixture model and
 * `batch`'s images (default: the torchattacks fixture's); after it, dispose them. Nothing happens
 * when the backend is unavailable (the suite's tests are skipped). Read the fields inside tests.
 */
export function fixtureOnBackend(
  backend: BackendName,
  unavailable: string | null,
  batch?: { images: string; shape: [number, number, number, number] },
  fx: Fixture = loadFixture(),
): FixtureOnBackend {
  const on = {} as FixtureOnBackend;
  beforeAll(async () => {
    if (unavailable) return;
    await tryBackend(backend);
    on.model = fixtureModel(fx);
    on.images = tf.tensor4d(f32((batch ?? fx).images), (batch ?? fx).shape);
  });
  afterAll(() => {
    if (unavailable) return;
    tf.dispose([...on.model.weights, on.images]);
  });
  return on;
}

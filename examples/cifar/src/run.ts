import type { RunConfig } from './config.js';

/** Runs the training described by `config`; returns the exit code. (Wired to @cnn/train below.) */
export async function runCifar(config: RunConfig): Promise<number> {
  void config;
  throw new Error('training is not wired yet: @cnn/train has not landed');
}

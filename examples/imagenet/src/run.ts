import type { RunConfig } from './config.js';

/** Runs the training described by `config`; returns the exit code. */
export async function runImagenet(config: RunConfig): Promise<number> {
  void config;
  throw new Error('training is not wired yet: @cnn/train has not landed');
}

import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './args.js';
import { resolveConfig } from './config.js';

const ctx = { cwd: '/w', now: new Date(2026, 0, 2, 3, 4, 5) };
const resolve = (argv: string[]) => resolveConfig(parseCliArgs(argv), ctx);

describe('resolveConfig (imagenet)', () => {
  it('defaults to ResNet-50, SGD 0.1 per 256 images, 90 epochs, ×0.1 every 30, 224 crops', () => {
    const c = resolve(['--data', 'in']);
    expect(c).toMatchObject({ model: 'resnet50', epochs: 90, batchSize: 256, imageSize: 224, evalResize: 256 });
    expect(c.trainDir).toBe('/w/in/train');
    expect(c.valDir).toBe('/w/in/val');
    expect(c.optimizer).toEqual({ type: 'sgd', momentum: 0.9, nesterov: false, weightDecay: 1e-4 });
    expect(c.schedule).toEqual({ type: 'step', lr: 0.1, stepSize: 30, gamma: 0.1 });
    expect(c.evalAttacks).toEqual([{ name: 'pgd-10', type: 'pgd', eps: 4 / 255, steps: 10, stepSize: 1 / 255, randomStart: true }]);
    expect(c.outDir).toBe('/w/runs/imagenet-resnet50-standard-20260102-030405');
  });

  it('scales the default learning rate with the batch size; an explicit --lr is kept', () => {
    expect(resolve(['--data', 'in', '--batch-size', '1024']).schedule).toMatchObject({ lr: 0.4 });
    expect(resolve(['--data', 'in', '--batch-size', '32']).schedule).toMatchObject({ lr: 0.0125 });
    expect(resolve(['--data', 'in', '--batch-size', '32', '--lr', '0.3']).schedule).toMatchObject({ lr: 0.3 });
  });

  it('keeps the step proportions for short runs and offers cosine with warm-up', () => {
    expect(resolve(['--data', 'in', '--epochs', '9']).schedule).toEqual({ type: 'step', lr: 0.1, stepSize: 3, gamma: 0.1 });
    expect(resolve(['--data', 'in', '--schedule', 'cosine', '--warmup', '5']).schedule).toEqual({ type: 'cosine', lr: 0.1, warmupEpochs: 5 });
    expect(resolve(['--data', 'in', '--image-size', '112']).evalResize).toBe(128);
  });

  it('needs --data', () => {
    expect(() => resolve([])).toThrow(/--data DIR is required/);
  });

  it('--augmix and --eval-corruptions (default: as many validation images as the attacks)', () => {
    const c = resolve(['--data', 'in', '--augmix', '--jsd-weight', '6', '--eval-corruptions', 'fog,snow']);
    expect(c.mode).toEqual({ type: 'augmix', jsd: true, jsdWeight: 6 });
    expect(c.augmix).toMatchObject({ jsdWeight: 6, severity: 3 });
    expect(c.corruptionEval).toEqual({ corruptions: ['fog', 'snow'], limit: 500 });
  });
});

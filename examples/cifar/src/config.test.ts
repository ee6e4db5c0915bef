import { CORRUPTION_NAMES } from '@cnn/example-common';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './args.js';
import { FULL_DEFAULTS, OFFLINE_DEFAULTS, resolveConfig } from './config.js';

const ctx = { sampleRoot: '/repo/examples/cifar/sample', cwd: '/work', now: new Date(2026, 0, 2, 3, 4, 5) };
const resolve = (argv: string[]) => resolveConfig(parseCliArgs(argv), ctx);

describe('resolveConfig', () => {
  it('runs the offline sample job when no data is given', () => {
    const c = resolve([]);
    expect(c.offline).toBe(true);
    expect(c.dataRoot).toBe(ctx.sampleRoot);
    expect(c.model).toBe(OFFLINE_DEFAULTS.model);
    expect(c.epochs).toBe(OFFLINE_DEFAULTS.epochs);
    expect(c.batchSize).toBe(OFFLINE_DEFAULTS.batchSize);
    expect(c.attackLimit).toBe(OFFLINE_DEFAULTS.attackLimit);
    expect(c.mode).toEqual({ type: 'standard' });
    expect(c.evalAttacks).toEqual([{ name: 'pgd-20', type: 'pgd', eps: 8 / 255, steps: 20, stepSize: 2 / 255, randomStart: true }]);
    expect(c.outDir).toBe('/work/runs/cifar10-resnet20-standard-20260102-030405');
  });

  it('follows the papers for a full run: ResNet-18, SGD 0.1 momentum 0.9 wd 5e-4, cosine, 200 epochs', () => {
    const c = resolve(['--data', 'd']);
    expect(c.offline).toBe(false);
    expect(c.dataRoot).toBe('/work/d');
    expect(c.model).toBe('resnet18');
    expect(c.epochs).toBe(200);
    expect(c.batchSize).toBe(128);
    expect(c.optimizer).toEqual({ type: 'sgd', momentum: 0.9, nesterov: false, weightDecay: 5e-4 });
    expect(c.schedule).toEqual({ type: 'cosine', lr: 0.1 });
    expect(c.attackLimit).toBe(FULL_DEFAULTS.attackLimit);
  });

  it('uses Madry PGD-7 (step ε/4) and Wong FGSM-RS (α = 1.25ε, one-cycle 0.2, 15 epochs)', () => {
    expect(resolve(['--data', 'd', '--adv', 'pgd']).mode).toEqual({ type: 'pgd', eps: 8 / 255, steps: 7, stepSize: 2 / 255 });
    const f = resolve(['--data', 'd', '--adv', 'fgsm-rs', '--eps', '4/255']);
    expect(f.mode).toEqual({ type: 'fgsm-rs', eps: 4 / 255, stepSize: 1.25 * (4 / 255) });
    expect(f.schedule).toEqual({ type: 'onecycle', maxLr: 0.2 });
    expect(f.epochs).toBe(15);
    expect(f.evalAttacks[0]).toMatchObject({ eps: 4 / 255, stepSize: 1 / 255 });
  });

  it('passes the training attack\'s BatchNorm mode (--attack-bn) and refuses it without --adv', () => {
    expect(resolve(['--data', 'd', '--adv', 'pgd', '--attack-bn', 'train']).mode).toMatchObject({ type: 'pgd', bnMode: 'train' });
    expect(resolve(['--data', 'd', '--adv', 'fgsm-rs', '--attack-bn', 'eval']).mode).toMatchObject({ type: 'fgsm-rs', bnMode: 'eval' });
    expect(resolve(['--data', 'd', '--adv', 'pgd']).mode).not.toHaveProperty('bnMode');
    expect(() => resolve(['--data', 'd', '--attack-bn', 'train'])).toThrow(/--attack-bn needs --adv/);
    expect(() => resolve(['--data', 'd', '--adv', 'pgd', '--attack-bn', 'batch'])).toThrow(/--attack-bn/);
  });

  it('lets explicit flags win', () => {
    const c = resolve(['--data', 'd', '--adv', 'fgsm-rs', '--lr', '0.05', '--schedule', 'step', '--epochs', '40', '--warmup', '2']);
    expect(c.schedule).toEqual({ type: 'multistep', lr: 0.05, milestones: [20, 30], gamma: 0.1, warmupEpochs: 2 });
    expect(c.epochs).toBe(40);
    expect(resolve(['--mixup', '0.4']).mode).toEqual({ type: 'mixup', alpha: 0.4 });
    expect(resolve(['--optimizer', 'adamw', '--weight-decay', '0.05']).optimizer).toEqual({ type: 'adamw', weightDecay: 0.05 });
    expect(resolve(['--eval-attack', 'none']).evalAttacks).toEqual([]);
    expect(resolve(['--out', 'r1']).outDir).toBe('/work/r1');
    expect(resolve(['--data', 'd', '--dataset', 'cifar100']).numClasses).toBe(100);
  });

  it('rejects combinations that cannot work', () => {
    expect(() => resolve(['--dataset', 'cifar100'])).toThrow(/cifar100 needs --data DIR or --download/);
    expect(() => resolve(['--resume'])).toThrow(/--resume needs --out DIR/);
    expect(() => resolve(['--schedule', 'onecycle', '--warmup', '1'])).toThrow(/--warmup does not apply/);
    expect(() => resolve(['--epochs', '2', '--warmup', '3'])).toThrow(/shorter than --epochs/);
    // …but the offline default warm-up silently disappears from very short runs.
    expect(resolve(['--epochs', '1']).schedule).toEqual({ type: 'cosine', lr: 0.05 });
    expect(resolve([]).schedule).toEqual({ type: 'cosine', lr: 0.05, warmupEpochs: 1 });
    expect(() => resolve(['--eps', '0'])).toThrow(/--eval-attack none/);
  });

  it('--augmix: the augmix mode with its λ, the data-side settings, and the mode in the run name', () => {
    const c = resolve(['--augmix', '--augmix-severity', '4']);
    expect(c.mode).toEqual({ type: 'augmix', jsd: true, jsdWeight: 12 });
    expect(c.augmix).toEqual({ jsd: true, jsdWeight: 12, severity: 4, width: 3, depth: -1, alpha: 1, allOps: false });
    expect(c.outDir).toBe('/work/runs/cifar10-resnet20-augmix-20260102-030405');
    expect(resolve(['--augmix', '--no-jsd']).mode).toEqual({ type: 'augmix', jsd: false, jsdWeight: 12 });
    expect(resolve([])).not.toHaveProperty('augmix');
  });

  it('--eval-corruptions: on as many test images as the attacks unless --corruption-limit', () => {
    expect(resolve(['--eval-corruptions', 'fog']).corruptionEval).toEqual({ corruptions: ['fog'], limit: OFFLINE_DEFAULTS.attackLimit });
    expect(resolve(['--data', 'd', '--eval-corruptions', 'all']).corruptionEval).toMatchObject({ limit: FULL_DEFAULTS.attackLimit });
    expect(resolve(['--eval-corruptions', 'fog', '--corruption-limit', '7']).corruptionEval).toEqual({ corruptions: ['fog'], limit: 7 });
    expect(resolve(['--data', 'd'])).not.toHaveProperty('corruptionEval');
  });

  it('the offline default runs a small corruption evaluation (all 19, a few images); --eval-corruptions none turns it off', () => {
    expect(resolve([]).corruptionEval).toEqual({ corruptions: [...CORRUPTION_NAMES], limit: OFFLINE_DEFAULTS.corruptionLimit });
    expect(resolve(['--eval-corruptions', 'none'])).not.toHaveProperty('corruptionEval');
    expect(() => resolve(['--eval-corruptions', 'none', '--corruption-limit', '5'])).toThrow(/does not apply to --eval-corruptions none/);
  });
});

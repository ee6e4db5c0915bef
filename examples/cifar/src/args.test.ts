import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './args.js';
import { CliError } from '@cnn/example-common';

describe('parseCliArgs', () => {
  it('leaves defaults to resolveConfig when nothing is given', () => {
    const a = parseCliArgs([]);
    expect(a).toMatchObject({ help: false, dataset: 'cifar10', backend: 'auto', seed: 0, optimizer: 'sgd', resume: false, download: false });
    expect(a.model).toBeUndefined();
    expect(a.epochs).toBeUndefined();
    expect(a.eps).toBeUndefined();
  });

  it('converts every flag', () => {
    const a = parseCliArgs([
      '--model', 'wrn_28_10', '--data', '/d', '--dataset', 'cifar100', '--epochs', '3', '--batch-size', '32',
      '--lr', '0.05', '--schedule', 'step', '--warmup', '0.5', '--momentum', '0.8', '--nesterov', '--weight-decay', '1e-4',
      '--label-smoothing', '0.1', '--adv', 'pgd', '--eps', '4/255', '--steps', '3', '--step-size', '1/255',
      '--clean-fraction', '0.5', '--eval-attack', 'pgd-10,fgsm', '--attack-limit', '50', '--train-limit', '100',
      '--test-limit', '20', '--backend', 'wasm', '--seed', '7', '--out', 'o', '--resume', '--progress', 'log',
      '--checkpoint-every', '5',
    ]);
    expect(a).toMatchObject({
      model: 'wrn_28_10', data: '/d', dataset: 'cifar100', epochs: 3, batchSize: 32, lr: 0.05, schedule: 'step',
      warmup: 0.5, momentum: 0.8, nesterov: true, weightDecay: 1e-4, labelSmoothing: 0.1, adv: 'pgd', eps: 4 / 255,
      steps: 3, stepSize: 1 / 255, cleanFraction: 0.5, attackLimit: 50, trainLimit: 100, testLimit: 20,
      backend: 'wasm', seed: 7, out: 'o', resume: true, progress: 'log', checkpointEvery: 5,
    });
    expect(a.evalAttacks).toEqual([{ type: 'pgd', steps: 10 }, { type: 'fgsm' }]);
  });

  it('reads --flag=value, -h, a leading -- (pnpm start -- …) and one-cycle', () => {
    expect(parseCliArgs(['--', '--epochs', '2']).epochs).toBe(2);
    expect(parseCliArgs(['--schedule', 'one-cycle']).schedule).toBe('onecycle');
    expect(parseCliArgs(['--eps=8/255']).eps).toBe(8 / 255);
    expect(parseCliArgs(['-h']).help).toBe(true);
  });

  const bad: Array<[string[], RegExp]> = [
    [['--frob'], /Unknown option '--frob'/],
    [['--augmix', '--mixup', '1'], /--mixup and --augmix cannot be combined/],
    [['--augmix-width', '2'], /--augmix-width is an AugMix setting; it needs --augmix/],
    [['--eval-corruptions', 'rain'], /--eval-corruptions: "rain" is not a corruption/],
    [['stray'], /positional|Unexpected argument/i],
    [['--lr'], /--lr/],
    [['--lr', 'fast'], /--lr: "fast" is not a number/],
    [['--lr', '0'], /--lr: 0 is out of range/],
    [['--epochs', '0'], /--epochs: 0 is out of range/],
    [['--epochs', '1.5'], /--epochs: expected a whole number/],
    [['--batch-size', '-4'], /--batch-size/],
    [['--dataset', 'mnist'], /--dataset: "mnist" is not one of cifar10, cifar100/],
    [['--schedule', 'linear'], /--schedule: "linear" is not one of/],
    [['--adv', 'cw'], /--adv: "cw" is not one of pgd, fgsm-rs/],
    [['--backend', 'gpu'], /--backend: "gpu" is not one of/],
    [['--eps', '2'], /--eps: 2 is out of range/],
    [['--eps', '8/0'], /divides by zero/],
    [['--mixup', '0'], /--mixup: 0 is out of range/],
    [['--mixup', '1', '--adv', 'pgd'], /--mixup and --adv cannot be combined/],
    [['--mixup', '1', '--cutmix', '1'], /cannot be combined/],
    [['--steps', '7'], /--steps .* needs --adv pgd/],
    [['--adv', 'fgsm-rs', '--steps', '7'], /needs --adv pgd/],
    [['--step-size', '1/255'], /needs --adv/],
    [['--adv', 'pgd', '--eps', '0'], /--eps must be > 0/],
    [['--eval-attack', 'pgd'], /--eval-attack: "pgd" is not an attack/],
    [['--eval-attack', 'cw-10'], /not an attack/],
    [['--optimizer', 'adam', '--nesterov'], /--nesterov applies to --optimizer sgd/],
    [['--seed', '-1'], /--seed/],
    [['--model', '../x'], /--model: "..\/x" is not a model name/],
  ];
  it.each(bad)('rejects %j with a clear message', (argv, message) => {
    let caught: unknown;
    try {
      parseCliArgs(argv);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CliError);
    expect((caught as Error).message).toMatch(message);
  });
});

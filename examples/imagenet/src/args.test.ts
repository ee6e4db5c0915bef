import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './args.js';
import { CliError } from '@cnn/example-common';

describe('parseCliArgs (imagenet)', () => {
  it('converts the flags, including --image-size and fractions', () => {
    const a = parseCliArgs(['--data', 'd', '--image-size', '64', '--adv', 'fgsm-rs', '--eps', '2/255', '--eval-attack', 'pgd-5']);
    expect(a).toMatchObject({ data: 'd', imageSize: 64, adv: 'fgsm-rs', eps: 2 / 255, evalAttacks: [{ type: 'pgd', steps: 5 }] });
  });

  it.each([
    [['--download'], /ImageNet cannot be downloaded automatically/],
    [['--dataset', 'cifar10'], /Unknown option '--dataset'/],
    [['--image-size', '4'], /--image-size: 4 is out of range/],
    [['--image-size', 'big'], /--image-size: "big" is not a number/],
    [['--mixup', '0.2', '--adv', 'pgd'], /cannot be combined/],
    [['--eps=-1/255'], /--eps: -1\/255 is out of range/],
    [['--augmix', '--adv', 'pgd'], /--adv and --augmix cannot be combined/],
    [['--jsd-weight', '3'], /--jsd-weight is an AugMix setting; it needs --augmix/],
  ])('rejects %j', (argv, message) => {
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

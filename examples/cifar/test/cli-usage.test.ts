import { describe, expect, it } from 'vitest';
import { runSync as run } from './helpers.js';

describe('cnn-cifar usage (built CLI in a child process)', () => {
  it('prints help with the defaults and exits 0', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    for (const text of ['--model NAME', 'default resnet18 / resnet20', '--eps X', '8/255', '--eval-attack', 'pgd-20', '--resume']) {
      expect(r.stdout).toContain(text);
    }
  });

  it.each([
    [['--epochs', 'ten'], /--epochs: "ten" is not a number/],
    [['--eps', '300/255'], /--eps: 300\/255 is out of range/],
    [['--adv', 'cw'], /--adv: "cw" is not one of pgd, fgsm-rs/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--mixup', '1', '--adv', 'pgd'], /cannot be combined/],
    [['--data', '/nonexistent/cifar'], /--data: directory "\/nonexistent\/cifar" does not exist/],
    [['--resume'], /--resume needs --out DIR/],
    [['--dataset', 'cifar100'], /needs --data DIR or --download/],
  ])('%j → clear error, exit 2, no stack trace', (args, message) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^cnn-cifar: error: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });
});

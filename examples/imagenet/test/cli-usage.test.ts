import { describe, expect, it } from 'vitest';
import { runSync as run } from './helpers.js';

describe('cnn-imagenet usage (built CLI in a child process)', () => {
  it('prints help with the defaults and exits 0', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    for (const text of ['--model NAME', '(default resnet50)', '--eps X', '4/255', '--eval-attack', 'pgd-10', '--image-size', '--resume']) {
      expect(r.stdout).toContain(text);
    }
  });

  it.each([
    [['--epochs', 'ten'], /--epochs: "ten" is not a number/],
    [['--eps', '300/255'], /--eps: 300\/255 is out of range/],
    [['--adv', 'cw'], /--adv: "cw" is not one of pgd, fgsm-rs/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--mixup', '1', '--adv', 'pgd'], /cannot be combined/],
    [['--data', '/nonexistent/imagenet'], /--data: directory "\/nonexistent\/imagenet" does not exist/],
    [['--resume', '--data', '.'], /--resume needs --out DIR/],
    [[], /--data DIR is required/],
    [['--download'], /cannot be downloaded automatically/],
    [['--data', '.', '--lr', '-0.1'], /--lr: -0\.1 is out of range/],
    [['--data', '.', '--seed', '1', '--seed', '2'], /--seed is given more than once \(1 and 2\)/],
    [['--data', '.', '--nesterov', '--momentum', '0'], /--nesterov needs momentum > 0/],
  ])('%j → clear error, exit 2, no stack trace', (args, message) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^cnn-imagenet: error: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });
});

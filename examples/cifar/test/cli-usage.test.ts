import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSync as run } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'cnn-cifar-usage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('cnn-cifar usage (built CLI in a child process)', () => {
  it('prints help with the defaults and exits 0', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    for (const text of ['--model NAME', 'default resnet18 / resnet20', '--eps X', '8/255', '--eval-attack', 'pgd-20', '--resume', '--force-resume']) {
      expect(r.stdout).toContain(text);
    }
    // The offline default takes 1–2 minutes on 2 cores since the SIMD kernels (README timings).
    expect(r.stdout).toContain('about 1–2 minutes on 2 CPU cores');
    expect(r.stdout).not.toMatch(/5 minutes/);
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
    [['--lr', '-1'], /--lr: -1 is out of range \(expected > 0 and ≤ 100\)/],
    [['--lr', '0.1', '--epochs', '2', '--lr', '0.2'], /--lr is given more than once \(0\.1 and 0\.2\)/],
    [['--nesterov', '--momentum', '0'], /--nesterov needs momentum > 0/],
    [['--force-resume'], /--force-resume needs --out DIR/],
  ])('%j → clear error, exit 2, no stack trace', (args, message) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^cnn-cifar: error: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });
});

describe('cnn-cifar usage errors leave nothing behind', () => {
  it('--nesterov --momentum 0 is refused before any data, backend or run directory', () => {
    const out = join(root, 'nesterov');
    const r = run(['--nesterov', '--momentum', '0', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^cnn-cifar: error: --nesterov needs momentum > 0/);
    expect(r.stdout).toBe(''); // no "backend:" or "data:" line: nothing was started or read
    expect(existsSync(out)).toBe(false);
  });
});

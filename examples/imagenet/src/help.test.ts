import { describe, expect, it } from 'vitest';
import { COMMON_OPTIONS } from '@cnn/example-common';
import { helpText } from './help.js';

describe('--help', () => {
  it('documents every shared flag, the AugMix and corruption ones included', () => {
    const text = helpText();
    // --download is parsed for every trainer but only means something to CIFAR (ImageNet refuses it).
    const missing = Object.keys(COMMON_OPTIONS).filter((name) => name !== 'download' && !text.includes(`--${name}`));
    expect(missing).toEqual([]);
    expect(text).toContain('--eval-corruptions L');
  });
});

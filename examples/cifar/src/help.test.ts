import { describe, expect, it } from 'vitest';
import { COMMON_OPTIONS } from '@cnn/example-common';
import { FULL_DEFAULTS, OFFLINE_DEFAULTS } from './config.js';
import { helpText } from './help.js';

describe('--help', () => {
  it('documents every shared flag, the AugMix and corruption ones included', () => {
    const text = helpText();
    const missing = Object.keys(COMMON_OPTIONS).filter((name) => !text.includes(`--${name}`));
    expect(missing).toEqual([]);
    expect(text).toContain('--eval-corruptions L');
    expect(text).toContain("--verbose             also TensorFlow's start-up lines");
  });

  it('shows the AugMix and corruption sections of @cnn/example-common with this trainer\'s defaults, as before they were shared', () => {
    expect(helpText()).toContain(`AugMix (Hendrycks et al. 2020; not with --mixup, --cutmix or --adv):
  --augmix              train on AugMix views with the Jensen–Shannon consistency loss
  --jsd-weight X        λ of the consistency loss                           (default 12)
  --no-jsd              one AugMix view per image, plain cross-entropy
  --augmix-severity N   strength of each operation, 1–10                    (default 3)
  --augmix-width N      augmentation chains mixed                           (default 3)
  --augmix-depth N      operations per chain; -1: 1–3 at random             (default -1)
  --augmix-alpha X      Dirichlet / Beta parameter of the mixing            (default 1)
  --augmix-all-ops      also the operations that overlap the test corruptions

Corruption robustness (after the final evaluation; results in the report and metrics.jsonl):
  --eval-corruptions L  all, none, or names of CIFAR-10-C / ImageNet-C corruptions, comma-separated
                        (gaussian_noise, fog, jpeg_compression, …), severities 1–5
                                                                           (default none / all)
  --corruption-limit N  test images evaluated                               (default ${FULL_DEFAULTS.attackLimit} / ${OFFLINE_DEFAULTS.corruptionLimit})

Examples:`);
  });
});

/** The values the shared part of `--help` shows; each example passes its own defaults. */
export interface SharedHelp {
  momentum: number;
  weightDecay: number;
  /** Text after "label smoothing in [0, 1)", e.g. `, e.g. 0.1` (or empty). */
  labelSmoothingHint: string;
  /** Text after "--mixup … λ ~ Beta(ALPHA, ALPHA)", e.g. `, e.g. 1`. */
  mixupHint: string;
  /** Default `--eps` as written, e.g. `8/255`. */
  eps: string;
  pgdSteps: number;
  evalAttack: string;
  /** What `--attack-limit` counts (`test` or `validation`). */
  attackImages: string;
  /** Default(s) of `--attack-limit`, e.g. `1000 / 100`. */
  attackLimit: string;
  /** Default `--out`, e.g. `runs/<dataset>-<model>-<mode>-<time>`. */
  outDefault: string;
}

/** A flag description padded to the column where `(default …)` starts (51 characters after the flag column). */
export const padDescription = (text: string) => text.padEnd(51);

/** The `--widths` / `--depths` lines of the "Model and optimisation" section. */
export function modelShapeHelp(): string {
  return `  --widths LIST         stage widths overriding the model's, e.g. 8,16,32 (tiny models for tests)
  --depths LIST         blocks per stage overriding the model's, e.g. 1,1,1`;
}

/** The optimizer lines of the "Model and optimisation" section, `--optimizer` to `--label-smoothing`. */
export function optimizerHelp(h: SharedHelp): string {
  return `  --optimizer NAME      sgd | adam | adamw                                 (default sgd)
  --momentum X          SGD momentum                                       (default ${h.momentum})
  --nesterov            Nesterov momentum
  --weight-decay X      weight decay (L2 for sgd/adam, decoupled for adamw) (default ${h.weightDecay})
  --label-smoothing X   ${padDescription(`label smoothing in [0, 1)${h.labelSmoothingHint}`)}(default 0)`;
}

/** The "Training mode", "Evaluation" and "Run" sections, up to and including `-h, --help`. */
export function modeEvalRunHelp(h: SharedHelp): string {
  return `Training mode (at most one; default standard training):
  --mixup ALPHA         mixup (Zhang et al. 2018), λ ~ Beta(ALPHA, ALPHA)${h.mixupHint}
  --cutmix ALPHA        CutMix (Yun et al. 2019), e.g. 1
  --adv MODE            pgd (Madry et al. 2018) | fgsm-rs (Wong et al. 2020, "fast" FGSM, random start)
  --eps X               ℓ∞ radius in [0, 1] pixel units; fractions allowed  (default ${h.eps})
  --steps K             PGD steps of --adv pgd                              (default ${h.pgdSteps})
  --step-size X         attack step; fractions allowed                      (default ε/4 for pgd, 1.25ε for fgsm-rs)
  --clean-fraction F    fraction of each batch kept clean                   (default 0)
  --attack-bn MODE      BatchNorm mode while the training attack runs: eval | train
                                                                           (default eval for pgd, train for fgsm-rs)

Evaluation:
  --eval-attack LIST    pgd-K | fgsm | none, comma-separated; ε = --eps, PGD step ε/4
                                                                           (default ${h.evalAttack})
  --attack-limit N      ${padDescription(`${h.attackImages} images attacked in the final evaluation`)}(default ${h.attackLimit})

Run:
  --backend NAME        auto | tensorflow | tensorflow-gpu | wasm | cpu    (default auto: the fastest installed;
                        also read from CNN_BACKEND)
  --seed N              seed of initialisation, shuffling, augmentation, attacks (default 0)
  --out DIR             run directory: checkpoints/, metrics.jsonl, report.html
                                                                           (default ${h.outDefault})
  --resume              continue the run in --out DIR from its last checkpoint (with the same flags:
                        changed settings are refused, naming each)
  --force-resume        --resume even with changed settings (they apply from the checkpoint on)
  --checkpoint-every N  also checkpoint every N steps                      (default: every epoch)
  --progress MODE       auto | bar | log | none                            (default auto: a bar on a terminal)
  --verbose             also TensorFlow's start-up lines (tfjs-node; hidden by default)
  -h, --help            show this help`;
}

/** What the "Corruption robustness" section of `--help` shows as defaults. */
export interface CorruptionHelp {
  /** Default(s) of `--eval-corruptions`, e.g. `none / all` (omitted: no default shown). */
  evalCorruptions?: string;
  /** Default(s) of `--corruption-limit`, e.g. `1000 / 200`. */
  corruptionLimit: string;
}

/** The "AugMix" and "Corruption robustness" sections (the `--augmix…` and `--eval-corruptions` flags). */
export function augmixCorruptionHelp(c: CorruptionHelp): string {
  const evalDefault = c.evalCorruptions === undefined ? '' : `\n${''.padEnd(75)}(default ${c.evalCorruptions})`;
  return `AugMix (Hendrycks et al. 2020; not with --mixup, --cutmix or --adv):
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
                        (gaussian_noise, fog, jpeg_compression, …), severities 1–5${evalDefault}
  --corruption-limit N  test images evaluated                               (default ${c.corruptionLimit})`;
}

import { FGSM_RS_DEFAULTS, FULL_DEFAULTS, OFFLINE_DEFAULTS } from './config.js';

/** The `--help` text, with the defaults taken from the same constants the run uses. */
export function helpText(): string {
  const F = FULL_DEFAULTS;
  const O = OFFLINE_DEFAULTS;
  return `cnn-cifar — train a CNN on CIFAR-10/100 (standard, mixup or adversarial), then evaluate
clean accuracy, robust accuracy (PGD) and calibration, and write an HTML report.

Usage:
  cnn-cifar                                 offline default: ${O.model} on the committed CIFAR-10 sample
                                            (${O.epochs} epochs, about 5 minutes on 2 CPU cores)
  cnn-cifar --data DIR [options]            full run on the CIFAR binary files in DIR
  cnn-cifar --download --data DIR [options] fetch the official archive into DIR first

Data:
  --data DIR            directory with cifar-10-batches-bin/ (or cifar-100-binary/), or that directory itself
  --download            download the official archive (into --data DIR, default ./data) if missing
  --dataset NAME        cifar10 | cifar100                                  (default cifar10)
  --train-limit N       use only the first N training images               (default: all)
  --test-limit N        use only the first N test images                   (default: all)

Model and optimisation (full-run default / offline-sample default):
  --model NAME          any @cnn/models registry name, e.g. resnet20, resnet18, preact_resnet18,
                        wrn_28_10, se_resnet18                              (default ${F.model} / ${O.model})
  --widths LIST         stage widths overriding the model's, e.g. 8,16,32 (tiny models for tests)
  --depths LIST         blocks per stage overriding the model's, e.g. 1,1,1
  --epochs N            training epochs                                    (default ${F.epochs} / ${O.epochs}; fgsm-rs ${FGSM_RS_DEFAULTS.epochs})
  --batch-size N        images per step                                    (default ${F.batchSize} / ${O.batchSize})
  --lr X                peak learning rate                                 (default ${F.lr} / ${O.lr}; fgsm-rs ${FGSM_RS_DEFAULTS.lr})
  --schedule NAME       cosine | step (×0.1 at 50% and 75%) | onecycle | constant
                                                                           (default ${F.schedule}; fgsm-rs onecycle)
  --warmup EPOCHS       linear LR warm-up (not with onecycle)              (default ${F.warmup} / ${O.warmup})
  --optimizer NAME      sgd | adam | adamw                                 (default sgd)
  --momentum X          SGD momentum                                       (default ${F.momentum})
  --nesterov            Nesterov momentum
  --weight-decay X      weight decay (L2 for sgd/adam, decoupled for adamw) (default ${F.weightDecay})
  --label-smoothing X   label smoothing in [0, 1)                          (default 0)

Training mode (at most one; default standard training):
  --mixup ALPHA         mixup (Zhang et al. 2018), λ ~ Beta(ALPHA, ALPHA), e.g. 1
  --cutmix ALPHA        CutMix (Yun et al. 2019), e.g. 1
  --adv MODE            pgd (Madry et al. 2018) | fgsm-rs (Wong et al. 2020, "fast" FGSM, random start)
  --eps X               ℓ∞ radius in [0, 1] pixel units; fractions allowed  (default 8/255)
  --steps K             PGD steps of --adv pgd                              (default ${F.pgdSteps})
  --step-size X         attack step; fractions allowed                      (default ε/4 for pgd, 1.25ε for fgsm-rs)
  --clean-fraction F    fraction of each batch kept clean                   (default 0)

Evaluation:
  --eval-attack LIST    pgd-K | fgsm | none, comma-separated; ε = --eps, PGD step ε/4
                                                                           (default ${F.evalAttack})
  --attack-limit N      test images attacked in the final evaluation       (default ${F.attackLimit} / ${O.attackLimit})

Run:
  --backend NAME        auto | tensorflow | tensorflow-gpu | wasm | cpu    (default auto: the fastest installed;
                        also read from CNN_BACKEND)
  --seed N              seed of initialisation, shuffling, augmentation, attacks (default 0)
  --out DIR             run directory: checkpoints/, metrics.jsonl, report.html
                                                                           (default runs/<dataset>-<model>-<mode>-<time>)
  --resume              continue the run in --out DIR from its last checkpoint
  --checkpoint-every N  also checkpoint every N steps                      (default: every epoch)
  --progress MODE       auto | bar | log | none                            (default auto: a bar on a terminal)
  -h, --help            show this help

Examples:
  cnn-cifar
  cnn-cifar --data ~/data --model resnet18 --epochs 200
  cnn-cifar --data ~/data --adv fgsm-rs --eps 8/255 --model preact_resnet18
  cnn-cifar --data ~/data --adv pgd --steps 7 --eps 8/255 --eval-attack pgd-20,fgsm
  cnn-cifar --data ~/data --dataset cifar100 --mixup 1 --out runs/c100-mixup
  cnn-cifar --out runs/c100-mixup --data ~/data --dataset cifar100 --mixup 1 --resume
`;
}

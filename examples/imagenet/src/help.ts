import { DEFAULTS, FGSM_RS_DEFAULTS } from './config.js';

/** The `--help` text, with the defaults taken from the same constants the run uses. */
export function helpText(): string {
  const D = DEFAULTS;
  return `cnn-imagenet — train a CNN on ImageNet-style class folders (standard, mixup or adversarial), then
evaluate clean accuracy, robust accuracy (PGD) and calibration, and write an HTML report.

Usage:
  cnn-imagenet --data DIR [options]

  DIR holds train/<class>/*.{jpg,jpeg,png,webp} and val/<class>/*.{jpg,...}; class indices come from
  the sorted folder names (as torchvision's ImageFolder). ImageNet itself cannot be downloaded
  automatically: get ILSVRC2012 from image-net.org and sort val/ into class folders.

Data:
  --data DIR            the root with train/ and val/                       (required)
  --image-size N        training crop (RandomResizedCrop) and evaluation center crop, after resizing
                        the shorter side to N·256/224                       (default ${D.imageSize})
  --train-limit N       use only the first N training images               (default: all)
  --test-limit N        use only the first N validation images             (default: all)

Model and optimisation:
  --model NAME          any @cnn/models registry name, with the ImageNet stem: resnet18, resnet50,
                        wide_resnet50_2, se_resnet50, preact_resnet18, …    (default ${D.model})
  --widths LIST         stage widths overriding the model's, e.g. 8,16,32 (tiny models for tests)
  --depths LIST         blocks per stage overriding the model's, e.g. 1,1,1
  --epochs N            training epochs                                    (default ${D.epochs}; fgsm-rs ${FGSM_RS_DEFAULTS.epochs})
  --batch-size N        images per step                                    (default ${D.batchSize})
  --lr X                peak learning rate                                 (default ${D.lrPer256} × batch-size / 256;
                                                                            fgsm-rs ${FGSM_RS_DEFAULTS.lrPer256} × batch-size / 256)
  --schedule NAME       step (×0.1 every ${D.stepEpochs} of ${D.epochs} epochs, scaled to --epochs) | cosine | onecycle | constant
                                                                           (default ${D.schedule}; fgsm-rs onecycle)
  --warmup EPOCHS       linear LR warm-up, e.g. 5 for large batches (Goyal et al.) (default ${D.warmup})
  --optimizer NAME      sgd | adam | adamw                                 (default sgd)
  --momentum X          SGD momentum                                       (default ${D.momentum})
  --nesterov            Nesterov momentum
  --weight-decay X      weight decay (L2 for sgd/adam, decoupled for adamw) (default ${D.weightDecay})
  --label-smoothing X   label smoothing in [0, 1), e.g. 0.1                (default 0)

Training mode (at most one; default standard training):
  --mixup ALPHA         mixup (Zhang et al. 2018), λ ~ Beta(ALPHA, ALPHA); 0.2 for ImageNet
  --cutmix ALPHA        CutMix (Yun et al. 2019), e.g. 1
  --adv MODE            pgd (Madry et al. 2018) | fgsm-rs (Wong et al. 2020, "fast" FGSM, random start)
  --eps X               ℓ∞ radius in [0, 1] pixel units; fractions allowed  (default 4/255)
  --steps K             PGD steps of --adv pgd                              (default ${D.pgdSteps})
  --step-size X         attack step; fractions allowed                      (default ε/4 for pgd, 1.25ε for fgsm-rs)
  --clean-fraction F    fraction of each batch kept clean                   (default 0)

Evaluation:
  --eval-attack LIST    pgd-K | fgsm | none, comma-separated; ε = --eps, PGD step ε/4
                                                                           (default ${D.evalAttack})
  --attack-limit N      validation images attacked in the final evaluation (default ${D.attackLimit})

Run:
  --backend NAME        auto | tensorflow | tensorflow-gpu | wasm | cpu    (default auto: the fastest installed;
                        also read from CNN_BACKEND)
  --seed N              seed of initialisation, shuffling, augmentation, attacks (default 0)
  --out DIR             run directory: checkpoints/, metrics.jsonl, report.html
                                                                           (default runs/imagenet-<model>-<mode>-<time>)
  --resume              continue the run in --out DIR from its last checkpoint
  --checkpoint-every N  also checkpoint every N steps                      (default: every epoch)
  --progress MODE       auto | bar | log | none                            (default auto: a bar on a terminal)
  -h, --help            show this help

Examples:
  cnn-imagenet --data /data/imagenet
  cnn-imagenet --data /data/imagenet --schedule cosine --batch-size 512 --warmup 5
  cnn-imagenet --data /data/imagenet --model resnet18 --adv fgsm-rs --eps 4/255
  cnn-imagenet --data /data/imagenette --model resnet18 --image-size 128 --epochs 20 --mixup 0.2
`;
}

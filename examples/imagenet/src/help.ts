import { augmixCorruptionHelp, modeEvalRunHelp, modelShapeHelp, optimizerHelp, type SharedHelp } from '@cnn/example-common';
import { DEFAULTS, FGSM_RS_DEFAULTS } from './config.js';

/** The `--help` text, with the defaults taken from the same constants the run uses. */
export function helpText(): string {
  const H: SharedHelp = {
    momentum: DEFAULTS.momentum,
    weightDecay: DEFAULTS.weightDecay,
    labelSmoothingHint: ', e.g. 0.1',
    mixupHint: '; 0.2 for ImageNet',
    eps: '4/255',
    pgdSteps: DEFAULTS.pgdSteps,
    evalAttack: DEFAULTS.evalAttack,
    attackImages: 'validation',
    attackLimit: String(DEFAULTS.attackLimit),
    outDefault: 'runs/imagenet-<model>-<mode>-<time>',
  };
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
${modelShapeHelp()}
  --epochs N            training epochs                                    (default ${D.epochs}; fgsm-rs ${FGSM_RS_DEFAULTS.epochs})
  --batch-size N        images per step                                    (default ${D.batchSize})
  --lr X                peak learning rate                                 (default ${D.lrPer256} × batch-size / 256;
                                                                            fgsm-rs ${FGSM_RS_DEFAULTS.lrPer256} × batch-size / 256)
  --schedule NAME       step (×0.1 every ${D.stepEpochs} of ${D.epochs} epochs, scaled to --epochs) | cosine | onecycle | constant
                                                                           (default ${D.schedule}; fgsm-rs onecycle)
  --warmup EPOCHS       linear LR warm-up, e.g. 5 for large batches (Goyal et al.) (default ${D.warmup})
${optimizerHelp(H)}

${modeEvalRunHelp(H)}

${augmixCorruptionHelp({ corruptionLimit: String(D.attackLimit) })}

Examples:
  cnn-imagenet --data /data/imagenet
  cnn-imagenet --data /data/imagenet --schedule cosine --batch-size 512 --warmup 5
  cnn-imagenet --data /data/imagenet --model resnet18 --adv fgsm-rs --eps 4/255
  cnn-imagenet --data /data/imagenette --model resnet18 --image-size 128 --epochs 20 --mixup 0.2
`;
}

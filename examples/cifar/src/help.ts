import { augmixCorruptionHelp, modeEvalRunHelp, modelShapeHelp, optimizerHelp, type SharedHelp } from '@cnn/example-common';
import { FGSM_RS_DEFAULTS, FULL_DEFAULTS, OFFLINE_DEFAULTS } from './config.js';

/** The `--help` text, with the defaults taken from the same constants the run uses. */
export function helpText(): string {
  const H: SharedHelp = {
    momentum: FULL_DEFAULTS.momentum,
    weightDecay: FULL_DEFAULTS.weightDecay,
    labelSmoothingHint: '',
    mixupHint: ', e.g. 1',
    eps: '8/255',
    pgdSteps: FULL_DEFAULTS.pgdSteps,
    evalAttack: FULL_DEFAULTS.evalAttack,
    attackImages: 'test',
    attackLimit: `${FULL_DEFAULTS.attackLimit} / ${OFFLINE_DEFAULTS.attackLimit}`,
    outDefault: 'runs/<dataset>-<model>-<mode>-<time>',
  };
  const F = FULL_DEFAULTS;
  const O = OFFLINE_DEFAULTS;
  return `cnn-cifar — train a CNN on CIFAR-10/100 (standard, mixup or adversarial), then evaluate
clean accuracy, robust accuracy (PGD) and calibration, and write an HTML report.

Usage:
  cnn-cifar                                 offline default: ${O.model} on the committed CIFAR-10 sample
                                            (${O.epochs} epochs, about 1–2 minutes on 2 CPU cores)
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
${modelShapeHelp()}
  --epochs N            training epochs                                    (default ${F.epochs} / ${O.epochs}; fgsm-rs ${FGSM_RS_DEFAULTS.epochs})
  --batch-size N        images per step                                    (default ${F.batchSize} / ${O.batchSize})
  --lr X                peak learning rate                                 (default ${F.lr} / ${O.lr}; fgsm-rs ${FGSM_RS_DEFAULTS.lr})
  --schedule NAME       cosine | step (×0.1 at 50% and 75%) | onecycle | constant
                                                                           (default ${F.schedule}; fgsm-rs onecycle)
  --warmup EPOCHS       linear LR warm-up (not with onecycle)              (default ${F.warmup} / ${O.warmup})
${optimizerHelp(H)}

${modeEvalRunHelp(H)}

${augmixCorruptionHelp({ evalCorruptions: 'none / all', corruptionLimit: `${F.attackLimit} / ${O.corruptionLimit}` })}

Examples:
  cnn-cifar
  cnn-cifar --data ~/data --model resnet18 --epochs 200
  cnn-cifar --data ~/data --adv fgsm-rs --eps 8/255 --model preact_resnet18
  cnn-cifar --data ~/data --adv pgd --steps 7 --eps 8/255 --eval-attack pgd-20,fgsm
  cnn-cifar --data ~/data --dataset cifar100 --mixup 1 --out runs/c100-mixup
  cnn-cifar --data ~/data --augmix --eval-corruptions all --corruption-limit 1000
  cnn-cifar --out runs/c100-mixup --data ~/data --dataset cifar100 --mixup 1 --resume
`;
}

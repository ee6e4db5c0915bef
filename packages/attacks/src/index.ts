export { fgsm, type FgsmOptions } from './fgsm.js';
export { fgsmRandomStart, type FgsmRandomStartOptions } from './fgsm-random-start.js';
export { pgd, type PgdOptions } from './pgd.js';
export { apgd, apgdTargeted, type ApgdOptions } from './apgd.js';
export { square, type SquareOptions } from './square.js';
export { fab, type FabOptions } from './fab.js';
export {
  robustAccuracy,
  type RobustAccuracyCounts,
  type RobustAccuracyOptions,
  type RobustAccuracyProgress,
  type RobustAccuracyReport,
} from './robust-accuracy.js';
export { fromPredictModel, type FromPredictModelOptions, type PredictModel } from './from-predict-model.js';
export { perExampleLoss } from './losses.js';
export type { AttackFn, AttackLoss, AttackNorm, AttackResult, Bounds, CommonAttackOptions, EotOptions, LabelsInput } from './types.js';
export type { Classifier, LabeledBatch } from '@cnn/core';
export { autoAttack, type AutoAttackOptions, type AutoAttackProgress, type AutoAttackResult } from './auto-attack.js';
export type { AutoAttackName, AutoAttackSettings, AutoAttackVersion } from './auto-attack-config.js';
export type { AutoAttackStage, AutoAttackState } from './auto-attack-state.js';

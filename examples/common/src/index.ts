// The CLI front end shared by the example trainers. Nothing here loads TF.js (see `./run` for that),
// so that --help and usage errors answer in milliseconds.
export { CliError } from './cli-error.js';
export { parseBoundedNumber, parseNumber, type NumberRule } from './parse-number.js';
export {
  ADV_MODES,
  BACKENDS,
  checkCommonArgs,
  commonArgs,
  CORRUPTION_NAMES,
  COMMON_OPTIONS,
  oneOf,
  OPTIMIZERS,
  parseCorruptionList,
  parseEvalAttacks,
  parseFlags,
  PROGRESS,
  SCHEDULES,
  type AdvMode,
  type BackendFlag,
  type CommonArgs,
  type EvalAttackFlag,
  type FlagValues,
  type OptimizerName,
  type OptionSpec,
  type ProgressFlag,
  type ScheduleName,
} from './flags.js';
export {
  attackSpecs,
  checkResumeDirExists,
  checkResumeHasOut,
  optimizerConfig,
  scheduleConfig,
  timestamp,
  trainingMode,
  type CommonRunConfig,
} from './config.js';
export { cliMain, exitWith, type CliSpec } from './main.js';
export {
  augmixCorruptionHelp,
  modeEvalRunHelp,
  modelShapeHelp,
  padDescription,
  optimizerHelp,
  type CorruptionHelp,
  type SharedHelp,
} from './help.js';

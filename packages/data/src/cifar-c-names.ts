/**
 * The 19 corruptions of CIFAR-10-C and CIFAR-100-C (Hendrycks & Dietterich, 2019), as their `.npy`
 * files are named: `CORRUPTIONS` of `@cnn/corruptions` (one list for the generator and the reader).
 */
export { CORRUPTIONS as CIFAR_C_CORRUPTIONS, type CorruptionName as CifarCorruption } from '@cnn/corruptions';

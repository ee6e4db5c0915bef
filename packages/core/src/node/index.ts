/**
 * @packageDocumentation
 * The Node-only part of `@cnn/core`: one atomic file write for every package that saves files.
 */
export { writeFileAtomic, WriteFileAtomicError } from './write-file-atomic.js';

/**
 * @packageDocumentation
 * Helpers for the tests of `@cnn` packages (and of code that uses them), like tfjs-core's
 * `test_util`: not needed at run time.
 */
export { maxRelErr } from './max-rel-err.js';

import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { createRng } from '@cnn/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, decodeSafetensors, encodeSafetensors, loadWeightsFromBytes, type DecodedSafetensors, type Model, type SafetensorsDtype } from './index.js';
import { mutate } from './safetensors-mutate.js';
import { craftSafetensors, readFixture } from './test-utils.js';

/*
 * Fuzzing the safetensors decoder with seeded mutations of valid files (header fields, names,
 * metadata, repeated keys, bit flips, truncations, length fields, splices, random bytes). Each case
 * either decodes — into prototype-free records whose tensors re-encode and decode to the same values —
 * or throws a plain Error "decodeSafetensors(<source>): …" naming the problem: never a TypeError or
 * RangeError from the internals, never a leaked tensor, never a change to Object.prototype. A quarter
 * of the mutated ResNet-20 weights also go through loadWeightsFromBytes, which must leave the model
 * unchanged when it throws.
 * CNN_FUZZ_CASES sets the number of cases (default 3000; `pnpm fuzz` runs 20 000), CNN_FUZZ_SEED the
 * first seed (default 1): case i uses seed + i, so one failing case can be replayed alone.
 */

function positiveIntFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

const CASES = positiveIntFromEnv('CNN_FUZZ_CASES', 3000);
const SEED = positiveIntFromEnv('CNN_FUZZ_SEED', 1);
const SOURCE = 'fuzz.safetensors';
const PREFIX = `decodeSafetensors(${SOURCE}): `;
/** The ResNet-20 of the parity fixture resnet20.weights.safetensors. */
const FIXTURE_RESNET20 = { widths: [2, 4, 8], stemWidth: 2, depths: [2, 1, 1], numClasses: 5 };

interface Tally {
  decoded: number;
  refused: Map<string, number>;
  loads: number;
  failures: string[];
  slowestMs: number;
}

/** The valid files the mutations start from: every dtype, metadata, an empty tensor, PyTorch's own files. */
function baseFiles(): { name: string; bytes: Uint8Array }[] {
  const t = {
    f: tf.tensor2d([[1.5, -2, 0], [3e-8, 1e30, -0]]),
    n: tf.scalar(7, 'int32'),
    i: tf.tensor1d([-5, 0, 2147483647], 'int32'),
    b: tf.tensor1d([true, false, true], 'bool'),
    h: tf.tensor1d([1, 0.5, -65504, 6e-8]),
    d: tf.tensor1d([0.1, -1e10]),
    u: tf.tensor1d([0, 255, 17], 'int32'),
    s: tf.tensor1d([-128, 127], 'int32'),
    w: tf.tensor1d([-32768, 32767], 'int32'),
    e: tf.zeros([0, 4]),
  };
  const dtypes: Record<string, SafetensorsDtype> = { n: 'I64', h: 'F16', d: 'F64', u: 'U8', s: 'I8', w: 'I16' };
  const mixed = encodeSafetensors(t, { format: 'pt', note: 'fuzz' }, { dtypes });
  tf.dispose(Object.values(t));
  const bf16 = craftSafetensors(
    { b: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] }, s: { dtype: 'I8', shape: [], data_offsets: [4, 5] } },
    Uint8Array.of(0x80, 0x3f, 0x00, 0xc0, 0xff),
  );
  return [
    { name: 'mixed', bytes: mixed },
    { name: 'bf16', bytes: bf16 },
    { name: 'resnet20.weights', bytes: readFixture('resnet20.weights.safetensors') },
    { name: 'resnet20.io', bytes: readFixture('resnet20.io.safetensors') },
  ];
}

/** What is wrong with a thrown value, or null for a plain Error with the prefix and a readable message. */
function errorProblem(error: unknown, prefixes: string[]): string | null {
  if (!(error instanceof Error)) return `threw a non-Error: ${String(error)}`;
  if (error.constructor !== Error) return `${error.constructor.name} from the internals: ${error.message}`;
  const prefix = prefixes.find((p) => error.message.startsWith(p));
  if (!prefix) return `message does not start with ${prefixes.join(' or ')}: ${error.message}`;
  const rest = error.message.slice(prefix.length);
  if (rest.length < 10 || /\bundefined\b|\bNaN\b|\[object /.test(rest)) return `unhelpful message: ${error.message}`;
  return null;
}

/** A message with names and numbers blanked, to count the kinds of refusal. */
const kindOf = (message: string): string =>
  message.slice(PREFIX.length).replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/\[[^\]]*\]/g, '[…]').replace(/(?<![\w-])-?\d[\d.e+]*/g, 'N').split(';')[0].slice(0, 60).trim();

function sameValues(a: tf.Tensor, b: tf.Tensor): boolean {
  if (a.dtype !== b.dtype || !tf.util.arraysEqual(a.shape, b.shape)) return false;
  const [x, y] = [a.dataSync(), b.dataSync()];
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

const BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/**
 * An oracle independent of the decoder's checks: the decoded tensors' byte sizes (from their shapes
 * and on-disk dtypes) add up to the data buffer exactly, as they must when they tile it.
 */
function tilingProblem(d: DecodedSafetensors, bytes: Uint8Array): string | null {
  if (!Object.values(d.dtypes).every((t) => typeof t === 'string' && Object.hasOwn(BYTES, t))) return `an unknown dtype was accepted`;
  const dataLength = bytes.length - 8 - Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const sum = Object.keys(d.tensors).reduce((n, k) => n + d.tensors[k].size * BYTES[d.dtypes[k]], 0);
  return sum === dataLength ? null : `the tensors hold ${sum} bytes, the data buffer has ${dataLength} (a gap or an overlap was accepted)`;
}

/** What a successful decode must look like; returns the problems found. */
function decodedProblems(d: DecodedSafetensors, bytes: Uint8Array): string[] {
  const problems: string[] = [];
  const tiling = tilingProblem(d, bytes);
  if (tiling) problems.push(tiling);
  for (const [k, r] of Object.entries({ tensors: d.tensors, dtypes: d.dtypes, metadata: d.metadata })) {
    if (Object.getPrototypeOf(r) !== null) problems.push(`result.${k} has a prototype`);
  }
  const names = Object.keys(d.tensors);
  if (names.join('\0') !== Object.keys(d.dtypes).join('\0')) problems.push('tensors and dtypes list different names');
  if (!Object.values(d.tensors).every((t) => t instanceof tf.Tensor && !t.isDisposed)) problems.push('a value is not a live tensor');
  if (problems.length) return problems;
  // Whatever decodes re-encodes (BF16 as F32; the encoder refuses the legal but odd name "") to the same values.
  const kept = names.filter((n) => n !== '');
  const tensors = Object.fromEntries(kept.map((n) => [n, d.tensors[n]]));
  const dtypes = Object.fromEntries(kept.map((n) => [n, d.dtypes[n] === 'BF16' ? 'F32' : d.dtypes[n]]));
  const again = decodeSafetensors(encodeSafetensors(tensors, d.metadata, { dtypes }));
  if (!kept.every((n) => sameValues(d.tensors[n], again.tensors[n]))) problems.push('re-encoding changed the values');
  if (JSON.stringify(Object.entries(again.metadata)) !== JSON.stringify(Object.entries(d.metadata))) problems.push('re-encoding changed the metadata');
  tf.dispose(Object.values(again.tensors));
  return problems;
}

function checkDecode(bytes: Uint8Array, tally: Tally): string[] {
  const before = tf.memory().numTensors;
  let decoded: DecodedSafetensors | undefined;
  const problems: string[] = [];
  try {
    decoded = decodeSafetensors(bytes, { source: SOURCE });
  } catch (error) {
    const problem = errorProblem(error, [PREFIX]);
    if (problem) problems.push(problem);
    else tally.refused.set(kindOf((error as Error).message), (tally.refused.get(kindOf((error as Error).message)) ?? 0) + 1);
  }
  if (decoded) {
    tally.decoded++;
    if (tf.memory().numTensors !== before + Object.keys(decoded.tensors).length) problems.push('tensor count ≠ tensors returned');
    problems.push(...decodedProblems(decoded, bytes));
    tf.dispose(Object.values(decoded.tensors));
  }
  if (tf.memory().numTensors !== before) problems.push(`${tf.memory().numTensors - before} tensors leaked`);
  return problems;
}

/** Bit pattern hash of all the model's tensors: a failed load must not change a single bit. */
function stateHash(model: Model): number {
  let h = 0x811c9dc5;
  for (const t of Object.values(model.stateDict())) {
    const bits = new Uint32Array(Float32Array.from(t.dataSync()).buffer);
    for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i], 16777619);
  }
  return h >>> 0;
}

function checkLoad(model: Model, bytes: Uint8Array, tally: Tally): string[] {
  const before = tf.memory().numTensors;
  const hash = stateHash(model);
  const problems: string[] = [];
  tally.loads++;
  try {
    loadWeightsFromBytes(model, bytes);
  } catch (error) {
    const problem = errorProblem(error, ['decodeSafetensors: ', `loadWeights(${model.name}): `]);
    if (problem) problems.push(`loadWeightsFromBytes: ${problem}`);
    if (stateHash(model) !== hash) problems.push('loadWeightsFromBytes failed but changed the model');
  }
  if (tf.memory().numTensors !== before) problems.push(`loadWeightsFromBytes leaked ${tf.memory().numTensors - before} tensors`);
  return problems;
}

const prototypeNames = (): string => Object.getOwnPropertyNames(Object.prototype).sort().join();

describe('safetensors fuzz', () => {
  let bases: { name: string; bytes: Uint8Array }[];
  let model: Model;
  beforeAll(async () => {
    await initBackend('cpu');
    bases = baseFiles();
    model = createModel('resnet20', FIXTURE_RESNET20);
  });

  it(`${CASES} seeded mutations: a valid decode or a clear Error, no leaks, no prototype pollution`, async () => {
    const tally: Tally = { decoded: 0, refused: new Map(), loads: 0, failures: [], slowestMs: 0 };
    const proto = prototypeNames();
    const start = performance.now();
    for (let i = 0; i < CASES; i++) {
      const rng = createRng(SEED + i);
      const base = bases[rng.int(bases.length)];
      const mutant = mutate(rng, base.bytes);
      const t0 = performance.now();
      const problems = checkDecode(mutant.bytes, tally);
      if (base.name === 'resnet20.weights' && rng.uniform() < 0.25) problems.push(...checkLoad(model, mutant.bytes, tally));
      tally.slowestMs = Math.max(tally.slowestMs, performance.now() - t0);
      if (prototypeNames() !== proto || Object.getPrototypeOf({}) !== Object.prototype) problems.push('Object.prototype changed');
      if (problems.length && tally.failures.length < 20) tally.failures.push(`seed ${SEED + i} (${base.name}: ${mutant.what.join('; ')}): ${problems.join('; ')}`);
      // Yield now and then, so the test timeout can fire if the decoder ever slows to a crawl.
      if (i % 250 === 249) await new Promise((resolve) => setImmediate(resolve));
    }
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    const kinds = [...tally.refused].sort((a, b) => b[1] - a[1]);
    const refused = kinds.reduce((n, [, c]) => n + c, 0);
    console.log(
      `[safetensors fuzz] ${CASES} cases (seeds ${SEED}…${SEED + CASES - 1}) in ${seconds} s, slowest ${tally.slowestMs.toFixed(1)} ms: ` +
        `${tally.decoded} decoded, ${refused} refused (${kinds.length} kinds; most often: ${kinds.slice(0, 5).map(([k, c]) => `${c}× ${k}`).join(' | ')}), ` +
        `${tally.loads} also loaded into a model`,
    );
    expect(tally.failures).toEqual([]);
    // The mutations must exercise both outcomes, or the suite proves little.
    expect(tally.decoded).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(CASES / 4);
    model.dispose();
  });
});

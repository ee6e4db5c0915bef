/**
 * A plain tfjs-core ResNet family built from an {@link ArchSpec}: the benchmark's own model, used
 * (a) before @cnn/models existed and (b) for ablations (which BatchNorm, folded BN at inference)
 * that the library does not expose. Parameter names follow PyTorch's.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ArchSpec } from './arch.js';
import { batchNormCustomGrad, batchNormMoments, type BatchNormResult } from './fast/batch-norm.js';
import { batchNormTfNative } from './fast/tf-native-batch-norm.js';
import { batchNormTrain } from '@cnn/backend';

/**
 * 'moments': tf.moments differentiated by the tape (the textbook baseline); 'custom': the composed
 * customGrad op of ./fast/batch-norm.ts; 'tf-native': TF's fused kernels (tensorflow only);
 * 'lib': @cnn/backend's batchNormTrain (what @cnn/models uses: fused on tensorflow, composed elsewhere).
 */
export type BnMode = 'moments' | 'custom' | 'tf-native' | 'lib';

export interface RefModel {
  apply(x: tf.Tensor4D, opts: { training: boolean }): tf.Tensor2D;
  namedParameters(): [string, tf.Variable][];
  /** Folds BN (running stats) into the convs for inference/attacks: conv + bias + ReLU kernels. */
  foldBatchNorm(): void;
  dispose(): void;
}

const BN_FNS: Record<BnMode, (x: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D, eps: number) => BatchNormResult> = {
  moments: batchNormMoments,
  custom: batchNormCustomGrad,
  'tf-native': batchNormTfNative,
  lib: (x, g, b, eps) => {
    const r = batchNormTrain(x, g, b, eps);
    return { y: r.y as tf.Tensor4D, mean: r.mean, variance: r.variance };
  },
};

export function createRefModel(spec: ArchSpec, bnMode: BnMode = 'custom', seed = 1): RefModel {
  const params = new Map<string, tf.Variable>();
  const buffers = new Map<string, tf.Variable>();
  let s = seed;
  const rand = (): number => {
    // xorshift: deterministic init without a dependency
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
  const normal = (n: number, std: number): Float32Array => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = std * Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
    return a;
  };
  const convW = (name: string, k: number, cin: number, cout: number): void => {
    params.set(`${name}.weight`, tf.variable(tf.tensor4d(normal(k * k * cin * cout, Math.sqrt(2 / (k * k * cout))), [k, k, cin, cout]), true));
  };
  const bnP = (name: string, c: number): void => {
    params.set(`${name}.weight`, tf.variable(tf.ones([c]), true));
    params.set(`${name}.bias`, tf.variable(tf.zeros([c]), true));
    buffers.set(`${name}.running_mean`, tf.variable(tf.zeros([c]), false));
    buffers.set(`${name}.running_var`, tf.variable(tf.ones([c]), false));
  };

  // ---- build parameters, recording the forward program as closures ----
  type Op = (x: tf.Tensor4D, training: boolean) => tf.Tensor4D;
  const folded = new Map<string, { w: tf.Tensor4D; b: tf.Tensor1D }>();
  let isFolded = false;

  const bn = (name: string, x: tf.Tensor4D, training: boolean): tf.Tensor4D => {
    const g = params.get(`${name}.weight`)! as unknown as tf.Tensor1D;
    const b = params.get(`${name}.bias`)! as unknown as tf.Tensor1D;
    const rm = buffers.get(`${name}.running_mean`)!;
    const rv = buffers.get(`${name}.running_var`)!;
    if (!training) return tf.batchNorm(x, rm as tf.Tensor1D, rv as tf.Tensor1D, b, g, 1e-5) as tf.Tensor4D;
    const r = BN_FNS[bnMode](x, g, b, 1e-5);
    const n = x.size / x.shape[3];
    tf.tidy(() => {
      rm.assign(tf.add(tf.mul(rm, 0.9), tf.mul(r.mean, 0.1)));
      rv.assign(tf.add(tf.mul(rv, 0.9), tf.mul(r.variance, (0.1 * n) / Math.max(1, n - 1))));
    });
    r.mean.dispose();
    r.variance.dispose();
    return r.y;
  };
  const conv = (name: string, x: tf.Tensor4D, stride: number): tf.Tensor4D => {
    const w = params.get(`${name}.weight`)! as unknown as tf.Tensor4D;
    return tf.conv2d(x, w, stride, w.shape[0] === 1 ? 'valid' : 'same');
  };
  /** conv → BN (→ ReLU): one fused conv with bias (and activation) once folded, in eval mode. */
  const convBn = (cName: string, bName: string, x: tf.Tensor4D, stride: number, relu: boolean, training: boolean): tf.Tensor4D => {
    const f = folded.get(cName);
    if (!training && isFolded && f) {
      const k = f.w.shape[0];
      return tf.fused.conv2d({ x, filter: f.w, strides: stride, pad: k === 1 ? 'valid' : 'same', bias: f.b, activation: relu ? 'relu' : 'linear' });
    }
    const y = bn(bName, conv(cName, x, stride), training);
    return relu ? tf.relu(y) : y;
  };
  const foldPairs: [string, string][] = [];

  const program: Op[] = [];
  const constants: tf.Tensor[] = [];
  const normMean = tf.tensor1d(spec.normalize.mean);
  const normStd = tf.tensor1d(spec.normalize.std);
  constants.push(normMean, normStd);
  program.push((x) => tf.div(tf.sub(x, normMean), normStd) as tf.Tensor4D);
  const k0 = spec.stem === 'cifar' ? 3 : 7;
  convW('conv1', k0, 3, spec.stemWidth);
  if (spec.block !== 'preact') {
    bnP('bn1', spec.stemWidth);
    foldPairs.push(['conv1', 'bn1']);
  }
  if (spec.block === 'preact') {
    program.push((x) => conv('conv1', x, 1));
  } else if (spec.stem === 'cifar') {
    program.push((x, t) => convBn('conv1', 'bn1', x, 1, true, t));
  } else {
    // TF-style 'same' padding throughout: same shapes and FLOPs as PyTorch's symmetric padding.
    program.push((x, t) => tf.maxPool(convBn('conv1', 'bn1', x, 2, true, t), 3, 2, 'same'));
  }
  let cin = spec.stemWidth;
  spec.depths.forEach((depth, st) => {
    const width = spec.widths[st];
    for (let bi = 0; bi < depth; bi++) {
      const stride = bi === 0 && st > 0 ? 2 : 1;
      const p = `layer${st + 1}.${bi}`;
      const proj = stride !== 1 || cin !== width;
      const optionA = proj && spec.shortcut === 'A';
      if (optionA) {
        // Parameter-free shortcut as ONE 1×1 conv with a constant 0/1 selection filter (as @cnn/models):
        // stride picks every second pixel, channels land in the middle of the wider output.
        const p0 = (width - cin) / 2;
        const sel = new Float32Array(cin * width);
        for (let ch = 0; ch < cin; ch++) sel[ch * width + ch + p0] = 1;
        constants.push(tf.tensor4d(sel, [1, 1, cin, width]));
      }
      const selFilter = optionA ? constants[constants.length - 1] : null;
      const shortcut = (x: tf.Tensor4D, t: boolean): tf.Tensor4D =>
        selFilter ? tf.conv2d(x, selFilter as tf.Tensor4D, stride, 'valid') : convBn(`${p}.shortcut.0`, `${p}.shortcut.1`, x, stride, false, t);
      if (proj && !optionA) {
        convW(`${p}.shortcut.0`, 1, cin, width);
        if (spec.block !== 'preact') {
          bnP(`${p}.shortcut.1`, width);
          foldPairs.push([`${p}.shortcut.0`, `${p}.shortcut.1`]);
        }
      }
      if (spec.block === 'basic') {
        convW(`${p}.conv1`, 3, cin, width);
        bnP(`${p}.bn1`, width);
        convW(`${p}.conv2`, 3, width, width);
        bnP(`${p}.bn2`, width);
        foldPairs.push([`${p}.conv1`, `${p}.bn1`], [`${p}.conv2`, `${p}.bn2`]);
        program.push((x, t) => {
          const h = convBn(`${p}.conv1`, `${p}.bn1`, x, stride, true, t);
          const o = convBn(`${p}.conv2`, `${p}.bn2`, h, 1, false, t);
          const sc = proj ? shortcut(x, t) : x;
          return tf.relu(tf.add(o, sc)) as tf.Tensor4D;
        });
      } else if (spec.block === 'bottleneck') {
        const inner = width / 4;
        convW(`${p}.conv1`, 1, cin, inner);
        bnP(`${p}.bn1`, inner);
        convW(`${p}.conv2`, 3, inner, inner);
        bnP(`${p}.bn2`, inner);
        convW(`${p}.conv3`, 1, inner, width);
        bnP(`${p}.bn3`, width);
        foldPairs.push([`${p}.conv1`, `${p}.bn1`], [`${p}.conv2`, `${p}.bn2`], [`${p}.conv3`, `${p}.bn3`]);
        program.push((x, t) => {
          const h1 = convBn(`${p}.conv1`, `${p}.bn1`, x, 1, true, t);
          const h2 = convBn(`${p}.conv2`, `${p}.bn2`, h1, stride, true, t);
          const o = convBn(`${p}.conv3`, `${p}.bn3`, h2, 1, false, t);
          const sc = proj ? convBn(`${p}.shortcut.0`, `${p}.shortcut.1`, x, stride, false, t) : x;
          return tf.relu(tf.add(o, sc)) as tf.Tensor4D;
        });
      } else {
        // pre-activation (WRN): BN-ReLU-conv, shortcut from the activated input when projecting
        bnP(`${p}.bn1`, cin);
        convW(`${p}.conv1`, 3, cin, width);
        bnP(`${p}.bn2`, width);
        convW(`${p}.conv2`, 3, width, width);
        program.push((x, t) => {
          const a = tf.relu(bn(`${p}.bn1`, x, t));
          const h = conv(`${p}.conv1`, a, stride);
          const o = conv(`${p}.conv2`, tf.relu(bn(`${p}.bn2`, h, t)), 1);
          const sc = proj ? conv(`${p}.shortcut.0`, a, stride) : x;
          return tf.add(o, sc) as tf.Tensor4D;
        });
      }
      cin = width;
    }
  });
  if (spec.block === 'preact') {
    bnP('bn_final', cin);
    program.push((x, t) => tf.relu(bn('bn_final', x, t)));
  }
  params.set('fc.weight', tf.variable(tf.tensor2d(normal(cin * spec.numClasses, Math.sqrt(1 / cin)), [cin, spec.numClasses]), true));
  params.set('fc.bias', tf.variable(tf.zeros([spec.numClasses]), true));

  return {
    apply(x, { training }) {
      if (x.rank !== 4 || x.shape[3] !== 3) throw new Error(`model.apply: expected NHWC images [N,H,W,3], got [${x.shape}]`);
      let h = x;
      for (const op of program) h = op(h, training);
      const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
      return tf.add(tf.matMul(pooled, params.get('fc.weight')! as unknown as tf.Tensor2D), params.get('fc.bias')!) as tf.Tensor2D;
    },
    namedParameters: () => [...params.entries()],
    foldBatchNorm() {
      for (const [c, b] of foldPairs) {
        folded.get(c)?.w.dispose();
        folded.get(c)?.b.dispose();
        const f = tf.tidy(() => {
          const scale = tf.mul(params.get(`${b}.weight`)!, tf.rsqrt(tf.add(buffers.get(`${b}.running_var`)!, 1e-5)));
          const w = tf.mul(params.get(`${c}.weight`)!, scale) as tf.Tensor4D;
          const bias = tf.sub(params.get(`${b}.bias`)!, tf.mul(buffers.get(`${b}.running_mean`)!, scale)) as tf.Tensor1D;
          return { w, b: bias };
        });
        folded.set(c, f);
      }
      isFolded = true;
    },
    dispose() {
      for (const v of [...params.values(), ...buffers.values()]) v.dispose();
      for (const f of folded.values()) tf.dispose([f.w, f.b]);
      tf.dispose(constants);
    },
  };
}

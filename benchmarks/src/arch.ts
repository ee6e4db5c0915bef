/**
 * The four benchmarked architectures as data, and the FLOP count derived from them.
 *
 * One description feeds the TF.js reference model (ref-resnet.ts), the PyTorch script
 * (torch_bench.py receives it as JSON) and the FLOP counter, so all three agree by construction.
 * Parameter counts are checked against @cnn/models when that is used.
 */

export type BlockKind = 'basic' | 'preact' | 'bottleneck';

export interface ArchSpec {
  name: string;
  block: BlockKind;
  /** Blocks per stage. */
  depths: number[];
  /** Output channels of each stage (bottleneck: the expanded width, i.e. 4 × inner). */
  widths: number[];
  stemWidth: number;
  stem: 'cifar' | 'imagenet';
  inputSize: number;
  numClasses: number;
  /**
   * Where the shape changes: 'B' = 1×1 conv (+ BN) projection; 'A' = parameter-free (every second
   * pixel, channels zero-padded on both sides), the He et al. CIFAR ResNets' default in @cnn/models.
   */
  shortcut: 'A' | 'B';
  /** Per-channel input normalisation done inside the model (as @cnn/models does). */
  normalize: { mean: number[]; std: number[] };
}

const CIFAR_NORM = { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] };
const IMAGENET_NORM = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

export const ARCHS: Record<string, ArchSpec> = {
  resnet20: { name: 'resnet20', block: 'basic', depths: [3, 3, 3], widths: [16, 32, 64], stemWidth: 16, stem: 'cifar', inputSize: 32, numClasses: 10, shortcut: 'A', normalize: CIFAR_NORM },
  resnet18: { name: 'resnet18', block: 'basic', depths: [2, 2, 2, 2], widths: [64, 128, 256, 512], stemWidth: 64, stem: 'cifar', inputSize: 32, numClasses: 10, shortcut: 'B', normalize: CIFAR_NORM },
  wrn_16_4: { name: 'wrn_16_4', block: 'preact', depths: [2, 2, 2], widths: [64, 128, 256], stemWidth: 16, stem: 'cifar', inputSize: 32, numClasses: 10, shortcut: 'B', normalize: CIFAR_NORM },
  resnet50: { name: 'resnet50', block: 'bottleneck', depths: [3, 4, 6, 3], widths: [256, 512, 1024, 2048], stemWidth: 64, stem: 'imagenet', inputSize: 224, numClasses: 1000, shortcut: 'B', normalize: IMAGENET_NORM },
};

/** Batch size per model (issue 8). */
export const DEFAULT_BATCH: Record<string, number> = { resnet20: 128, resnet18: 32, wrn_16_4: 64, resnet50: 8 };

export interface ConvLayer {
  kind: 'conv';
  name: string;
  k: number;
  stride: number;
  cin: number;
  cout: number;
  /** Output spatial size. */
  outSize: number;
  /** True for the first conv: its input gradient is not needed when training. */
  first: boolean;
}
export interface LinearLayer {
  kind: 'fc';
  name: string;
  cin: number;
  cout: number;
}

/** Every conv and the classifier, in order, with the spatial sizes a square input gives them. */
export function layersOf(spec: ArchSpec): (ConvLayer | LinearLayer)[] {
  const out: (ConvLayer | LinearLayer)[] = [];
  let size = spec.inputSize;
  const conv = (name: string, k: number, stride: number, cin: number, cout: number, first = false): void => {
    size = Math.floor((size + 2 * Math.floor(k / 2) - k) / stride) + 1;
    out.push({ kind: 'conv', name, k, stride, cin, cout, outSize: size, first });
  };
  if (spec.stem === 'cifar') {
    conv('conv1', 3, 1, 3, spec.stemWidth, true);
  } else {
    conv('conv1', 7, 2, 3, spec.stemWidth, true);
    size = Math.floor((size + 2 - 3) / 2) + 1; // 3×3/2 max-pool, padding 1
  }
  let cin = spec.stemWidth;
  spec.depths.forEach((depth, s) => {
    const width = spec.widths[s];
    for (let b = 0; b < depth; b++) {
      const stride = b === 0 && s > 0 ? 2 : 1;
      const prefix = `layer${s + 1}.${b}`;
      const inSize = size;
      const projection = stride !== 1 || cin !== width;
      if (spec.block === 'bottleneck') {
        const inner = width / 4;
        conv(`${prefix}.conv1`, 1, 1, cin, inner);
        conv(`${prefix}.conv2`, 3, stride, inner, inner);
        conv(`${prefix}.conv3`, 1, 1, inner, width);
      } else {
        conv(`${prefix}.conv1`, 3, stride, cin, width);
        conv(`${prefix}.conv2`, 3, 1, width, width);
      }
      if (projection && spec.shortcut === 'A') {
        // parameter-free: no multiply-adds (an implementation may still run a selection conv)
      } else if (projection) {
        const after = size;
        size = inSize;
        conv(`${prefix}.shortcut`, 1, stride, cin, width);
        size = after;
      }
      cin = width;
    }
  });
  out.push({ kind: 'fc', name: 'fc', cin, cout: spec.numClasses });
  return out;
}

/** Multiply-adds count as 2 FLOPs; only convs and the classifier count (BN, ReLU, adds are < 1%). */
export interface FlopCount {
  /** One forward pass, per image. */
  forward: number;
  /** Forward + input gradient + weight gradient, per image (first conv needs no input gradient). */
  train: number;
  /** PGD-10: 10 × (forward + input gradient), per image. */
  pgd10: number;
  params: number;
}

export function countFlops(spec: ArchSpec): FlopCount {
  let forward = 0;
  let dgrad = 0;
  let params = 0;
  let bnChannels = 0;
  for (const l of layersOf(spec)) {
    if (l.kind === 'conv') {
      const f = 2 * l.outSize * l.outSize * l.k * l.k * l.cin * l.cout;
      forward += f;
      if (!l.first) dgrad += f;
      params += l.k * l.k * l.cin * l.cout;
      bnChannels += l.cout; // post-activation nets: every conv is followed by a BN of its width
    } else {
      forward += 2 * l.cin * l.cout;
      dgrad += 2 * l.cin * l.cout;
      params += l.cin * l.cout + l.cout;
    }
  }
  params += 2 * bnParamChannels(spec, bnChannels);
  const firstConv = forward - dgrad;
  return { forward, train: forward + dgrad + forward, pgd10: 10 * (forward + dgrad + firstConv), params };
}

/** Channels with a BatchNorm (γ, β): post-activation nets have one per conv; pre-activation ones differ. */
function bnParamChannels(spec: ArchSpec, perConv: number): number {
  if (spec.block !== 'preact') return perConv;
  // Pre-activation: BN before each conv of a block (on its input), none on the shortcut or stem,
  // plus the final BN before pooling.
  let total = 0;
  let cin = spec.stemWidth;
  spec.depths.forEach((depth, s) => {
    for (let b = 0; b < depth; b++) {
      total += cin + spec.widths[s];
      cin = spec.widths[s];
    }
  });
  return total + cin;
}

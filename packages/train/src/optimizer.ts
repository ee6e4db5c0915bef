import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from './types.js';

/** JSON part of an optimiser's state (scalars); tensors travel separately (see {@link Optimizer.stateTensors}). */
export interface OptimizerStateJson {
  type: string;
  /** Number of `step()` calls so far. */
  stepCount: number;
  [key: string]: unknown;
}

/**
 * An optimiser with explicit, checkpointable state. It updates the variables it was built with
 * (by name) in place.
 */
export interface Optimizer {
  readonly config: OptimizerConfig;
  /** Number of `step()` calls so far. */
  readonly stepCount: number;
  /**
   * One update with learning rate `lr`. `grads` maps parameter names to gradients; it is not
   * disposed (the caller owns it). Parameters with no gradient are skipped.
   */
  step(grads: Record<string, tf.Tensor>, lr: number): void;
  /** The state tensors by name (e.g. `momentum_buffer/layer1.0.conv1.weight`); owned by the optimiser. */
  stateTensors(): Record<string, tf.Tensor>;
  /** The scalar state. */
  stateJson(): OptimizerStateJson;
  /** Restores state saved by {@link stateJson} / {@link stateTensors}; copies the tensors (caller keeps ownership). */
  loadState(json: OptimizerStateJson, tensors: Record<string, tf.Tensor>): void;
  /** Frees the state tensors. */
  dispose(): void;
}

/**
 * True for parameters that conventionally get no weight decay: biases and normalisation
 * parameters, recognised by name (`bias`, `bn`, `norm`, PyTorch's `downsample.1`/`shortcut.1`) or
 * by rank ≤ 1 (every BN γ/β and bias is a vector).
 */
export function isNoDecayParameter(name: string, variable: tf.Tensor): boolean {
  if (variable.rank <= 1) return true;
  const parts = name.toLowerCase().split('.');
  const leaf = parts[parts.length - 1];
  if (leaf === 'bias' || leaf === 'beta' || leaf === 'gamma') return true;
  return parts.some((p) => p.startsWith('bn') || p.includes('norm'));
}

/** Builds the optimiser described by `config` over the named variables. */
export function createOptimizer(config: OptimizerConfig, params: Array<[string, tf.Variable]>): Optimizer {
  // Imported lazily-by-reference to keep the one-concept-per-file layout without cycles.
  switch (config.type) {
    case 'sgd':
      return new SGD(config, params);
    case 'adam':
    case 'adamw':
      return new Adam(config, params);
    default:
      throw new Error(`createOptimizer: unknown optimizer type "${(config as { type: string }).type}" (use sgd, adam, adamw)`);
  }
}

/** Validates the shared options and returns the per-parameter decay coefficient. */
function decayTable(config: OptimizerConfig, params: Array<[string, tf.Variable]>): Map<string, number> {
  const wd = config.weightDecay ?? 0;
  if (!(wd >= 0) || !Number.isFinite(wd)) throw new RangeError(`optimizer: weightDecay must be ≥ 0, got ${wd}`);
  const table = new Map<string, number>();
  for (const [name, v] of params) {
    table.set(name, config.noDecayOnBnAndBias && isNoDecayParameter(name, v) ? 0 : wd);
  }
  return table;
}

function checkParams(params: Array<[string, tf.Variable]>): Map<string, tf.Variable> {
  const m = new Map<string, tf.Variable>();
  for (const [name, v] of params) {
    if (m.has(name)) throw new Error(`optimizer: duplicate parameter name "${name}"`);
    m.set(name, v);
  }
  return m;
}

function loadTensor(tensors: Record<string, tf.Tensor>, key: string, like: tf.Variable): tf.Tensor {
  const t = tensors[key];
  if (!t) throw new Error(`optimizer.loadState: missing state tensor "${key}"`);
  if (t.shape.join(',') !== like.shape.join(',')) {
    throw new Error(`optimizer.loadState: "${key}" has shape [${t.shape}], expected [${like.shape}]`);
  }
  return tf.keep(tf.clone(t));
}

/**
 * SGD as `torch.optim.SGD` (momentum, dampening, Nesterov, L2 weight decay), plus decoupled decay:
 *
 * ```
 * g ← ∇ + wd·p            (L2; skipped when decoupled)
 * b ← g  (first step) | μ·b + (1−dampening)·g
 * d ← g + μ·b (Nesterov) | b
 * p ← p − lr·d − lr·wd·p  (last term only when decoupled)
 * ```
 */
export class SGD implements Optimizer {
  readonly config: import('./types.js').SgdConfig;
  private readonly params: Map<string, tf.Variable>;
  private readonly decay: Map<string, number>;
  private readonly buffers = new Map<string, tf.Tensor>();
  private steps = 0;

  constructor(config: import('./types.js').SgdConfig, params: Array<[string, tf.Variable]>) {
    const momentum = config.momentum ?? 0.9;
    if (!(momentum >= 0)) throw new RangeError(`SGD: momentum must be ≥ 0, got ${momentum}`);
    if (config.nesterov && (momentum <= 0 || (config.dampening ?? 0) !== 0)) {
      throw new Error('SGD: Nesterov momentum requires momentum > 0 and dampening 0');
    }
    this.config = { ...config, momentum };
    this.params = checkParams(params);
    this.decay = decayTable(config, params);
  }

  get stepCount(): number {
    return this.steps;
  }

  step(grads: Record<string, tf.Tensor>, lr: number): void {
    if (!Number.isFinite(lr)) throw new RangeError(`SGD.step: learning rate must be finite, got ${lr}`);
    const mu = this.config.momentum ?? 0.9;
    const damp = this.config.dampening ?? 0;
    const decoupled = this.config.decoupled ?? false;
    for (const [name, p] of this.params) {
      const grad = grads[name];
      if (!grad) continue;
      const wd = this.decay.get(name) ?? 0;
      tf.tidy(() => {
        let g: tf.Tensor = grad;
        if (wd !== 0 && !decoupled) g = tf.add(g, tf.mul(p, wd));
        if (mu !== 0) {
          const old = this.buffers.get(name);
          const buf = old ? tf.add(tf.mul(old, mu), damp === 0 ? g : tf.mul(g, 1 - damp)) : tf.clone(g);
          if (old) old.dispose();
          this.buffers.set(name, tf.keep(buf));
          g = this.config.nesterov ? tf.add(g, tf.mul(buf, mu)) : buf;
        }
        let next = tf.sub(p, tf.mul(g, lr));
        if (wd !== 0 && decoupled) next = tf.sub(next, tf.mul(p, lr * wd));
        p.assign(next);
      });
    }
    this.steps++;
  }

  stateTensors(): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    for (const [name, b] of this.buffers) out[`momentum_buffer/${name}`] = b;
    return out;
  }

  stateJson(): OptimizerStateJson {
    return { type: 'sgd', stepCount: this.steps, buffers: [...this.buffers.keys()] };
  }

  loadState(json: OptimizerStateJson, tensors: Record<string, tf.Tensor>): void {
    if (json.type !== 'sgd') throw new Error(`SGD.loadState: state is for "${json.type}", not sgd`);
    const names = (json.buffers as string[] | undefined) ?? [];
    const fresh = new Map<string, tf.Tensor>();
    for (const name of names) {
      const p = this.params.get(name);
      if (!p) throw new Error(`SGD.loadState: state for unknown parameter "${name}"`);
      fresh.set(name, loadTensor(tensors, `momentum_buffer/${name}`, p));
    }
    this.disposeBuffers();
    for (const [k, v] of fresh) this.buffers.set(k, v);
    this.steps = json.stepCount;
  }

  dispose(): void {
    this.disposeBuffers();
  }

  private disposeBuffers(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}

/**
 * Adam / AdamW as `torch.optim.Adam` / `torch.optim.AdamW`:
 *
 * ```
 * adam:  g ← ∇ + wd·p                 adamw: p ← p·(1 − lr·wd)
 * m ← β1·m + (1−β1)·g ;  v ← β2·v + (1−β2)·g²   (v̂max ← max(v̂max, v) with amsgrad)
 * p ← p − lr/(1−β1^t) · m / (√v / √(1−β2^t) + eps)
 * ```
 */
export class Adam implements Optimizer {
  readonly config: import('./types.js').AdamConfig;
  private readonly params: Map<string, tf.Variable>;
  private readonly decay: Map<string, number>;
  private readonly m = new Map<string, tf.Tensor>();
  private readonly v = new Map<string, tf.Tensor>();
  private readonly vMax = new Map<string, tf.Tensor>();
  private steps = 0;

  constructor(config: import('./types.js').AdamConfig, params: Array<[string, tf.Variable]>) {
    const beta1 = config.beta1 ?? 0.9;
    const beta2 = config.beta2 ?? 0.999;
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new RangeError(`Adam: betas must be in [0, 1), got (${beta1}, ${beta2})`);
    }
    this.config = { ...config, beta1, beta2, epsilon: config.epsilon ?? 1e-8 };
    this.params = checkParams(params);
    this.decay = decayTable(config, params);
  }

  get stepCount(): number {
    return this.steps;
  }

  step(grads: Record<string, tf.Tensor>, lr: number): void {
    if (!Number.isFinite(lr)) throw new RangeError(`Adam.step: learning rate must be finite, got ${lr}`);
    const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } = this.config;
    const decoupled = this.config.type === 'adamw';
    const t = this.steps + 1;
    const bc1 = 1 - Math.pow(beta1, t);
    const bc2 = 1 - Math.pow(beta2, t);
    for (const [name, p] of this.params) {
      const grad = grads[name];
      if (!grad) continue;
      const wd = this.decay.get(name) ?? 0;
      tf.tidy(() => {
        let g: tf.Tensor = grad;
        let base: tf.Tensor = p;
        if (wd !== 0) {
          if (decoupled) base = tf.mul(p, 1 - lr * wd);
          else g = tf.add(g, tf.mul(p, wd));
        }
        const m0 = this.m.get(name);
        const v0 = this.v.get(name);
        const m1 = m0 ? tf.add(tf.mul(m0, beta1), tf.mul(g, 1 - beta1)) : tf.mul(g, 1 - beta1);
        const g2 = tf.square(g);
        const v1 = v0 ? tf.add(tf.mul(v0, beta2), tf.mul(g2, 1 - beta2)) : tf.mul(g2, 1 - beta2);
        m0?.dispose();
        v0?.dispose();
        this.m.set(name, tf.keep(m1));
        this.v.set(name, tf.keep(v1));
        let vUse = v1;
        if (this.config.amsgrad) {
          const old = this.vMax.get(name);
          const vm = old ? tf.maximum(old, v1) : tf.clone(v1);
          old?.dispose();
          this.vMax.set(name, tf.keep(vm));
          vUse = vm;
        }
        const denom = tf.add(tf.div(tf.sqrt(vUse), Math.sqrt(bc2)), epsilon);
        p.assign(tf.sub(base, tf.mul(tf.div(m1, denom), lr / bc1)));
      });
    }
    this.steps = t;
  }

  stateTensors(): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    for (const [name, t] of this.m) out[`exp_avg/${name}`] = t;
    for (const [name, t] of this.v) out[`exp_avg_sq/${name}`] = t;
    for (const [name, t] of this.vMax) out[`max_exp_avg_sq/${name}`] = t;
    return out;
  }

  stateJson(): OptimizerStateJson {
    return { type: this.config.type, stepCount: this.steps, params: [...this.m.keys()], amsgrad: [...this.vMax.keys()] };
  }

  loadState(json: OptimizerStateJson, tensors: Record<string, tf.Tensor>): void {
    if (json.type !== this.config.type) throw new Error(`Adam.loadState: state is for "${json.type}", not ${this.config.type}`);
    const names = (json.params as string[] | undefined) ?? [];
    const amsNames = (json.amsgrad as string[] | undefined) ?? [];
    const m = new Map<string, tf.Tensor>();
    const v = new Map<string, tf.Tensor>();
    const vm = new Map<string, tf.Tensor>();
    try {
      for (const name of names) {
        const p = this.params.get(name);
        if (!p) throw new Error(`Adam.loadState: state for unknown parameter "${name}"`);
        m.set(name, loadTensor(tensors, `exp_avg/${name}`, p));
        v.set(name, loadTensor(tensors, `exp_avg_sq/${name}`, p));
      }
      for (const name of amsNames) {
        const p = this.params.get(name);
        if (!p) throw new Error(`Adam.loadState: state for unknown parameter "${name}"`);
        vm.set(name, loadTensor(tensors, `max_exp_avg_sq/${name}`, p));
      }
    } catch (e) {
      for (const t of [...m.values(), ...v.values(), ...vm.values()]) t.dispose();
      throw e;
    }
    this.dispose();
    for (const [k, t] of m) this.m.set(k, t);
    for (const [k, t] of v) this.v.set(k, t);
    for (const [k, t] of vm) this.vMax.set(k, t);
    this.steps = json.stepCount;
  }

  dispose(): void {
    for (const map of [this.m, this.v, this.vMax]) {
      for (const t of map.values()) t.dispose();
      map.clear();
    }
  }
}

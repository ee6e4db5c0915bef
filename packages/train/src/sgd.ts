import * as tf from '@tensorflow/tfjs-core';
import type { SgdConfig } from './types.js';
import type { Optimizer, OptimizerStateJson } from './optimizer.js';
import { checkParams, decayTable, loadTensor } from './param-groups.js';

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
  readonly config: SgdConfig;
  private readonly params: Map<string, tf.Variable>;
  private readonly decay: Map<string, number>;
  private readonly buffers = new Map<string, tf.Tensor>();
  private steps = 0;

  constructor(config: SgdConfig, params: Array<[string, tf.Variable]>) {
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


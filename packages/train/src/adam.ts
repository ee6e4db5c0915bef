import * as tf from '@tensorflow/tfjs-core';
import type { AdamConfig } from './types.js';
import type { Optimizer, OptimizerStateJson } from './optimizer.js';
import { checkParams, decayTable, loadTensor } from './param-groups.js';

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
  readonly config: AdamConfig;
  private readonly params: Map<string, tf.Variable>;
  private readonly decay: Map<string, number>;
  private readonly m = new Map<string, tf.Tensor>();
  private readonly v = new Map<string, tf.Tensor>();
  private readonly vMax = new Map<string, tf.Tensor>();
  private steps = 0;

  constructor(config: AdamConfig, params: Array<[string, tf.Variable]>) {
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

import type { Tensor } from '@tensorflow/tfjs-core';

// Node ≥ 20 and current browsers define Symbol.dispose; elsewhere the registered symbol keeps
// `scope[Symbol.dispose]()` callable and is what TypeScript's `using` down-levelling looks up.
const disposeSymbol: typeof Symbol.dispose = (Symbol as { dispose?: typeof Symbol.dispose }).dispose ?? (Symbol.for('Symbol.dispose') as typeof Symbol.dispose);

/**
 * Owns the tensors of an asynchronous computation, where `tf.tidy` cannot (it only spans
 * synchronous code): what is tracked is disposed when the scope ends, on success and on error,
 * except what was handed out with {@link TensorScope.keep}.
 *
 * Loops that carry tensors from step to step (an attack's iterate, its best point so far, a
 * gradient; several names may point at one tensor) track every new tensor and, after each step,
 * call {@link TensorScope.collect} with the tensors still referenced: the rest is disposed.
 *
 * ```ts
 * const x = await withTensorScope(async (scope) => {
 *   let xAdv = scope.track(tf.clone(images));
 *   for (let i = 0; i < steps; i++) {
 *     const grad = scope.track(gradient(xAdv));
 *     xAdv = scope.track(tf.tidy(() => step(xAdv, grad)));
 *     scope.collect([xAdv]);
 *     await progress();
 *   }
 *   return scope.keep(xAdv);
 * });
 * ```
 */
export class TensorScope {
  readonly #owned = new Set<Tensor>();

  /** Takes ownership of `tensor` and returns it. */
  track<T extends Tensor>(tensor: T): T {
    this.#owned.add(tensor);
    return tensor;
  }

  /** Takes ownership of each tensor of `tensors` and returns the list. */
  trackAll<T extends readonly Tensor[]>(tensors: T): T {
    for (const t of tensors) this.#owned.add(t);
    return tensors;
  }

  /** Hands `tensor` to the caller: the scope no longer disposes it. */
  keep<T extends Tensor>(tensor: T): T {
    this.#owned.delete(tensor);
    return tensor;
  }

  /** Disposes `tensor` now if this scope owns it. */
  release(tensor: Tensor): void {
    if (this.#owned.delete(tensor)) tensor.dispose();
  }

  /** Disposes every owned tensor not in `live`; `live` may repeat a tensor or hold untracked ones. */
  collect(live: Iterable<Tensor>): void {
    const keep = new Set(live);
    for (const t of this.#owned) {
      if (keep.has(t)) continue;
      this.#owned.delete(t);
      t.dispose();
    }
  }

  /** How many tensors the scope owns (for tests and leak hunts). */
  get size(): number {
    return this.#owned.size;
  }

  /** Disposes every tensor still owned. Safe to call twice. */
  dispose(): void {
    for (const t of this.#owned) t.dispose();
    this.#owned.clear();
  }

  [disposeSymbol](): void {
    this.dispose();
  }
}

/**
 * Runs `body` with a fresh {@link TensorScope} and disposes what it still owns when `body` settles,
 * whether it returned or threw. Return tensors through `scope.keep`.
 */
export async function withTensorScope<R>(body: (scope: TensorScope) => R | Promise<R>): Promise<R> {
  const scope = new TensorScope();
  try {
    return await body(scope);
  } finally {
    scope.dispose();
  }
}

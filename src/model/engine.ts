// The training step as kernel calls: forward through the layers (each given its call buffers and its
// input pointer, which the engine keeps for the backward), the loss (fused with the last layer's
// softmax/sigmoid where that is exact), backward into the gradient block, the state updates of a
// step that passed its checks, regularisation values, gradient norms and metrics. It runs on
// pointers of the current plan and allocates nothing; batching, epochs and callbacks are in src/train/fit.ts.

import type { Kernels } from '../backend/abi.js';
import type { FloatHeap } from '../memory/arena.js';
import type { Layer, LayerBuffers } from '../layers/layer.js';
import type { ResolvedLoss } from '../losses.js';
import { metricValue, type MetricBuffers, type ResolvedMetric } from '../metrics.js';
import type { Plan } from './plan.js';

/**
 * How the loss meets the last layer:
 * - softmaxCce / softmaxSparseCce: softmax output + (sparse) categorical cross-entropy → one fused
 *   kernel on the pre-softmax Z (which Dense writes into its output buffer: the kernel turns it into p
 *   in place), gradient (p − t)/M straight into dZ;
 * - sigmoidBce: sigmoid output + binary cross-entropy → loss by bce_forward on A (Keras clipping),
 *   gradient (σ(z) − t)/(M·N) into dZ by bce_logits_backward;
 * - logitsCce / logitsSparseCce / logitsBce: `fromLogits: true`, the output is logits;
 * - plain: `<loss>_forward/_backward` on the output, then the layer's own activation backward.
 */
export type LossHead = 'softmaxCce' | 'softmaxSparseCce' | 'sigmoidBce' | 'logitsCce' | 'logitsSparseCce' | 'logitsBce' | 'plain';

export function chooseHead(loss: ResolvedLoss, last: Layer): LossHead {
  const act = last.outputActivation();
  if (loss.fromLogits) return loss.kind === 'cce' ? 'logitsCce' : loss.kind === 'sparseCce' ? 'logitsSparseCce' : 'logitsBce';
  if (act?.kind === 'softmax' && loss.kind === 'cce') return 'softmaxCce';
  if (act?.kind === 'softmax' && loss.kind === 'sparseCce') return 'softmaxSparseCce';
  if (act?.name === 'sigmoid' && loss.kind === 'bce') return 'sigmoidBce';
  return 'plain';
}

export class Engine {
  /** Set by the model whenever it lays out a new plan or compiles. */
  plan!: Plan;
  loss!: ResolvedLoss;
  head: LossHead = 'plain';
  /** needBackward[i]: some layer at or before i has trainable weights, so layer i's backward matters. */
  private needBackward: boolean[] = [];
  /** Layers whose state changes after a training step (BatchNormalization's moving statistics). */
  private stateful: number[] = [];
  /** Regularised trainable tensors: parameter pointer, element count, l1, l2 (cached so a step allocates nothing). */
  private regPtrs: number[] = [];
  private regCounts: number[] = [];
  private regL1: number[] = [];
  private regL2: number[] = [];
  /** Per layer with trainable weights: the first one's gradient pointer and size (history.gradNorm). */
  private normPtrs: number[] = [];
  private normCounts: number[] = [];
  /** Input pointer of each layer in the last forward (its backward reads it). */
  private inputs: number[] = [];
  private bufs: LayerBuffers[] = [];
  /** The prediction pointer of the last forward. */
  private out = 0;
  private readonly mb: MetricBuffers = { pred: 0, target: 0, idxA: 0, idxB: 0, M: 0, N: 0, threshold: 0.5 };

  constructor(
    readonly k: Kernels,
    readonly heap: () => FloatHeap,
    readonly layers: readonly Layer[],
  ) {}

  /** Call after layers, plan, trainability or loss change. */
  refresh(): void {
    const plan = this.plan;
    this.bufs = plan.layers;
    this.inputs = this.layers.map(() => 0);
    let seen = false;
    this.needBackward = this.layers.map((_, i) => (seen = seen || plan.layers[i].dw.some((g) => g !== 0)));
    this.stateful = [];
    this.layers.forEach((l, i) => {
      if (l.hasStateUpdate()) this.stateful.push(i);
    });
    this.regPtrs = [];
    this.regCounts = [];
    this.regL1 = [];
    this.regL2 = [];
    this.normPtrs = this.layers.map(() => 0);
    this.normCounts = this.layers.map(() => 0);
    for (const t of plan.tensors) {
      if (!t.trainable) continue;
      if (this.normPtrs[t.layerIndex] === 0) {
        this.normPtrs[t.layerIndex] = t.grad;
        this.normCounts[t.layerIndex] = t.count;
      }
      const r = t.decl.regularizer;
      if (!r || (r.l1 === 0 && r.l2 === 0)) continue;
      this.regPtrs.push(t.ptr);
      this.regCounts.push(t.count);
      this.regL1.push(r.l1);
      this.regL2.push(r.l2);
    }
    if (this.loss) this.head = chooseHead(this.loss, this.layers[this.layers.length - 1]);
  }

  /** Forward only; returns the output pointer [M, outSize]. */
  forward(x: number, M: number, training: boolean): number {
    let h = x;
    for (let i = 0; i < this.layers.length; i++) {
      this.inputs[i] = h;
      h = this.layers[i].forward(this.k, this.bufs[i], h, M, training);
    }
    this.out = h;
    return h;
  }

  /** Forward and the data loss (no regularisation) for targets at y. The prediction is then at output(). */
  forwardLoss(x: number, y: number, M: number, training: boolean): number {
    const k = this.k;
    const L = this.layers.length;
    const last = this.layers[L - 1];
    const lb = this.bufs[L - 1];
    const N = this.plan.outSize;
    let h = x;
    for (let i = 0; i < L - 1; i++) {
      this.inputs[i] = h;
      h = this.layers[i].forward(k, this.bufs[i], h, M, training);
    }
    this.inputs[L - 1] = h;
    if (this.head === 'softmaxCce' || this.head === 'softmaxSparseCce') {
      const z = last.forwardLogits(k, lb, h, M);
      this.out = lb.y;
      if (this.head === 'softmaxCce') return k.softmax_cce_forward(this.out, z, y, M, N);
      return k.softmax_sparse_cce_forward(this.out, z, y, M, N);
    }
    const out = last.forward(k, lb, h, M, training);
    this.out = out;
    switch (this.head) {
      case 'sigmoidBce':
        return k.bce_forward(out, y, M, N);
      case 'logitsCce':
        return k.softmax_cce_forward(this.plan.probs, out, y, M, N);
      case 'logitsSparseCce':
        return k.softmax_sparse_cce_forward(this.plan.probs, out, y, M, N);
      case 'logitsBce':
        return k.bce_logits_forward(out, y, M, N);
    }
    switch (this.loss.kind) {
      case 'mse':
        return k.mse_forward(out, y, M, N);
      case 'mae':
        return k.mae_forward(out, y, M, N);
      case 'bce':
        return k.bce_forward(out, y, M, N);
      case 'cce':
        return k.cce_forward(out, y, M, N);
      case 'sparseCce':
        return k.sparse_cce_forward(out, y, M, N);
    }
  }

  /** The pointer of the last forward's prediction (probabilities, or logits with fromLogits). */
  output(): number {
    return this.out;
  }

  /** Backward after forwardLoss(…, training = true): fills the gradient block. */
  backward(y: number, M: number): void {
    const k = this.k;
    const L = this.layers.length;
    if (!this.needBackward[L - 1]) return; // nothing is trained: nothing to differentiate
    const last = this.layers[L - 1];
    const lb = this.bufs[L - 1];
    const N = this.plan.outSize;
    let fromLogits = false;
    switch (this.head) {
      case 'softmaxCce':
      case 'softmaxSparseCce':
      case 'sigmoidBce': {
        fromLogits = true;
        const dz = last.logitsGradient(lb, this.dxOf(L - 1));
        if (dz === 0) return; // the pre-activation is a model input: nothing to differentiate
        if (this.head === 'softmaxCce') k.softmax_cce_backward(dz, lb.y, y, M, N);
        else if (this.head === 'softmaxSparseCce') k.softmax_sparse_cce_backward(dz, lb.y, y, M, N);
        else k.bce_logits_backward(dz, last.logits(lb, this.inputs[L - 1]), y, M, N);
        break;
      }
      case 'logitsCce':
        k.softmax_cce_backward(lb.dy, this.plan.probs, y, M, N);
        break;
      case 'logitsSparseCce':
        k.softmax_sparse_cce_backward(lb.dy, this.plan.probs, y, M, N);
        break;
      case 'logitsBce':
        k.bce_logits_backward(lb.dy, this.out, y, M, N);
        break;
      case 'plain': {
        const g = lb.dy;
        const out = this.out;
        switch (this.loss.kind) {
          case 'mse': k.mse_backward(g, out, y, M, N); break;
          case 'mae': k.mae_backward(g, out, y, M, N); break;
          case 'bce': k.bce_backward(g, out, y, M, N); break;
          case 'cce': k.cce_backward(g, out, y, M, N); break;
          case 'sparseCce': k.sparse_cce_backward(g, out, y, M, N); break;
        }
      }
    }
    for (let i = L - 1; i >= 0; i--) {
      if (!this.needBackward[i]) break;
      this.layers[i].backward(k, this.bufs[i], this.inputs[i], M, this.dxOf(i), i === L - 1 && fromLogits);
    }
  }

  private dxOf(i: number): number {
    return i > 0 && this.needBackward[i - 1] ? this.bufs[i - 1].dy : 0;
  }

  /** After a training step passed its checks: the layers' state updates (moving statistics). */
  updateState(M: number): void {
    for (let j = 0; j < this.stateful.length; j++) {
      const i = this.stateful[j];
      this.layers[i].updateState(this.k, this.bufs[i], M);
    }
  }

  /** Σ over regularised trainable tensors of l1·Σ|w| + l2·Σw² (added to the reported loss, as Keras does). */
  regularization(): number {
    let total = 0;
    for (let i = 0; i < this.regPtrs.length; i++) total += this.k.l1l2_value(this.regPtrs[i], this.regCounts[i], this.regL1[i], this.regL2[i]);
    return total;
  }

  /** Adds the gradient norm of each layer's first trained weight (a Dense kernel) into sums[layer]; other layers: untouched. */
  addKernelGradNorms(sums: Float64Array): void {
    for (let i = 0; i < this.layers.length; i++) {
      if (this.normPtrs[i] !== 0) sums[i] += Math.sqrt(this.k.sum_squares(this.normPtrs[i], this.normCounts[i]));
    }
  }

  /** Whether layer i has a trained weight (so history.gradNorm has a row for it). */
  hasGradNorm(i: number): boolean {
    return this.normPtrs[i] !== 0;
  }

  /** Adds rows·metric(batch) into sums[j] for each metric, on the last forward's prediction. */
  addMetrics(metrics: readonly ResolvedMetric[], y: number, M: number, sums: Float64Array): void {
    const b = this.mb;
    b.pred = this.output();
    b.target = y;
    b.idxA = this.plan.idxA;
    b.idxB = this.plan.idxB;
    b.M = M;
    b.N = this.plan.outSize;
    b.threshold = this.loss.fromLogits ? 0 : 0.5;
    for (let j = 0; j < metrics.length; j++) sums[j] += M * metricValue(this.k, this.heap, metrics[j].kind, b);
  }
}

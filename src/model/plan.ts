// The memory plan: one function lays out everything a model needs in its arena, in this order —
// parameters of all layers contiguous [W1, b1, W2, b2, …], gradients in the identical layout,
// optimizer slots (one block per slot, same layout), per-layer activation buffers for `batchCap`
// rows, batch scratch, then the training/validation data copies. It only assigns pointers; copying
// weights and slots across a re-plan is the model's job (sequential.ts).

import type { Arena } from '../memory/arena.js';
import type { Layer } from '../layers/layer.js';

/** What a plan must hold room for. A plan is reused while every field is ≤ what it was laid out for. */
export interface PlanSize {
  batchCap: number;
  trainRows: number;
  valRows: number;
  /** Width of a target row: the output units, or 1 for class ids (sparse loss). */
  yWidth: number;
  slotCount: number;
}

export interface Plan extends PlanSize {
  inDim: number;
  outDim: number;
  /** Parameter block: n floats at `params`; gradients in the same layout at `grads`. */
  params: number;
  grads: number;
  n: number;
  slots: number[];
  /** Per weight tensor, in block order: parameter pointer, gradient pointer, element count. */
  tensorParams: number[];
  tensorGrads: number[];
  tensorCounts: number[];
  /** Batch scratch: inputs [cap, inDim], targets [cap, yWidth], two [cap] index rows, probabilities [cap, outDim]. */
  xBatch: number;
  yBatch: number;
  idxA: number;
  idxB: number;
  probs: number;
  /** Data copies: [trainRows, inDim], [trainRows, yWidth], and the same for validation. */
  trainX: number;
  trainY: number;
  valX: number;
  valY: number;
}

/** Lays out a plan for built layers (inDim/outDim set) and assigns each layer's pointers. */
export function layoutPlan(arena: Arena, layers: readonly Layer[], size: PlanSize): Plan {
  const inDim = layers[0].inDim;
  const outDim = layers[layers.length - 1].outDim;
  let n = 0;
  const offsets: number[][] = [];
  const counts: number[] = [];
  for (const layer of layers) {
    const mine: number[] = [];
    for (const spec of layer.paramSpecs(layer.inDim)) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      mine.push(n);
      counts.push(count);
      n += count;
    }
    offsets.push(mine);
  }
  const params = arena.alloc(n);
  const grads = arena.alloc(n);
  const slots: number[] = [];
  for (let s = 0; s < size.slotCount; s++) slots.push(arena.alloc(n));
  const tensorParams: number[] = [];
  const tensorGrads: number[] = [];
  layers.forEach((layer, i) => {
    layer.params = offsets[i].map((o) => params + o * 4);
    layer.grads = offsets[i].map((o) => grads + o * 4);
    tensorParams.push(...layer.params);
    tensorGrads.push(...layer.grads);
  });
  const cap = size.batchCap;
  layers.forEach((layer, i) => {
    layer.bufs = [];
    const count = layer.bufferCount(i === layers.length - 1);
    for (let b = 0; b < count; b++) layer.bufs.push(arena.alloc(cap * layer.outDim));
  });
  const xBatch = arena.alloc(cap * inDim);
  const yBatch = arena.alloc(cap * size.yWidth);
  const idxA = arena.alloc(cap);
  const idxB = arena.alloc(cap);
  const probs = arena.alloc(cap * outDim);
  const trainX = arena.alloc(size.trainRows * inDim);
  const trainY = arena.alloc(size.trainRows * size.yWidth);
  const valX = arena.alloc(size.valRows * inDim);
  const valY = arena.alloc(size.valRows * size.yWidth);
  return {
    ...size,
    inDim,
    outDim,
    params,
    grads,
    n,
    slots,
    tensorParams,
    tensorGrads,
    tensorCounts: counts,
    xBatch,
    yBatch,
    idxA,
    idxB,
    probs,
    trainX,
    trainY,
    valX,
    valY,
  };
}

/** True when `plan` has room for `size` (so no re-plan, and no memory change, is needed). */
export function planFits(plan: Plan | undefined, size: PlanSize): boolean {
  return (
    plan !== undefined &&
    plan.batchCap >= size.batchCap &&
    plan.trainRows >= size.trainRows &&
    plan.valRows >= size.valRows &&
    plan.yWidth === size.yWidth &&
    plan.slotCount === size.slotCount
  );
}

// The memory plan: one function lays out everything a model needs in its arena, in this order —
//   trainable weights of all layers, contiguous [W1, b1, W2, b2, …]   (the optimizer's block)
//   their gradients, in the identical layout
//   the optimizer's slots, one block per slot, same layout
//   non-trainable state (moving statistics, frozen layers' weights)
//   the per-call region: each layer's output, output gradient and saved buffers for `batchCap`
//     rows, then the batch scratch (inputs, targets, index rows, probabilities)
//   the training and validation data copies.
// So clipping and the optimizer are one kernel call each over the whole model. Every pointer of a
// call's buffers lies inside [callStart, callEnd): a copy of that region at another offset is a
// second, independent set of call buffers over the same weights (one per worker thread).
// It only assigns pointers; copying weights and slots across a re-plan is the model's job.

import type { Arena } from '../memory/arena.js';
import { shapeSize, type Layer, type LayerBuffers, type LayerBuild, type Shape, type WeightDecl } from '../layers/layer.js';

/** What a plan must hold room for. A plan is reused while every field is ≤ what it was laid out for. */
export interface PlanSize {
  batchCap: number;
  trainRows: number;
  valRows: number;
  /** Width of a target row: the output units, or 1 for class ids (sparse loss). */
  yWidth: number;
  slotCount: number;
}

/** One weight tensor of the model, in getWeights() order (layer by layer, declaration order). */
export interface TensorEntry {
  readonly layer: Layer;
  readonly layerIndex: number;
  readonly decl: WeightDecl;
  /** `layer/weight` (the name model files use). */
  readonly name: string;
  readonly count: number;
  /** Whether it is in the trainable block (its layer trainable and the weight not state). */
  readonly trainable: boolean;
  readonly ptr: number;
  /** Gradient pointer; 0 for a weight that is not trained. */
  readonly grad: number;
  /** Offset (floats) in the trainable block, or in the state block. */
  readonly offset: number;
}

/** What a plan is laid out for besides its size: the layer builds, the input shape, which layers train. */
export interface Layout {
  readonly builds: readonly LayerBuild[];
  readonly inputShape: Shape;
  readonly trainable: readonly boolean[];
}

export interface Plan extends PlanSize {
  layout: Layout;
  inputShape: Shape;
  outputShape: Shape;
  /** Floats per sample at the input and the output. */
  inSize: number;
  outSize: number;
  /** Trainable block: n floats at `params`; gradients in the same layout at `grads`; slots likewise. */
  params: number;
  grads: number;
  n: number;
  slots: number[];
  /** Non-trainable state: stateN floats at `state`. */
  state: number;
  stateN: number;
  tensors: TensorEntry[];
  /** Per trainable tensor, in block order: gradient pointer and element count (clipNorm). */
  tensorGrads: number[];
  tensorCounts: number[];
  /** Each layer's buffers for one call. */
  layers: LayerBuffers[];
  callStart: number;
  callEnd: number;
  /** Batch scratch: inputs [cap, inSize], targets [cap, yWidth], two [cap] index rows, probabilities [cap, outSize]. */
  xBatch: number;
  yBatch: number;
  idxA: number;
  idxB: number;
  probs: number;
  /** Data copies: [trainRows, inSize], [trainRows, yWidth], and the same for validation. */
  trainX: number;
  trainY: number;
  valX: number;
  valY: number;
}

/** Floats a plan for these layers needs, without laying it out (to refuse a size before touching memory). */
export function planFloats(builds: readonly LayerBuild[], inSize: number, outSize: number, size: PlanSize): number {
  let weights = 0;
  let call = 0;
  for (const b of builds) {
    for (const w of b.weights) weights += shapeSize(w.shape);
    const out = shapeSize(b.outputShape);
    if (!b.outputIsInput) call += size.batchCap * out;
    if (!b.gradientPassesThrough) call += size.batchCap * out;
    for (const s of b.buffers) call += size.batchCap * s.perSample + s.fixed;
  }
  call += size.batchCap * (inSize + size.yWidth + 2 + outSize);
  const data = (size.trainRows + size.valRows) * (inSize + size.yWidth);
  // Gradients and slots at most as large as the weights; 4 floats of alignment per allocation at most.
  return weights * (2 + size.slotCount) + call + data + 4 * (4 * builds.length + 16);
}

/** Lays out a plan for built layers and returns it with each layer's call buffers. */
export function layoutPlan(arena: Arena, layers: readonly Layer[], layout: Layout, size: PlanSize): Plan {
  const { builds, inputShape } = layout;
  const outputShape = builds[builds.length - 1].outputShape;
  const inSize = shapeSize(inputShape);
  const outSize = shapeSize(outputShape);
  // Offsets first: trainable tensors in one block, state in the other.
  let n = 0;
  let stateN = 0;
  const placed = builds.map((b, i) =>
    b.weights.map((decl) => {
      const count = shapeSize(decl.shape);
      const trainable = decl.trainable && layout.trainable[i];
      const offset = trainable ? n : stateN;
      if (trainable) n += count;
      else stateN += count;
      return { decl, count, trainable, offset };
    }),
  );
  const params = arena.alloc(n);
  const grads = arena.alloc(n);
  const slots: number[] = [];
  for (let s = 0; s < size.slotCount; s++) slots.push(arena.alloc(n));
  const state = arena.alloc(stateN);
  const tensors: TensorEntry[] = [];
  placed.forEach((list, i) => {
    for (const t of list) {
      tensors.push({
        layer: layers[i],
        layerIndex: i,
        decl: t.decl,
        name: `${layers[i].name}/${t.decl.name}`,
        count: t.count,
        trainable: t.trainable,
        ptr: (t.trainable ? params : state) + t.offset * 4,
        grad: t.trainable ? grads + t.offset * 4 : 0,
        offset: t.offset,
      });
    }
  });
  const trainedTensors = tensors.filter((t) => t.trainable);

  // The per-call region.
  const cap = size.batchCap;
  const callStart = arena.mark();
  const buffers: LayerBuffers[] = [];
  let tensorAt = 0;
  builds.forEach((b, i) => {
    const out = shapeSize(b.outputShape);
    const w: number[] = [];
    const dw: number[] = [];
    for (let j = 0; j < b.weights.length; j++, tensorAt++) {
      w.push(tensors[tensorAt].ptr);
      dw.push(tensors[tensorAt].grad);
    }
    const y = b.outputIsInput ? 0 : arena.alloc(cap * out);
    // A pass-through gradient is the input's gradient buffer (0 for the first layer: no input gradient).
    const dy = b.gradientPassesThrough ? (i > 0 ? buffers[i - 1].dy : 0) : arena.alloc(cap * out);
    const saved = b.buffers.map((s) => arena.alloc(cap * s.perSample + s.fixed));
    buffers.push({ w, dw, saved, y, dy });
  });
  const xBatch = arena.alloc(cap * inSize);
  const yBatch = arena.alloc(cap * size.yWidth);
  const idxA = arena.alloc(cap);
  const idxB = arena.alloc(cap);
  const probs = arena.alloc(cap * outSize);
  const callEnd = arena.mark();
  const trainX = arena.alloc(size.trainRows * inSize);
  const trainY = arena.alloc(size.trainRows * size.yWidth);
  const valX = arena.alloc(size.valRows * inSize);
  const valY = arena.alloc(size.valRows * size.yWidth);
  return {
    ...size,
    layout,
    inputShape,
    outputShape,
    inSize,
    outSize,
    params,
    grads,
    n,
    slots,
    state,
    stateN,
    tensors,
    tensorGrads: trainedTensors.map((t) => t.grad),
    tensorCounts: trainedTensors.map((t) => t.count),
    layers: buffers,
    callStart,
    callEnd,
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

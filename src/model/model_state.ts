// The state of one model, below the Keras-facing Sequential: its layers and their builds, the memory
// plan, the engine, what compile chose, the optimizer's slots and the training stream. train/ and
// io/ work on this object. Re-planning (new layers, larger batches or data, another optimizer, a
// layer frozen or unfrozen) copies every weight and slot across tensor by tensor, and is
// transactional: if memory cannot grow, the previous plan is laid out again and nothing changed.

import type { Backend } from '../backend/backend.js';
import { formatShape, Layer, shapeSize, type LayerBuild, type LayerOwner, type Shape } from '../layers/layer.js';
import type { ResolvedLoss } from '../losses.js';
import type { ResolvedMetric } from '../metrics.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { describe, SinewError } from '../errors.js';
import { deriveSeed, Rng } from '../random.js';
import { LIMITS } from '../layers/limits.js';
import { checkTopmost, joinBackend, leaveBackend } from './backend_users.js';
import { Engine } from './engine.js';
import { checkPlanFits } from './memory_budget.js';
import { pairingWarnings } from './pairing.js';
import { readWeightTensor, type WeightInput } from './weights.js';
import { layoutPlan, planFits, type Layout, type Plan, type PlanSize, type TensorEntry } from './plan.js';

/** What fit/evaluate need from a compiled model. */
export interface Compiled {
  optimizer: Optimizer;
  loss: ResolvedLoss;
  metrics: ResolvedMetric[];
}

/** A weight tensor as getWeights returns it and setWeights takes it. */
export interface WeightTensor {
  data: Float32Array;
  shape: number[];
}

const SIZE0: PlanSize = { batchCap: 0, trainRows: 0, valRows: 0, yWidth: 0, slotCount: 0 };

export class ModelState implements LayerOwner {
  readonly layers: Layer[] = [];
  /** Each layer's build for the current input shape (empty until the input shape is known). */
  builds: LayerBuild[] = [];
  inputShape: Shape | undefined;
  plan: Plan | undefined;
  compiled: Compiled | undefined;
  /** fit is running. */
  busy = false;
  stopTraining = false;
  /** Epochs begun by fit so far: where the training stream continues (saved in checkpoints). */
  epochsStarted = 0;
  /** The seed of the training stream fit continues (fit({ seed }) restarts it; saved in checkpoints). */
  streamSeed: number;
  disposed = false;
  private slotsOwner: Optimizer | null = null;
  private readonly baseMark: number;
  private readonly user: ReturnType<typeof joinBackend>;
  /** Dropped at dispose, so the instance and its memory can be collected while the model object lives on. */
  private current: { backend: Backend; engine: Engine } | null;
  private readonly warned = new Set<string>();

  constructor(
    backend: Backend,
    readonly name: string,
    readonly seed: number,
  ) {
    this.user = joinBackend(backend, name);
    this.baseMark = this.user.baseMark;
    this.streamSeed = deriveSeed(seed, 0x0f17);
    this.current = { backend, engine: new Engine(backend.kernels, () => backend.arena.heap(), this.layers) };
  }

  get backend(): Backend {
    if (this.current === null) throw new SinewError('sinew: this model was disposed');
    return this.current.backend;
  }
  get engine(): Engine {
    if (this.current === null) throw new SinewError('sinew: this model was disposed');
    return this.current.engine;
  }

  // ---- layers and shapes ---------------------------------------------------------------------

  /** Checks and appends a layer; returns the model's input shape when known (the caller builds). */
  attach(layer: Layer): Shape | undefined {
    if (!(layer instanceof Layer)) throw new SinewError(`add: expected a layer such as new Dense(8), received ${describe(layer)}`);
    if (layer.owner !== null) throw new SinewError(`add: layer '${layer.name}' already belongs to a model; create a new layer for each model`);
    if (this.layers.length >= LIMITS.layers) throw new SinewError(`add: a model holds at most ${LIMITS.layers} layers (what a model file may describe), received layer ${this.layers.length + 1}`);
    if (this.layers.some((l) => l.name === layer.name)) throw new SinewError(`add: a layer named '${layer.name}' is already in this model; layer names must be unique`);
    const prev = this.outputShape();
    const declared = layer.declaredInputShape;
    if (this.layers.length > 0 && declared !== undefined) {
      if (prev === undefined) throw new SinewError(`add: only the first layer may declare \`inputDim\`/\`inputShape\`, received ${formatShape(declared)} on '${layer.name}'`);
      if (!sameShape(declared, prev)) {
        const widths = declared.length === 1 && prev.length === 1;
        throw new SinewError(`add: layer '${layer.name}' expects an input ${widths ? `width of ${declared[0]}` : `of shape ${formatShape(declared)}`}, but the previous layer outputs ${widths ? prev[0] : formatShape(prev)}`);
      }
    }
    // Shape check before anything changes: a layer that cannot take the previous output is refused here.
    if (this.inputShape !== undefined) layer.build(prev!, true);
    const shape = this.layers.length === 0 ? declared : this.inputShape;
    this.layers.push(layer);
    layer.owner = this;
    return shape;
  }

  /** Removes the last attached layer again (an add whose build failed). */
  detachLast(): void {
    const layer = this.layers.pop();
    if (layer) layer.owner = null;
  }

  /** The output shape for an input shape (or the known one); undefined when it cannot be determined yet. */
  outputShape(inputShape = this.inputShape): Shape | undefined {
    let s: Shape | undefined = inputShape;
    for (const layer of this.layers) s = s === undefined ? layer.fixedOutputShape() : layer.computeOutputShape(s);
    return s;
  }
  /** Output units per sample (the target width), once known. */
  outputUnits(inputShape = this.inputShape): number | undefined {
    const s = this.outputShape(inputShape);
    return s === undefined ? undefined : shapeSize(s);
  }

  /** Builds every layer for this input shape and lays out a plan (initialising new weights). */
  build(inputShape: Shape, owner = 'add'): void {
    let s = inputShape;
    const builds = this.layers.map((layer, i) => {
      const b = layer.build(s, i === this.layers.length - 1);
      s = b.outputShape;
      return b;
    });
    const units = shapeSize(s);
    this.replan({ ...(this.plan ?? SIZE0), yWidth: this.compiled ? (this.compiled.loss.kind === 'sparseCce' ? 1 : units) : 0 }, { builds, inputShape, trainable: this.layers.map((l) => l.trainable) }, owner);
    this.builds = builds;
    this.inputShape = inputShape;
    this.layers.forEach((layer, i) => {
      layer.inputShape = i === 0 ? inputShape : builds[i - 1].outputShape;
      layer.outputShape = builds[i].outputShape;
    });
  }

  ensureBuilt(inputShape: Shape, owner = 'fit'): void {
    if (this.inputShape === undefined) this.build(inputShape, owner);
  }

  /** LayerOwner: a layer was frozen or unfrozen; its weights move between blocks. */
  trainableChanged(layer: Layer): void {
    if (this.disposed) throw new SinewError(`${layer.className} '${layer.name}': its model was disposed`);
    if (this.busy) throw new SinewError(`${layer.className} '${layer.name}': \`trainable\` cannot change while fit is running; stop fit first`);
    if (this.plan) this.replan({ ...this.plan }, { ...this.plan.layout, trainable: this.layers.map((l) => l.trainable) }, `${layer.className} '${layer.name}'`);
  }

  // ---- the plan --------------------------------------------------------------------------------

  /** Makes sure the plan has room for `size` (re-planning only when it must). */
  ensurePlan(size: Partial<PlanSize>, owner = 'fit'): Plan {
    const current = this.plan ?? { ...SIZE0 };
    const want: PlanSize = {
      batchCap: Math.max(current.batchCap, size.batchCap ?? 0),
      trainRows: Math.max(current.trainRows, size.trainRows ?? 0),
      valRows: Math.max(current.valRows, size.valRows ?? 0),
      yWidth: size.yWidth ?? current.yWidth,
      slotCount: size.slotCount ?? current.slotCount,
    };
    if (!planFits(this.plan, want)) this.replan(want, this.plan?.layout ?? this.currentLayout(), owner);
    return this.plan!;
  }

  /** Room for batches of min(batchSize, rows) rows; returns the chunk to use (≤ the plan's capacity). */
  ensureBatchRoom(batchSize: number, rows: number, owner: string): number {
    const yWidth = this.compiled ? this.yWidthFor(this.compiled.loss) : undefined;
    const cap = this.plan?.batchCap ?? 0;
    const plan = this.ensurePlan({ batchCap: cap > 0 ? 0 : Math.min(batchSize, rows), yWidth }, owner);
    return Math.min(batchSize, plan.batchCap);
  }

  /** Target width: 1 for class ids, else the output units. */
  yWidthFor(loss: ResolvedLoss): number {
    return loss.kind === 'sparseCce' ? 1 : this.outputUnits()!;
  }

  private currentLayout(): Layout {
    return { builds: this.builds, inputShape: this.inputShape!, trainable: this.layers.map((l) => l.trainable) };
  }

  /** Lays out a new plan: weights and slots are copied out, the arena reset, and copied back. */
  private replan(size: PlanSize, layout: Layout, owner: string): void {
    const arena = this.backend.arena;
    const old = this.plan;
    // Refused before anything changes: a lower model on a shared backend, or a plan beyond 4 GiB.
    checkTopmost(this.backend, this.user, owner);
    const builds = layout.builds;
    checkPlanFits(owner, builds, shapeSize(layout.inputShape), shapeSize(builds[builds.length - 1].outputShape), size, old, this.baseMark);
    const heapBefore = arena.heap();
    // slice: a same-type copy (a plain memcpy), whatever the heap's float width.
    const saved = new Map<string, { values: Float32Array | Float64Array; slots: (Float32Array | Float64Array)[] }>();
    const keepSlots = old !== undefined && old.slotCount === size.slotCount && this.slotsOwner !== null;
    for (const t of old?.tensors ?? []) {
      const slots = keepSlots && t.trainable ? old!.slots.map((s) => heapBefore.slice((s >> 2) + t.offset, (s >> 2) + t.offset + t.count)) : [];
      saved.set(key(t), { values: heapBefore.slice(t.ptr >> 2, (t.ptr >> 2) + t.count), slots });
    }
    arena.release(this.baseMark);
    let plan: Plan;
    try {
      plan = layoutPlan(arena, this.layers, layout, size);
    } catch (e) {
      // Memory could not grow: lay the previous plan out again (it fitted before) and restore it.
      arena.release(this.baseMark);
      if (old) this.restore(layoutPlan(arena, this.layers.slice(0, old.layout.builds.length), old.layout, old), saved, keepSlots);
      if (e instanceof SinewError && e.owner === 'sinew') {
        throw new SinewError(`${owner}: ${e.detail}; the runtime gave no more memory, and the model is as it was (use a smaller batchSize, or fewer rows per fit call)`, { cause: e });
      }
      throw e;
    }
    this.restore(plan, saved, keepSlots);
    if (!keepSlots) this.slotsOwner = null;
  }

  /** Puts saved weights and slots into a fresh plan, initialises what is new, and makes it current. */
  private restore(plan: Plan, saved: Map<string, { values: Float32Array | Float64Array; slots: (Float32Array | Float64Array)[] }>, keepSlots: boolean): void {
    const heap = this.backend.arena.heap();
    if (keepSlots) plan.slots.forEach((s, i) => heap.fill(this.slotsOwner!.slotInitialValue(i), s >> 2, (s >> 2) + plan.n));
    for (const t of plan.tensors) {
      const old = saved.get(key(t));
      if (!old || old.values.length !== t.count) continue;
      heap.set(old.values, t.ptr >> 2);
      if (t.trainable && old.slots.length > 0) plan.slots.forEach((s, i) => heap.set(old.slots[i], (s >> 2) + t.offset));
    }
    this.layers.slice(0, plan.layout.builds.length).forEach((layer, i) => {
      if (layer.initialized) return;
      const rng = new Rng(deriveSeed(this.seed, 1 + i));
      for (const t of plan.tensors) {
        if (t.layerIndex === i) t.decl.initializer.fill(heap, t.ptr >> 2, t.count, t.decl.fans[0], t.decl.fans[1], rng);
      }
      layer.initialized = true;
    });
    this.plan = plan;
    this.engine.plan = plan;
    this.engine.refresh();
  }

  // ---- optimizer slots, weights ------------------------------------------------------------------

  /** Puts the optimizer's initial slot values in place when the optimizer changed. */
  prepareSlots(optimizer: Optimizer): void {
    if (this.slotsOwner === optimizer) return;
    const plan = this.plan!;
    for (let s = 0; s < plan.slots.length; s++) this.backend.kernels.fill(plan.slots[s], plan.n, optimizer.slotInitialValue(s));
    this.slotsOwner = optimizer;
  }

  /** The compiled optimizer's slot blocks: live views once it has trained (do not keep them), else its initial values. */
  optimizerSlots(): (Float32Array | Float64Array)[] {
    const opt = this.compiled!.optimizer;
    const plan = this.plan!;
    const heap = this.backend.arena.heap();
    return Array.from({ length: opt.slotCount() }, (_, s) => {
      if (this.slotsOwner !== opt) return new Float32Array(plan.n).fill(opt.slotInitialValue(s));
      return heap.subarray(plan.slots[s] >> 2, (plan.slots[s] >> 2) + plan.n);
    });
  }

  /** Puts saved slot blocks (each the trainable block's layout) in place for the compiled optimizer. */
  restoreOptimizerSlots(slots: readonly Float32Array[]): void {
    const c = this.compiled!;
    const plan = this.ensurePlan({ slotCount: c.optimizer.slotCount(), yWidth: this.yWidthFor(c.loss) });
    const heap = this.backend.arena.heap();
    slots.forEach((block, s) => heap.set(block, plan.slots[s] >> 2));
    this.slotsOwner = c.optimizer;
  }

  /** Every weight tensor in getWeights() order. */
  tensors(): readonly TensorEntry[] {
    this.requireBuilt('weights');
    return this.plan!.tensors;
  }

  /** A live view of one tensor (float64 on the gradient-check twin). Do not keep it. */
  view(t: TensorEntry): Float32Array | Float64Array {
    return this.backend.arena.heap().subarray(t.ptr >> 2, (t.ptr >> 2) + t.count);
  }

  /** Copies of the given tensors (default: all, getWeights() order). */
  readWeights(tensors: readonly TensorEntry[] = this.tensors()): WeightTensor[] {
    return tensors.map((t) => ({ data: new Float32Array(this.view(t)), shape: [...t.decl.shape] }));
  }

  /** Writes already-checked values (shapes match, finite) into the given tensors (default: all). */
  writeCheckedWeights(values: readonly ArrayLike<number>[], tensors: readonly TensorEntry[] = this.tensors()): void {
    const heap = this.backend.arena.heap();
    tensors.forEach((t, i) => heap.set(values[i], t.ptr >> 2));
  }

  /** Checks every given tensor against `tensors` (shapes, finite values), then writes them all. */
  setWeights(tensors: readonly TensorEntry[], weights: readonly WeightInput[], owner: string, what: string): void {
    if (!Array.isArray(weights) || weights.length !== tensors.length) {
      throw new SinewError(`${owner}: expected a list of ${tensors.length} ${what}, received ${describe(weights)}`);
    }
    const values = weights.map((w, i) => readWeightTensor(w, tensors[i].decl.shape, `weights[${i}] (${tensors[i].name})`, owner));
    this.writeCheckedWeights(values, tensors);
  }

  /** LayerOwner: copies of one layer's weights. */
  layerWeights(layer: Layer): WeightTensor[] {
    return this.readWeights(this.tensors().filter((t) => t.layer === layer));
  }
  /** LayerOwner: sets one layer's weights (checked first). */
  setLayerWeights(layer: Layer, weights: readonly unknown[]): void {
    this.checkUsable('setWeights');
    const tensors = this.tensors().filter((t) => t.layer === layer);
    this.setWeights(tensors, weights as WeightInput[], `${layer.className} '${layer.name}' setWeights`, `tensors (${tensors.map((t) => t.decl.name).join(', ') || 'none'})`);
  }

  /** A live view of the trainable block (float64 on the gradient-check twin). Do not keep it. */
  parameterView(): Float32Array | Float64Array {
    this.requireBuilt('parameterView');
    const p = this.plan!.params >> 2;
    return this.backend.arena.heap().subarray(p, p + this.plan!.n);
  }

  /** The seed of the training stream that fit calls without an explicit seed continue. */
  trainingStreamSeed(): number {
    return this.streamSeed;
  }
  /** fit applied an update in stream epoch `epochsStarted − 1` of the stream `seed`. */
  setTrainingStream(seed: number, epochsStarted: number): void {
    this.streamSeed = seed;
    this.epochsStarted = epochsStarted;
  }

  // ---- guards --------------------------------------------------------------------------------------

  /** Throws if disposed or (for state-changing calls) while fit runs. */
  checkUsable(what: string): void {
    if (this.disposed) throw new SinewError(`${what}: this model was disposed`);
    if (this.busy && (what === 'add' || what === 'compile' || what === 'fit' || what === 'trainOnBatch')) throw new SinewError(`${what}: not allowed while fit is running`);
  }

  requireBuilt(what: string): void {
    if (this.inputShape === undefined) {
      throw new SinewError(`${what}: the weights are not built yet because the input width is unknown; give the first layer \`inputDim\` (or \`inputShape\`), or call fit/predict first`);
    }
  }

  /** Throws unless data samples of this shape suit the model's known input shape. */
  checkInputShape(owner: string, arg: string, sampleShape: Shape): void {
    if (this.inputShape !== undefined && !sameShape(sampleShape, this.inputShape)) {
      if (this.inputShape.length === 1 && sampleShape.length === 1) {
        throw new SinewError(`${owner}: expected \`${arg}\` to have ${this.inputShape[0]} columns (the model's input width), received ${sampleShape[0]}`);
      }
      throw new SinewError(`${owner}: expected \`${arg}\` to have samples of shape ${formatShape(this.inputShape)} (the model's input shape), received ${formatShape(sampleShape)}`);
    }
  }

  /** console.warn once per model for likely mistakes in the loss/activation pairing (pairing.ts). */
  warnPairing(): void {
    const c = this.compiled;
    const shape = this.outputShape();
    if (!c || shape === undefined || this.layers.length === 0) return;
    for (const { key, message } of pairingWarnings(c.loss, this.layers[this.layers.length - 1].outputActivation(), shape)) {
      if (this.warned.has(key)) continue;
      this.warned.add(key);
      console.warn(`sinew: ${message}`);
    }
  }

  /** Releases the model's memory and drops its backend, so the instance and its memory can be collected. */
  dispose(): void {
    if (this.current) leaveBackend(this.current.backend, this.user);
    if (this.compiled) this.compiled.optimizer.boundTo = null;
    for (const layer of this.layers) layer.owner = null;
    this.plan = undefined;
    this.current = null;
    this.disposed = true;
  }
}

function key(t: TensorEntry): string {
  return `${t.layerIndex}/${t.decl.name}`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

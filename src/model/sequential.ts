// Sequential: a stack of layers over one backend instance (its own memory). It wires layers and
// checks their shapes when added, builds weights as soon as the input width is known, owns the
// memory plan (re-laying it out only when sizes grow, copying weights and optimizer slots across),
// and exposes compile/fit/evaluate/predict/summary/getWeights/setWeights/dispose. The training loop
// is in src/train/fit.ts; the kernel calls of a step in engine.ts.

import type { Backend } from '../backend/backend.js';
import type { Matrix } from '../matrix.js';
import { createBackend } from '../runtime/init.js';
import { Layer } from '../layers/layer.js';
import { resolveLoss, type LossSpec, type ResolvedLoss } from '../losses.js';
import { resolveMetrics, type ResolvedMetric } from '../metrics.js';
import { Optimizer } from '../optimizers/optimizer.js';
import { resolveOptimizer } from '../optimizers/registry.js';
import { checkInteger, checkOptionKeys, describe } from '../errors.js';
import { deriveSeed, randomSeed, Rng } from '../random.js';
import { copyRows, readTable, readTargets, type MatrixLike, type Table, type TargetLike } from '../train/data.js';
import { evaluateTables } from '../train/evaluate.js';
import { runFit, type FitOptions } from '../train/fit.js';
import type { History } from '../train/history.js';
import { Engine, tensorSize } from './engine.js';
import { layoutPlan, planFits, type Plan, type PlanSize } from './plan.js';
import { formatSummary } from './summary.js';
import { readWeightTensor, type WeightInput } from './weights.js';
import type { ModelArtifacts } from '../io/artifacts.js';
import { modelToArtifacts, saveModel, type SaveOptions, type SaveResult, type SaveTarget } from '../io/save.js';

export interface SequentialOptions {
  /** Layers to add, in order (TF.js `sequential({ layers })`). */
  layers?: Layer[];
  /** Seeds initial weights (per layer), dropout masks and fit's shuffles; default: a random seed. */
  seed?: number;
  name?: string;
  /** Advanced: the backend instance to run on (default: a fresh one from init()'s choice). */
  backend?: Backend;
}

export interface CompileArgs {
  /** 'sgd' | 'adagrad' | 'rmsprop' | 'adam' or an optimizer object; default 'rmsprop' (Keras). */
  optimizer?: string | Optimizer;
  loss: LossSpec;
  metrics?: string[];
}

/** A weight tensor as getWeights returns it and setWeights takes it (kernel [in, units], bias [units]). */
export interface WeightTensor {
  data: Float32Array;
  shape: number[];
}
export type { WeightInput };

/** @internal what fit/evaluate need from a compiled model. */
export interface Compiled {
  optimizer: Optimizer;
  loss: ResolvedLoss;
  metrics: ResolvedMetric[];
}

let modelCounter = 0;
const SIZE0: PlanSize = { batchCap: 0, trainRows: 0, valRows: 0, yWidth: 0, slotCount: 0 };

/**
 * A linear stack of layers.
 * @example
 *   await init();
 *   const model = new Sequential({ seed: 1 });
 *   model.add(new Dense(8, { inputDim: 4, activation: 'relu' }));
 *   model.add(new Dense(3, { activation: 'softmax' }));
 *   model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
 *   const history = await model.fit(x, y, { epochs: 50, verbose: 0 });
 *   const probs = model.predict(x);   // { data: Float32Array, shape: [n, 3] }
 */
export class Sequential {
  readonly name: string;
  /** The seed this model derives its randomness from (given or drawn at construction). */
  readonly seed: number;
  /** Set to true (e.g. from a callback) to stop fit after the current batch. */
  stopTraining = false;

  /** @internal */ readonly backend: Backend;
  /** @internal */ readonly engine: Engine;
  /** @internal */ plan: Plan | undefined;
  /** @internal */ compiled: Compiled | undefined;
  /** @internal */ busy = false;
  /** @internal epochs begun by fit so far: where the training stream continues (saved in checkpoints). */
  epochsStarted = 0;
  private readonly layerList: Layer[] = [];
  private readonly baseMark: number;
  private inputWidth: number | undefined;
  private slotsOwner: Optimizer | null = null;
  private disposed = false;
  private readonly warned = new Set<string>();

  constructor(options: SequentialOptions = {}) {
    checkOptionKeys('Sequential', options, ['layers', 'seed', 'name', 'backend']);
    if (options.seed !== undefined) checkInteger('Sequential', 'seed', options.seed, 0);
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new Error(`Sequential: expected \`name\` to be a non-empty string, received ${describe(options.name)}`);
    }
    if (options.layers !== undefined && !Array.isArray(options.layers)) {
      throw new Error(`Sequential: expected \`layers\` to be an array of layers, received ${describe(options.layers)}`);
    }
    this.backend = options.backend ?? createBackend();
    this.seed = options.seed ?? randomSeed();
    this.name = options.name ?? (modelCounter++ === 0 ? 'sequential' : `sequential_${modelCounter - 1}`);
    this.baseMark = this.backend.arena.mark();
    this.engine = new Engine(this.backend.kernels, () => this.backend.arena.heap(), this.layerList);
    // All given layers first, then one build (add() builds after each layer).
    for (const layer of options.layers ?? []) this.attach(layer);
    const width = this.layerList[0]?.declaredInputDim;
    if (width !== undefined) this.build(width);
  }

  /** The layers, in order (a copy of the list). */
  get layers(): Layer[] {
    return [...this.layerList];
  }
  /** The backend this model runs on ('wasm-relaxed', 'wasm-simd', 'js', 'js-f64'). */
  get backendName(): string {
    return this.backend.name;
  }
  /** Input width, once known (from inputDim/inputShape or the first fit/predict). */
  get inputDim(): number | undefined {
    return this.inputWidth;
  }
  /** [null, units] of the last layer, once known. */
  get outputShape(): [null, number] | undefined {
    const units = this.outputUnits();
    return units === undefined ? undefined : [null, units];
  }
  /** The compiled optimizer (its `iterations` count the updates applied so far). */
  get optimizer(): Optimizer | undefined {
    return this.compiled?.optimizer;
  }

  /**
   * Appends a layer. The first layer may declare the input width (`inputDim` or `inputShape`);
   * once the width is known the layer's weights are built and initialised right away.
   */
  add(layer: Layer): void {
    this.checkUsable('add');
    const width = this.attach(layer);
    if (width !== undefined) this.build(width);
    if (this.compiled) this.engine.loss = this.compiled.loss;
    if (this.plan) this.engine.refresh();
  }

  /** Checks and appends a layer; returns the model's input width when known (the caller builds). */
  private attach(layer: Layer): number | undefined {
    if (!(layer instanceof Layer)) throw new Error(`add: expected a layer such as new Dense(8), received ${describe(layer)}`);
    if (layer.owner !== null) throw new Error(`add: layer '${layer.name}' already belongs to a model; create a new layer for each model`);
    if (this.layerList.includes(layer)) throw new Error(`add: layer '${layer.name}' is already in this model`);
    const prevUnits = this.outputUnits();
    if (this.layerList.length > 0 && layer.declaredInputDim !== undefined) {
      if (prevUnits === undefined) throw new Error(`add: only the first layer may declare \`inputDim\`/\`inputShape\`, received ${layer.declaredInputDim} on '${layer.name}'`);
      if (layer.declaredInputDim !== prevUnits) {
        throw new Error(`add: layer '${layer.name}' expects an input width of ${layer.declaredInputDim}, but the previous layer outputs ${prevUnits}`);
      }
    }
    const width = this.layerList.length === 0 ? layer.declaredInputDim : this.inputWidth;
    this.layerList.push(layer);
    layer.owner = this;
    return width;
  }

  /** Configures training: optimizer, loss and metrics (validated before anything changes). */
  compile(args: CompileArgs): void {
    this.checkUsable('compile');
    if (args === null || typeof args !== 'object') throw new Error(`compile: expected { optimizer, loss, metrics }, received ${describe(args)}`);
    checkOptionKeys('compile', args, ['optimizer', 'loss', 'metrics']);
    const optimizer = resolveOptimizer(args.optimizer);
    const loss = resolveLoss(args.loss);
    const metrics = resolveMetrics(args.metrics, loss);
    if (optimizer.boundTo !== null && optimizer.boundTo !== this) {
      throw new Error(`compile: this ${optimizer.constructor.name} optimizer already trains another model; create one optimizer per model`);
    }
    if (this.compiled && this.compiled.optimizer !== optimizer) this.compiled.optimizer.boundTo = null;
    optimizer.boundTo = this;
    this.compiled = { optimizer, loss, metrics };
    this.engine.loss = loss;
    if (this.plan) this.engine.refresh();
    this.warnPairing();
  }

  /** Trains; see FitOptions. Resolves to the History once all epochs (or an early stop) are done. */
  fit(x: MatrixLike, y: TargetLike, options: FitOptions = {}): Promise<History> {
    return runFit(this, x, y, options);
  }

  /** Loss (with regularisation, as Keras) and metrics over (x, y), in batches, without dropout. */
  evaluate(x: MatrixLike, y: TargetLike, options: { batchSize?: number } = {}): Record<string, number> {
    this.checkUsable('evaluate');
    if (!this.compiled) throw new Error('evaluate: call compile({ optimizer, loss, metrics }) before evaluate');
    checkOptionKeys('evaluate', options, ['batchSize']);
    const batchSize = checkInteger('evaluate', 'batchSize', options.batchSize ?? 32);
    const xt = readTable('evaluate', 'x', x);
    this.checkWidth('evaluate', xt);
    const units = this.outputUnits(xt.cols)!;
    const yt = readTargets('evaluate', 'y', y, this.compiled.loss.kind, units, xt.rows);
    this.ensureBuilt(xt.cols);
    const chunk = this.ensureBatchRoom(batchSize, xt.rows);
    return evaluateTables(this, xt, yt, chunk);
  }

  /** Outputs for x: { data: Float32Array (a copy), shape: [n, units] }, computed in chunks without dropout. */
  predict(x: MatrixLike, options: { batchSize?: number } = {}): Matrix {
    this.checkUsable('predict');
    checkOptionKeys('predict', options, ['batchSize']);
    const batchSize = checkInteger('predict', 'batchSize', options.batchSize ?? 32);
    if (this.layerList.length === 0) throw new Error('predict: the model has no layers; add layers first');
    if (this.inputWidth === undefined) {
      // Predicting with weights nobody trained or set is almost surely a mistake (Keras would silently build).
      throw new Error('predict: the input size is not known yet, so the model has no weights; give the first layer `inputDim` (or `inputShape`), or call fit first');
    }
    const xt = readTable('predict', 'x', x);
    this.checkWidth('predict', xt);
    const chunk = this.ensureBatchRoom(batchSize, xt.rows);
    const plan = this.plan!;
    const N = plan.outDim;
    const out = new Float32Array(xt.rows * N);
    for (let start = 0; start < xt.rows; start += chunk) {
      const m = Math.min(chunk, xt.rows - start);
      copyRows(xt, this.backend.arena.heap(), plan.xBatch >> 2, start, m);
      const y = this.engine.forward(plan.xBatch, m, false) >> 2;
      out.set(this.backend.arena.heap().subarray(y, y + m * N), start * N);
    }
    return { data: out, shape: [xt.rows, N] };
  }

  /** A Keras-like table of the layers, output shapes and parameter counts (print it with console.log). */
  summary(): string {
    this.checkUsable('summary');
    let width = this.inputWidth;
    const rows = this.layerList.map((layer) => {
      const params = width === undefined ? 0 : layer.paramSpecs(width).reduce((s, p) => s + tensorSize(p.shape), 0);
      width = width === undefined ? layer.fixedOutputDim() : layer.outputDim(width);
      return { name: layer.name, type: layer.className, outputShape: `(None, ${width ?? '?'})`, params };
    });
    const text = formatSummary(this.name, rows);
    return this.inputWidth === undefined ? `${text}\n(weights are not built yet: the input width is unknown)` : text;
  }

  /** Total number of weights. */
  countParams(): number {
    this.checkUsable('countParams');
    this.requireBuilt('countParams');
    return this.plan!.n;
  }

  /** Copies of all weights, per layer [kernel [in, units], bias [units]], flattened across layers (Keras order). */
  getWeights(): WeightTensor[] {
    this.checkUsable('getWeights');
    this.requireBuilt('getWeights');
    const heap = this.backend.arena.heap();
    const out: WeightTensor[] = [];
    for (const layer of this.layerList) {
      layer.paramSpecs(layer.inDim).forEach((spec, j) => {
        const start = layer.params[j] >> 2;
        out.push({ data: new Float32Array(heap.subarray(start, start + tensorSize(spec.shape))), shape: [...spec.shape] });
      });
    }
    return out;
  }

  /**
   * Sets all weights from a list shaped as getWeights() returns (each entry { data, shape }, or nested
   * arrays: number[][] for a kernel, number[] for a bias). Every shape and value is checked first.
   */
  setWeights(weights: readonly WeightInput[]): void {
    this.checkUsable('setWeights');
    this.requireBuilt('setWeights');
    const specs = this.layerList.flatMap((layer) => layer.paramSpecs(layer.inDim).map((spec, j) => ({ layer, spec, ptr: layer.params[j] })));
    if (!Array.isArray(weights) || weights.length !== specs.length) {
      throw new Error(`setWeights: expected a list of ${specs.length} tensors (kernel and bias per layer), received ${describe(weights)}`);
    }
    this.writeCheckedWeights(weights.map((w, i) => readWeightTensor(w, specs[i].spec.shape, `weights[${i}] (${specs[i].layer.name} ${specs[i].spec.name})`)));
  }

  /**
   * Saves the architecture and weights in TF.js's layers-model format (tfjs.loadLayersModel reads it):
   * to a directory (model.json + weights.bin, written atomically; Node, Deno, Bun), a function, or a
   * TF.js-style handler. `includeOptimizer: true` adds what resuming needs: compile's settings, the
   * optimizer's state and the training stream, so fit continues exactly as if it had never stopped.
   * @example
   *   await model.save('checkpoints/iris', { includeOptimizer: true });
   *   const again = await loadModel('checkpoints/iris');
   */
  async save(target: SaveTarget, options: SaveOptions = {}): Promise<SaveResult> {
    this.checkUsable('save');
    return saveModel(this, target, options) as Promise<SaveResult>;
  }

  /** The saved form in memory (TF.js ModelArtifacts), for storage a runtime provides itself; see save(). */
  toArtifacts(options: SaveOptions = {}): ModelArtifacts {
    this.checkUsable('toArtifacts');
    return modelToArtifacts(this, options);
  }

  /** @internal writes already-checked weights (getWeights() order and shapes, finite) straight into the block. */
  writeCheckedWeights(values: readonly ArrayLike<number>[]): void {
    const heap = this.backend.arena.heap();
    let i = 0;
    for (const layer of this.layerList) {
      for (let j = 0; j < layer.params.length; j++) heap.set(values[i++], layer.params[j] >> 2);
    }
  }

  /** Releases the model's memory. Any later call throws. */
  dispose(): void {
    if (this.disposed) return;
    if (this.busy) throw new Error('dispose: fit is running; stop it first (model.stopTraining = true) and await it');
    this.backend.arena.release(this.baseMark);
    if (this.compiled) this.compiled.optimizer.boundTo = null;
    for (const layer of this.layerList) layer.owner = null;
    this.plan = undefined;
    this.disposed = true;
  }

  // ---- internals used by fit/evaluate and tests -----------------------------------------------

  /** @internal throws if disposed or (for state-changing calls) while fit runs. */
  checkUsable(what: string): void {
    if (this.disposed) throw new Error(`${what}: this model was disposed`);
    if (this.busy && (what === 'add' || what === 'compile' || what === 'fit')) throw new Error(`${what}: not allowed while fit is running`);
  }

  /** @internal output units for a given (or the known) input width; undefined when not determinable. */
  outputUnits(width = this.inputWidth): number | undefined {
    let w = width;
    for (const layer of this.layerList) w = w === undefined ? layer.fixedOutputDim() : layer.outputDim(w);
    return w;
  }

  /** @internal throws unless x's width matches the model's known input width. */
  checkWidth(owner: string, xt: Table): void {
    if (this.inputWidth !== undefined && xt.cols !== this.inputWidth) {
      throw new Error(`${owner}: expected \`x\` to have ${this.inputWidth} columns (the model's input width), received ${xt.cols}`);
    }
  }

  /** @internal builds the layers for this input width if not built yet. */
  ensureBuilt(width: number): void {
    if (this.inputWidth === undefined) this.build(width);
  }

  /** @internal makes sure the plan has room for `size` (re-planning only when it must). */
  ensurePlan(size: Partial<PlanSize>): Plan {
    const current = this.plan ?? { ...SIZE0 };
    const want: PlanSize = {
      batchCap: Math.max(current.batchCap, size.batchCap ?? 0),
      trainRows: Math.max(current.trainRows, size.trainRows ?? 0),
      valRows: Math.max(current.valRows, size.valRows ?? 0),
      yWidth: size.yWidth ?? current.yWidth,
      slotCount: size.slotCount ?? current.slotCount,
    };
    if (!planFits(this.plan, want)) this.replan(want);
    return this.plan!;
  }

  /** @internal room for batches of min(batchSize, rows) rows; returns the chunk to use (≤ the plan's capacity). */
  ensureBatchRoom(batchSize: number, rows: number): number {
    const yWidth = this.compiled ? this.yWidthFor(this.compiled.loss) : undefined;
    const cap = this.plan?.batchCap ?? 0;
    const plan = this.ensurePlan({ batchCap: cap > 0 ? 0 : Math.min(batchSize, rows), yWidth });
    return Math.min(batchSize, plan.batchCap);
  }

  /** @internal target width: 1 for class ids, else the output units. */
  yWidthFor(loss: ResolvedLoss): number {
    return loss.kind === 'sparseCce' ? 1 : this.outputUnits()!;
  }

  /** @internal puts the optimizer's initial slot values in place when the optimizer changed. */
  prepareSlots(optimizer: Optimizer): void {
    if (this.slotsOwner === optimizer) return;
    const plan = this.plan!;
    for (let s = 0; s < plan.slots.length; s++) this.backend.kernels.fill(plan.slots[s], plan.n, optimizer.slotInitialValue(s));
    this.slotsOwner = optimizer;
  }

  /** @internal the seed of the training stream that fit calls without an explicit seed continue. */
  trainingStreamSeed(): number {
    return deriveSeed(this.seed, 0x0f17);
  }

  /** @internal console.warn once per model for likely mistakes in the loss/activation pairing. */
  warnPairing(): void {
    const c = this.compiled;
    const units = this.outputUnits();
    if (!c || units === undefined || this.layerList.length === 0) return;
    const act = this.layerList[this.layerList.length - 1].outputActivation();
    const warn = (key: string, message: string) => {
      if (this.warned.has(key)) return;
      this.warned.add(key);
      console.warn(`sinew: ${message}`);
    };
    if ((c.loss.kind === 'cce' || c.loss.kind === 'sparseCce') && units === 1) {
      warn('cce1', `'${c.loss.name}' on a single output unit is almost surely a mistake (one class: the loss is constant); for two classes use one sigmoid unit with 'binaryCrossentropy'`);
    }
    if (c.loss.kind === 'bce' && act?.kind === 'softmax' && units === 1) {
      warn('softmax1', `softmax over a single unit always outputs 1, so 'binaryCrossentropy' cannot train it; use activation 'sigmoid'`);
    }
    if (c.loss.fromLogits && (act?.kind === 'softmax' || act?.name === 'sigmoid')) {
      warn('logits', `loss '${c.loss.name}' has fromLogits: true but the last layer applies '${act.name}'; the activation is applied twice`);
    }
  }

  /**
   * @internal For gradient checks: the loss (data + regularisation) and a copy of the whole gradient
   * block at the current weights, on all rows of (x, y) as one batch, in training mode (so dropout
   * must have rate 0). The gradient layout is the parameter block's: getWeights() order, flattened.
   */
  computeGradients(x: MatrixLike, y: TargetLike): { loss: number; gradients: Float64Array } {
    this.checkUsable('computeGradients');
    if (!this.compiled) throw new Error('computeGradients: call compile first');
    const xt = readTable('computeGradients', 'x', x);
    this.checkWidth('computeGradients', xt);
    const yt = readTargets('computeGradients', 'y', y, this.compiled.loss.kind, this.outputUnits(xt.cols)!, xt.rows);
    this.ensureBuilt(xt.cols);
    const plan = this.ensurePlan({ batchCap: xt.rows, yWidth: this.yWidthFor(this.compiled.loss) });
    const heap = this.backend.arena.heap();
    copyRows(xt, heap, plan.xBatch >> 2, 0, xt.rows);
    copyRows(yt, heap, plan.yBatch >> 2, 0, xt.rows);
    const loss = this.engine.forwardLoss(plan.xBatch, plan.yBatch, xt.rows, true) + this.engine.regularization();
    this.engine.backward(plan.yBatch, xt.rows);
    const g = this.backend.arena.heap().subarray(plan.grads >> 2, (plan.grads >> 2) + plan.n);
    return { loss, gradients: new Float64Array(g) };
  }

  /**
   * @internal the compiled optimizer's slot blocks: live views of the heap once it has trained (do not
   * keep them), else arrays of its initial values.
   */
  optimizerSlots(): (Float32Array | Float64Array)[] {
    const opt = this.compiled!.optimizer;
    const plan = this.plan!;
    const heap = this.backend.arena.heap();
    return Array.from({ length: opt.slotCount() }, (_, s) => {
      if (this.slotsOwner !== opt) return new Float32Array(plan.n).fill(opt.slotInitialValue(s));
      return heap.subarray(plan.slots[s] >> 2, (plan.slots[s] >> 2) + plan.n);
    });
  }

  /** @internal puts saved slot blocks (each the parameter block's layout) in place for the compiled optimizer. */
  restoreOptimizerSlots(slots: readonly Float32Array[]): void {
    const c = this.compiled!;
    const plan = this.ensurePlan({ slotCount: c.optimizer.slotCount(), yWidth: this.yWidthFor(c.loss) });
    const heap = this.backend.arena.heap();
    slots.forEach((block, s) => heap.set(block, plan.slots[s] >> 2));
    this.slotsOwner = c.optimizer;
  }

  /** @internal a live view of the parameter block (float64 on the gradient-check twin). Do not keep it. */
  parameterView(): Float32Array | Float64Array {
    this.requireBuilt('parameterView');
    const p = this.plan!.params >> 2;
    return this.backend.arena.heap().subarray(p, p + this.plan!.n);
  }

  private requireBuilt(what: string): void {
    if (this.inputWidth === undefined) {
      throw new Error(`${what}: the weights are not built yet because the input width is unknown; give the first layer \`inputDim\` (or \`inputShape\`), or call fit/predict first`);
    }
  }

  private build(width: number): void {
    let w = width;
    for (const layer of this.layerList) {
      layer.inDim = w;
      layer.outDim = layer.outputDim(w);
      w = layer.outDim;
    }
    this.inputWidth = width;
    this.replan({ ...(this.plan ?? SIZE0), yWidth: this.compiled ? this.yWidthFor(this.compiled.loss) : 0 });
  }

  /** Lays out a new plan: weights and slots are copied out, the arena reset, and copied back. */
  private replan(size: PlanSize): void {
    const arena = this.backend.arena;
    const old = this.plan;
    const heapBefore = arena.heap();
    // slice: a same-type copy (a plain memcpy), whatever the heap's float width.
    const oldParams = old ? heapBefore.slice(old.params >> 2, (old.params >> 2) + old.n) : undefined;
    const keepSlots = old !== undefined && old.slotCount === size.slotCount && this.slotsOwner !== null;
    const oldSlots = keepSlots ? old!.slots.map((s) => heapBefore.slice(s >> 2, (s >> 2) + old!.n)) : [];
    arena.release(this.baseMark);
    const plan = layoutPlan(arena, this.layerList, size);
    const heap = arena.heap();
    if (oldParams) heap.set(oldParams, plan.params >> 2);
    this.layerList.forEach((layer, i) => {
      if (layer.initialized) return;
      const rng = new Rng(deriveSeed(this.seed, 1 + i));
      layer.paramSpecs(layer.inDim).forEach((spec, j) => {
        // Keras compute_fans: a kernel [in, out] has fans (in, out); a bias [n] has (n, n).
        const fanIn = spec.shape[0];
        const fanOut = spec.shape[spec.shape.length - 1];
        spec.initializer.fill(heap, layer.params[j] >> 2, tensorSize(spec.shape), fanIn, fanOut, rng);
      });
      layer.initialized = true;
    });
    if (keepSlots) {
      const opt = this.slotsOwner!;
      plan.slots.forEach((s, i) => {
        heap.fill(opt.slotInitialValue(i), s >> 2, (s >> 2) + plan.n);
        heap.set(oldSlots[i], s >> 2);
      });
    } else {
      this.slotsOwner = null;
    }
    this.plan = plan;
    this.engine.plan = plan;
    this.engine.refresh();
  }
}

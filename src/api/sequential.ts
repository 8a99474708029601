// Sequential: the Keras-facing facade over a ModelState (src/model/model_state.ts). It checks the
// arguments of each call and hands the work to the model state (layers, plan, weights), to train/
// (fit, evaluate) and to io/ (save). Nothing below this file knows it exists.

import type { Backend } from '../backend/backend.js';
import type { Matrix } from '../matrix.js';
import { createBackend } from '../runtime/init.js';
import { Layer, shapeSize, type Shape } from '../layers/layer.js';
import { LIMITS } from '../layers/limits.js';
import { resolveLoss, type LossSpec } from '../losses.js';
import { resolveMetrics } from '../metrics.js';
import { Optimizer } from '../optimizers/optimizer.js';
import { resolveOptimizer } from '../optimizers/registry.js';
import { checkInteger, checkOptionKeys, checkSeed, describe, SinewError } from '../errors.js';
import { randomSeed } from '../random.js';
import { ModelState, type WeightTensor } from '../model/model_state.js';
import type { TensorEntry } from '../model/plan.js';
import { formatSummary } from '../model/summary.js';
import type { WeightInput } from '../model/weights.js';
import { copyRows, readTable, readTargets, type MatrixLike, type Table, type TargetLike } from '../train/data.js';
import { evaluateTables } from '../train/evaluate.js';
import { outputUnitsFor, runFit, type FitOptions } from '../train/fit.js';
import { computeGradients } from '../train/gradients.js';
import { testOnBatch, trainOnBatch } from '../train/on_batch.js';
import type { History } from '../train/history.js';
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
  /** Names such as ['accuracy']; one name alone as a string is accepted too (TF.js). */
  metrics?: string[] | string;
}

export type { WeightTensor, WeightInput };

/** A model weight as `model.weights` lists it (Keras's variable: a name, a shape, trainable or not). */
export interface WeightInfo {
  /** `layer/weight`, as model files name it. */
  name: string;
  shape: number[];
  trainable: boolean;
}

let modelCounter = 0;

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
  /** @internal the model's state, which train/ and io/ work on. */
  readonly state: ModelState;

  constructor(options: SequentialOptions = {}) {
    checkOptionKeys('Sequential', options, ['layers', 'seed', 'name', 'backend']);
    if (options.seed !== undefined) checkSeed('Sequential', 'seed', options.seed);
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new SinewError(`Sequential: expected \`name\` to be a non-empty string, received ${describe(options.name)}`);
    }
    if (options.name !== undefined && options.name.length > LIMITS.nameLength) {
      throw new SinewError(`Sequential: expected \`name\` to have at most ${LIMITS.nameLength} characters (what a model file may hold), received ${options.name.length}`);
    }
    if (options.layers !== undefined && !Array.isArray(options.layers)) {
      throw new SinewError(`Sequential: expected \`layers\` to be an array of layers, received ${describe(options.layers)}`);
    }
    const name = options.name ?? (modelCounter++ === 0 ? 'sequential' : `sequential_${modelCounter - 1}`);
    this.state = new ModelState(options.backend ?? createBackend(), name, options.seed ?? randomSeed());
    // All given layers first, then one build (add() builds after each layer).
    try {
      for (const layer of options.layers ?? []) this.state.attach(layer);
      const shape = this.state.layers[0]?.declaredInputShape;
      if (shape !== undefined) this.state.build(shape, 'Sequential');
    } catch (e) {
      this.state.dispose();
      throw e;
    }
  }

  get name(): string {
    return this.state.name;
  }
  /** The seed this model derives its randomness from (given or drawn at construction). */
  get seed(): number {
    return this.state.seed;
  }
  /** Set to true (e.g. from a callback) to stop fit after the current batch. */
  get stopTraining(): boolean {
    return this.state.stopTraining;
  }
  set stopTraining(value: boolean) {
    this.state.stopTraining = value;
  }
  /** Epochs begun by fit so far: where the training stream continues. */
  get epochsStarted(): number {
    return this.state.epochsStarted;
  }
  /** The layers, in order (a copy of the list). */
  get layers(): Layer[] {
    return [...this.state.layers];
  }
  /** The backend this model runs on ('wasm-relaxed', 'wasm-simd', 'js', 'js-f64'). */
  get backendName(): string {
    return this.state.backend.name;
  }
  /** Per-sample input shape ([features], [28, 28], …), once known. */
  get inputShape(): number[] | undefined {
    return this.state.inputShape ? [...this.state.inputShape] : undefined;
  }
  /** Input width (floats per sample), once known. */
  get inputDim(): number | undefined {
    return this.state.inputShape ? shapeSize(this.state.inputShape) : undefined;
  }
  /** [null, …] output shape of the last layer, once known. */
  get outputShape(): (number | null)[] | undefined {
    const s = this.state.outputShape();
    return s === undefined ? undefined : [null, ...s];
  }
  /** The compiled optimizer (its `iterations` count the updates applied so far). */
  get optimizer(): Optimizer | undefined {
    return this.state.compiled?.optimizer;
  }

  /**
   * Appends a layer. The first layer may declare the input shape (`inputShape` or `inputDim`);
   * once it is known the layer's weights are built and initialised right away. A layer that does
   * not fit the previous output, or that memory cannot hold, is refused and the model is unchanged.
   */
  add(layer: Layer): void {
    const s = this.state;
    s.checkUsable('add');
    const shape = s.attach(layer);
    try {
      if (shape !== undefined) s.build(shape);
    } catch (e) {
      s.detachLast();
      throw e;
    }
    if (s.compiled) s.engine.loss = s.compiled.loss;
    if (s.plan) s.engine.refresh();
  }

  /** A layer by name or by index. */
  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.state.layers;
    if (typeof nameOrIndex === 'number') {
      if (!Number.isInteger(nameOrIndex) || nameOrIndex < 0 || nameOrIndex >= layers.length) {
        throw new SinewError(`getLayer: expected an index in [0, ${layers.length - 1}], received ${describe(nameOrIndex)}`);
      }
      return layers[nameOrIndex];
    }
    const found = layers.find((l) => l.name === nameOrIndex);
    if (!found) throw new SinewError(`getLayer: expected the name of one of this model's layers (${layers.map((l) => `'${l.name}'`).join(', ')}), received ${describe(nameOrIndex)}`);
    return found;
  }

  /** Configures training: optimizer, loss and metrics (validated before anything changes). */
  compile(args: CompileArgs): void {
    const s = this.state;
    s.checkUsable('compile');
    if (args === null || typeof args !== 'object') throw new SinewError(`compile: expected { optimizer, loss, metrics }, received ${describe(args)}`);
    checkOptionKeys('compile', args, ['optimizer', 'loss', 'metrics']);
    const optimizer = resolveOptimizer(args.optimizer);
    const loss = resolveLoss(args.loss);
    const metrics = resolveMetrics(args.metrics, loss);
    if (optimizer.boundTo !== null && optimizer.boundTo !== s) {
      throw new SinewError(`compile: this ${optimizer.constructor.name} optimizer already trains another model; create one optimizer per model`);
    }
    if (s.compiled && s.compiled.optimizer !== optimizer) s.compiled.optimizer.boundTo = null;
    optimizer.boundTo = s;
    s.compiled = { optimizer, loss, metrics };
    s.engine.loss = loss;
    if (s.plan) s.engine.refresh();
    s.warnPairing();
  }

  /** Trains; see FitOptions. Resolves to the History once all epochs (or an early stop) are done. */
  fit(x: MatrixLike, y: TargetLike, options: FitOptions = {}): Promise<History> {
    return runFit(this.state, this, x, y, options);
  }

  /** Loss (with regularisation, as Keras) and metrics over (x, y), in batches, in inference mode. */
  evaluate(x: MatrixLike, y: TargetLike, options: { batchSize?: number } = {}): Record<string, number> {
    const s = this.state;
    s.checkUsable('evaluate');
    if (!s.compiled) throw new SinewError('evaluate: call compile({ optimizer, loss, metrics }) before evaluate');
    checkOptionKeys('evaluate', options, ['batchSize']);
    const batchSize = checkInteger('evaluate', 'batchSize', options.batchSize ?? 32);
    const xt = readTable('evaluate', 'x', x);
    s.checkInputShape('evaluate', 'x', xt.sampleShape);
    const yt = readTargets('evaluate', 'y', y, s.compiled.loss.kind, outputUnitsFor('evaluate', s, xt.sampleShape), xt.rows);
    s.ensureBuilt(xt.sampleShape, 'evaluate');
    const chunk = s.ensureBatchRoom(batchSize, xt.rows, 'evaluate');
    return evaluateTables(s, xt, yt, chunk);
  }

  /** Outputs for x: { data: Float32Array (a copy), shape: [n, …output shape] }, in chunks, in inference mode. */
  predict(x: MatrixLike, options: { batchSize?: number } = {}): Matrix {
    const s = this.state;
    s.checkUsable('predict');
    checkOptionKeys('predict', options, ['batchSize']);
    const batchSize = checkInteger('predict', 'batchSize', options.batchSize ?? 32);
    const xt = this.readPredictInput('predict', x);
    return this.predictTable(xt, s.ensureBatchRoom(batchSize, xt.rows, 'predict'));
  }

  private readPredictInput(owner: string, x: MatrixLike): Table {
    const s = this.state;
    if (s.layers.length === 0) throw new SinewError(`${owner}: the model has no layers; add layers first`);
    if (s.inputShape === undefined) {
      // Predicting with weights nobody trained or set is almost surely a mistake (Keras would silently build).
      throw new SinewError(`${owner}: the input size is not known yet, so the model has no weights; give the first layer \`inputDim\` (or \`inputShape\`), or call fit first`);
    }
    const xt = readTable(owner, 'x', x);
    s.checkInputShape(owner, 'x', xt.sampleShape);
    return xt;
  }

  private predictTable(xt: Table, chunk: number): Matrix {
    const s = this.state;
    const plan = s.plan!;
    const N = plan.outSize;
    const out = new Float32Array(xt.rows * N);
    for (let start = 0; start < xt.rows; start += chunk) {
      const m = Math.min(chunk, xt.rows - start);
      copyRows(xt, s.backend.arena.heap(), plan.xBatch >> 2, start, m);
      const y = s.engine.forward(plan.xBatch, m, false) >> 2;
      out.set(s.backend.arena.heap().subarray(y, y + m * N), start * N);
    }
    return { data: out, shape: [xt.rows, ...plan.outputShape] as Matrix['shape'] };
  }

  /** One training step on exactly these rows (Keras train_on_batch): the batch's loss and metrics, computed before the update. */
  trainOnBatch(x: MatrixLike, y: TargetLike): Record<string, number> {
    return trainOnBatch(this.state, x, y);
  }
  /** Loss and metrics on exactly these rows as one batch, in inference mode (Keras test_on_batch). */
  testOnBatch(x: MatrixLike, y: TargetLike): Record<string, number> {
    return testOnBatch(this.state, x, y);
  }
  /** Outputs for exactly these rows as one batch (Keras predict_on_batch). */
  predictOnBatch(x: MatrixLike): Matrix {
    this.state.checkUsable('predictOnBatch');
    const xt = this.readPredictInput('predictOnBatch', x);
    this.state.ensurePlan({ batchCap: xt.rows }, 'predictOnBatch');
    return this.predictTable(xt, xt.rows);
  }

  /** A Keras-like table of the layers, output shapes and parameter counts (print it with console.log). */
  summary(): string {
    const s = this.state;
    s.checkUsable('summary');
    let shape: Shape | undefined = s.inputShape;
    let trainable = 0;
    const rows = s.layers.map((layer, i) => {
      const build = shape === undefined ? undefined : s.builds[i] ?? layer.build(shape, i === s.layers.length - 1);
      let params = 0;
      for (const w of build?.weights ?? []) {
        params += shapeSize(w.shape);
        if (w.trainable && layer.trainable) trainable += shapeSize(w.shape);
      }
      shape = build ? build.outputShape : layer.fixedOutputShape();
      return { name: layer.name, type: layer.className, outputShape: shape === undefined ? '(None, ?)' : `(None, ${shape.join(', ')})`, params };
    });
    const text = formatSummary(s.name, rows, trainable);
    return s.inputShape === undefined ? `${text}\n(weights are not built yet: the input shape is unknown)` : text;
  }

  /** Number of weights (trainable and not). */
  countParams(): number {
    this.state.checkUsable('countParams');
    this.state.requireBuilt('countParams');
    return this.state.plan!.n + this.state.plan!.stateN;
  }

  /** Every weight: name, shape, trainable (Keras `model.weights`). */
  get weights(): WeightInfo[] {
    return this.state.tensors().map(info);
  }
  /** The weights fit trains (Keras `model.trainable_weights`). */
  get trainableWeights(): WeightInfo[] {
    return this.state.tensors().filter((t) => t.trainable).map(info);
  }
  /** The rest: moving statistics and frozen layers' weights (Keras `model.non_trainable_weights`). */
  get nonTrainableWeights(): WeightInfo[] {
    return this.state.tensors().filter((t) => !t.trainable).map(info);
  }

  /** Copies of all weights, layer by layer in each layer's order (Keras order: kernel, bias; gamma, beta, moving_mean, moving_variance). */
  getWeights(): WeightTensor[] {
    this.state.checkUsable('getWeights');
    this.state.requireBuilt('getWeights');
    return this.state.readWeights();
  }

  /**
   * Sets all weights from a list shaped as getWeights() returns (each entry { data, shape }, or nested
   * arrays: number[][] for a kernel, number[] for a bias). Every shape and value is checked first.
   */
  setWeights(weights: readonly WeightInput[]): void {
    this.state.checkUsable('setWeights');
    this.state.requireBuilt('setWeights');
    this.state.setWeights(this.state.tensors(), weights, 'setWeights', 'tensors (kernel and bias per layer, in getWeights() order)');
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
    this.state.checkUsable('save');
    return saveModel(this.state, target, options) as Promise<SaveResult>;
  }

  /** The saved form in memory (TF.js ModelArtifacts), for storage a runtime provides itself; see save(). */
  toArtifacts(options: SaveOptions = {}): ModelArtifacts {
    this.state.checkUsable('toArtifacts');
    return modelToArtifacts(this.state, options);
  }

  /** Releases the model's memory. Any later call throws. */
  dispose(): void {
    if (this.state.disposed) return;
    if (this.state.busy) throw new SinewError('dispose: fit is running; stop it first (model.stopTraining = true) and await it');
    this.state.dispose();
  }

  /** @internal for gradient checks: loss and trainable-block gradient on (x, y) as one training batch. */
  computeGradients(x: MatrixLike, y: TargetLike): { loss: number; gradients: Float64Array } {
    return computeGradients(this.state, x, y);
  }
  /** @internal a live view of the trainable block (float64 on the gradient-check twin). Do not keep it. */
  parameterView(): Float32Array | Float64Array {
    return this.state.parameterView();
  }
}

function info(t: TensorEntry): WeightInfo {
  return { name: t.name, shape: [...t.decl.shape], trainable: t.trainable };
}

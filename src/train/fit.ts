// The training loop: validates every argument before touching the model, copies the data into the
// arena once, then per epoch shuffles indices with the seeded Rng, gathers each batch into the batch
// slot, runs the step (forward + loss, NaN check, backward, gradient norms, optimizer update) and
// calls callbacks. The step allocates nothing and never changes memory size.

import type { ModelState } from '../model/model_state.js';
import { checkInteger, checkNumber, checkOptionKeys, checkSeed, describe, SinewError } from '../errors.js';
import { deriveSeed, Rng } from '../random.js';
import { sameShape } from '../model/model_state.js';
import { gatherRows } from './batches.js';
import { checkCallbacks, type Callback, type CallbackModel } from './callbacks.js';
import { copyRows, readTable, readTargets, type MatrixLike, type Table, type TargetLike } from './data.js';
import { evaluateRegion } from './evaluate.js';
import { History, type Logs } from './history.js';
import { defaultVerbose, formatEpochLine, maybeYield } from './progress.js';
import { ProgressBar, terminalSink } from './progress_bar.js';

export interface FitOptions {
  /** Passes over the training data; default 1 (Keras). */
  epochs?: number;
  /** Rows per gradient step; default 32. The last, partial batch is trained too. */
  batchSize?: number;
  /** Fraction in [0, 1) of the rows, taken from the END of x/y before shuffling (Keras), used for validation. */
  validationSplit?: number;
  /** [xVal, yVal]; takes precedence over validationSplit. */
  validationData?: [MatrixLike, TargetLike];
  /** Validate every N epochs (an integer), or after the listed epochs (1-based, as Keras); default 1. */
  validationFreq?: number | number[];
  /** Rows per validation batch; default batchSize. */
  validationBatchSize?: number;
  /** Shuffle the training rows every epoch; default true. */
  shuffle?: boolean;
  /**
   * Restarts the model's training stream (shuffles and noise masks) from this seed at its epoch 0.
   * Default: the stream continues across fit calls and through save/load, so fit(2 epochs) +
   * fit(2 epochs) trains exactly as fit(4 epochs), with or without a seed on the first call.
   * An integer in [0, 2³² − 1].
   */
  seed?: number;
  /**
   * Keras `initial_epoch`: the epoch to start at; `epochs` is then the index to stop before, so
   * fit({ epochs: 4, initialEpoch: 2 }) runs epochs 2 and 3 (history and callbacks number them so),
   * and the training stream resumes at epoch 2. Default 0 (the stream continues where it stood).
   */
  initialEpoch?: number;
  /**
   * 0 silent; 1 Keras's live progress bar in a terminal (one line per epoch when stdout is not a
   * terminal); 2 one line per epoch. Default 1 under Node/Deno/Bun with a stdout, else 0 (browsers).
   */
  verbose?: 0 | 1 | 2;
  callbacks?: Callback[] | Callback;
}

const KEYS = ['epochs', 'batchSize', 'validationSplit', 'validationData', 'validationFreq', 'validationBatchSize', 'shuffle', 'seed', 'initialEpoch', 'verbose', 'callbacks'];


interface Prepared {
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  verbose: number;
  seed: number | undefined;
  initialEpoch: number | undefined;
  callbacks: Callback[];
  x: Table;
  y: Table;
  nTrain: number;
  val: { x: Table; y: Table; from: number; rows: number } | undefined;
  /** Whether epoch e (0-based) validates. */
  validates: (epoch: number) => boolean;
  validationBatchSize: number;
}

/** Everything fit checks, before any state changes. */
function prepare(model: ModelState, x: unknown, y: unknown, options: FitOptions): Prepared {
  model.checkUsable('fit');
  if (!model.compiled) throw new SinewError('fit: call compile({ optimizer, loss, metrics }) before fit');
  if (model.layers.length === 0) throw new SinewError('fit: the model has no layers; add layers first');
  checkOptionKeys('fit', options, KEYS);
  const epochs = checkInteger('fit', 'epochs', options.epochs ?? 1);
  const batchSize = checkInteger('fit', 'batchSize', options.batchSize ?? 32);
  const split = checkNumber('fit', 'validationSplit', options.validationSplit ?? 0, { min: 0, max: 1, maxOpen: true });
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new SinewError(`fit: expected \`shuffle\` to be a boolean, received ${describe(shuffle)}`);
  const seed = options.seed === undefined ? undefined : checkSeed('fit', 'seed', options.seed);
  const initialEpoch = options.initialEpoch === undefined ? undefined : checkInteger('fit', 'initialEpoch', options.initialEpoch, 0);
  if (initialEpoch !== undefined && initialEpoch > epochs) {
    throw new SinewError(`fit: expected \`initialEpoch\` to be at most \`epochs\` (${epochs}: the epoch to stop before), received ${initialEpoch}`);
  }
  const verbose = options.verbose ?? defaultVerbose();
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new SinewError(`fit: expected \`verbose\` to be 0, 1 or 2, received ${describe(verbose)}`);
  const callbacks = checkCallbacks(options.callbacks);

  const loss = model.compiled.loss;
  const xt = readTable('fit', 'x', x);
  model.checkInputShape('fit', 'x', xt.sampleShape);
  const units = outputUnitsFor('fit', model, xt.sampleShape);
  const yt = readTargets('fit', 'y', y, loss.kind, units, xt.rows);
  let nTrain = xt.rows;
  let val: Prepared['val'];
  if (options.validationData !== undefined) {
    const vd = options.validationData;
    if (!Array.isArray(vd) || vd.length !== 2) throw new SinewError(`fit: expected \`validationData\` to be [x, y], received ${describe(vd)}`);
    const vx = readTable('fit', 'validationData[0]', vd[0]);
    if (!sameShape(vx.sampleShape, xt.sampleShape)) {
      throw new SinewError(`fit: expected \`validationData[0]\` to have samples of shape [${xt.sampleShape.join(', ')}] (as x), received [${vx.sampleShape.join(', ')}]`);
    }
    const vy = readTargets('fit', 'validationData[1]', vd[1], loss.kind, units, vx.rows);
    val = { x: vx, y: vy, from: 0, rows: vx.rows };
  } else if (split > 0) {
    nTrain = Math.floor(xt.rows * (1 - split)); // Keras: split_at = int(n · (1 − validation_split))
    const rows = xt.rows - nTrain;
    if (nTrain < 1 || rows < 1) throw new SinewError(`fit: \`validationSplit\` ${split} of ${xt.rows} rows leaves ${nTrain} training and ${rows} validation rows; both need at least one`);
    val = { x: xt, y: yt, from: nTrain, rows };
  }
  const validationBatchSize = checkInteger('fit', 'validationBatchSize', options.validationBatchSize ?? batchSize);
  return { epochs, batchSize, shuffle, verbose, seed, initialEpoch, callbacks, x: xt, y: yt, nTrain, val, validates: readValidationFreq(options.validationFreq), validationBatchSize };
}

/** Keras validation_freq: an integer N (every N-th epoch) or a list of 1-based epoch numbers. */
function readValidationFreq(freq: unknown): (epoch: number) => boolean {
  if (freq === undefined) return () => true;
  if (Array.isArray(freq)) {
    const epochs = new Set(freq.map((e, i) => checkInteger('fit', `validationFreq[${i}]`, e)));
    return (epoch) => epochs.has(epoch + 1);
  }
  if (typeof freq !== 'number') throw new SinewError(`fit: expected \`validationFreq\` to be a positive integer or a list of epoch numbers, received ${describe(freq)}`);
  const n = checkInteger('fit', 'validationFreq', freq);
  return (epoch) => (epoch + 1) % n === 0;
}

/** Await only real promises, so synchronous hooks cost no microtask. */
function settle(r: void | Promise<void>): Promise<void> | undefined {
  return r && typeof (r as Promise<void>).then === 'function' ? r : undefined;
}

/** Trains `model`; `facade` is what callbacks see as the model (setModel). */
export async function runFit(model: ModelState, facade: CallbackModel, x: unknown, y: unknown, options: FitOptions): Promise<History> {
  // A new model's worker threads start in the background: the first fit waits for them (until then
  // its products would run on one thread).
  if (!model.disposed) await model.backend.whenReady?.();
  const p = prepare(model, x, y, options);
  // ---- from here on the model changes ----
  const { optimizer, loss, metrics } = model.compiled!;
  // The randomness of an epoch is a function of (stream seed, epoch number) alone, so training can
  // stop and resume (even in another process, from a checkpoint) without changing any result. The
  // model's stream moves only once an update is applied: a fit that fails before leaves it as it was.
  const streamSeed = p.seed ?? model.trainingStreamSeed();
  const startEpoch = p.initialEpoch ?? 0;
  const streamStart = p.initialEpoch ?? (p.seed === undefined ? model.epochsStarted : 0);
  model.ensureBuilt(p.x.sampleShape);
  model.warnPairing();
  const yWidth = model.yWidthFor(loss);
  const valCap = p.val ? Math.min(p.validationBatchSize, p.val.rows) : 0;
  const plan = model.ensurePlan({
    batchCap: Math.max(Math.min(p.batchSize, p.nTrain), valCap),
    trainRows: p.nTrain,
    valRows: p.val?.rows ?? 0,
    yWidth,
    slotCount: optimizer.slotCount(),
  });
  model.prepareSlots(optimizer);
  const arena = model.backend.arena;
  const k = model.backend.kernels;
  const engine = model.engine;
  const heap0 = arena.heap();
  copyRows(p.x, heap0, plan.trainX >> 2, 0, p.nTrain);
  copyRows(p.y, heap0, plan.trainY >> 2, 0, p.nTrain);
  if (p.val) {
    copyRows(p.val.x, heap0, plan.valX >> 2, p.val.from, p.val.rows);
    copyRows(p.val.y, heap0, plan.valY >> 2, p.val.from, p.val.rows);
  }

  const layers = model.layers;
  const steps = Math.ceil(p.nTrain / p.batchSize);
  const history = new History({ epochs: p.epochs, batchSize: p.batchSize, samples: p.nTrain, steps, validationSamples: p.val?.rows ?? 0 }, layers.length);
  const trainedLayers = layers.map((_, i) => engine.hasGradNorm(i));
  const order = new Int32Array(p.nTrain);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const shuffleSeed = deriveSeed(streamSeed, 0);
  const metricSums = new Float64Array(metrics.length);
  const valSums = new Float64Array(metrics.length);
  const normSums = new Float64Array(layers.length);
  const block = { params: plan.params, grads: plan.grads, n: plan.n, tensorGrads: plan.tensorGrads, tensorCounts: plan.tensorCounts };
  const batchLogs: Logs = { batch: 0, size: 0, loss: 0 };
  const wantsBatchEnd = p.callbacks.some((c) => c.onBatchEnd);
  const wantsBatchBegin = p.callbacks.some((c) => c.onBatchBegin);
  const sink = p.verbose === 1 ? terminalSink() : undefined;
  const bar = sink ? new ProgressBar(sink, steps) : undefined;
  const running: Logs = { loss: 0 };
  const terminateOnNaN = p.callbacks.some((c) => (c as { terminatesOnNaN?: boolean }).terminatesOnNaN === true);
  const inDim = plan.inSize;

  model.busy = true;
  model.stopTraining = false;
  let lastLogs: Logs = {};
  try {
    for (const cb of p.callbacks) cb.setModel?.(facade);
    for (const cb of p.callbacks) await settle(cb.onTrainBegin?.());
    for (let epoch = startEpoch; epoch < p.epochs; epoch++) {
      const started = performance.now();
      for (const cb of p.callbacks) await settle(cb.onEpochBegin?.(epoch));
      const streamEpoch = streamStart + (epoch - startEpoch);
      let updated = false;
      bar?.epochBegin(epoch, p.epochs);
      for (let i = 0; i < layers.length; i++) layers[i].beginEpoch(streamSeed, i, streamEpoch);
      if (p.shuffle) {
        // Each epoch permutes the identity afresh, so its order depends on no earlier epoch.
        for (let i = 0; i < order.length; i++) order[i] = i;
        new Rng(deriveSeed(shuffleSeed, streamEpoch)).shuffle(order);
      }
      metricSums.fill(0);
      normSums.fill(0);
      let lossSum = 0;
      let seen = 0;
      let batches = 0;
      for (let start = 0, b = 0; start < p.nTrain; start += p.batchSize, b++) {
        const m = Math.min(p.batchSize, p.nTrain - start);
        if (wantsBatchBegin) {
          batchLogs.batch = b;
          batchLogs.size = m;
          for (let c = 0; c < p.callbacks.length; c++) await settle(p.callbacks[c].onBatchBegin?.(b, batchLogs));
        }
        let xp = plan.xBatch;
        let yp = plan.yBatch;
        if (p.shuffle) {
          const heap = arena.heap();
          gatherRows(heap, xp, plan.trainX, inDim, order, start, m);
          gatherRows(heap, yp, plan.trainY, yWidth, order, start, m);
        } else {
          xp = plan.trainX + start * inDim * 4;
          yp = plan.trainY + start * yWidth * 4;
        }
        const batchLoss = engine.forwardLoss(xp, yp, m, true) + engine.regularization();
        if (!Number.isFinite(batchLoss)) {
          if (!terminateOnNaN) throw nonFinite(model, 'loss', batchLoss, epoch, b);
          console.log(`Batch ${b}: invalid loss ${batchLoss}, terminating training`); // Keras TerminateOnNaN's line
          model.stopTraining = true;
          break;
        }
        engine.addMetrics(metrics, yp, m, metricSums);
        engine.backward(yp, m);
        engine.addKernelGradNorms(normSums);
        if (!normSums.every(Number.isFinite)) throw nonFinite(model, 'gradient', NaN, epoch, b);
        engine.updateState(m);
        optimizer.step(k, block, plan.slots);
        if (!updated) {
          updated = true;
          model.setTrainingStream(streamSeed, streamEpoch + 1);
        }
        lossSum += m * batchLoss;
        seen += m;
        batches++;
        if (bar) {
          running.loss = lossSum / seen;
          for (let j = 0; j < metrics.length; j++) running[metrics[j].key] = metricSums[j] / seen;
          bar.batchEnd(batches, running);
        }
        if (wantsBatchEnd) {
          batchLogs.batch = b;
          batchLogs.size = m;
          batchLogs.loss = batchLoss;
          for (let c = 0; c < p.callbacks.length; c++) await settle(p.callbacks[c].onBatchEnd?.(b, batchLogs));
        }
        const pause = maybeYield();
        if (pause) await pause;
        if (model.stopTraining) break;
      }
      if (seen === 0) break; // stopped (TerminateOnNaN) before any batch of this epoch counted
      const logs: Logs = { loss: lossSum / seen };
      metrics.forEach((metric, j) => (logs[metric.key] = metricSums[j] / seen));
      if (p.val && p.validates(epoch)) Object.assign(logs, evaluateRegion(model, plan.valX, plan.valY, p.val.rows, valCap, valSums, 'val_'));
      for (let i = 0; i < layers.length; i++) if (trainedLayers[i]) history.gradNorm[i].push(normSums[i] / batches);
      if (bar) bar.epochEnd(logs);
      else if (p.verbose > 0) console.log(formatEpochLine(epoch, p.epochs, performance.now() - started, logs));
      lastLogs = logs;
      for (const cb of p.callbacks) await settle(cb.onEpochEnd?.(epoch, logs));
      history.record(epoch, logs); // last, as Keras's History: what callbacks add to the logs (learning_rate) is kept
      if (model.stopTraining) break;
    }
    for (const cb of p.callbacks) await settle(cb.onTrainEnd?.(lastLogs));
  } finally {
    model.busy = false;
  }
  return history;
}

/** Output units for samples of this shape; the output must be one vector per sample for a loss. */
export function outputUnitsFor(owner: string, model: ModelState, sampleShape: readonly number[]): number {
  const shape = model.outputShape(model.inputShape ?? sampleShape)!;
  if (shape.length !== 1) throw new SinewError(`${owner}: the model's output has shape [${shape.join(', ')}] per sample; a loss needs one vector per sample (add Flatten before the last Dense)`);
  return shape[0];
}

/** The stop message, true to what happened: data too large, a previous update that overflowed, or a divergence caught in time. */
function nonFinite(model: ModelState, what: string, value: number, epoch: number, batch: number): Error {
  const where = `at epoch ${epoch + 1}, batch ${batch + 1}`;
  const k = model.backend.kernels;
  const plan = model.plan!;
  if (!Number.isFinite(k.sum_squares(plan.params, plan.n) + k.sum_squares(plan.state, plan.stateN))) {
    return new SinewError(
      `fit: the ${what} became ${value} ${where} because the previous update made some weights non-finite ` +
        `(learningRate ${model.compiled!.optimizer.learningRate} is far too large for this model; try a smaller one, or clipNorm)`,
    );
  }
  if (model.compiled!.optimizer.iterations === 0) {
    return new SinewError(
      `fit: the ${what} is ${value} ${where}, before any update: the inputs or targets are too large for float32 arithmetic; standardise them (datasets.standardize) or scale the targets`,
    );
  }
  return new SinewError(
    `fit: the ${what} became ${value} ${where}; training stopped before this update, so the weights are still finite ` +
      `(try a smaller learningRate, clipNorm, or standardised inputs)`,
  );
}

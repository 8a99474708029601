// Keras's trainOnBatch / testOnBatch: one step (or one evaluation) on exactly the rows given, no
// shuffling, no callbacks. The same checks as fit before anything changes, the same step as fit's
// inner loop (NaN check before the update, state updates, clipping and the optimizer).

import type { ModelState } from '../model/model_state.js';
import { SinewError } from '../errors.js';
import { copyRows, readTable, readTargets, type MatrixLike, type TargetLike } from './data.js';
import { outputUnitsFor } from './fit.js';
import type { Logs } from './history.js';

function load(model: ModelState, owner: string, x: MatrixLike, y: TargetLike): { rows: number; xp: number; yp: number } {
  model.checkUsable(owner);
  if (!model.compiled) throw new SinewError(`${owner}: call compile({ optimizer, loss, metrics }) before ${owner}`);
  const xt = readTable(owner, 'x', x);
  model.checkInputShape(owner, 'x', xt.sampleShape);
  const yt = readTargets(owner, 'y', y, model.compiled.loss.kind, outputUnitsFor(owner, model, xt.sampleShape), xt.rows);
  model.ensureBuilt(xt.sampleShape, owner);
  const c = model.compiled;
  const plan = model.ensurePlan({ batchCap: xt.rows, yWidth: model.yWidthFor(c.loss), slotCount: owner === 'trainOnBatch' ? c.optimizer.slotCount() : undefined }, owner);
  const heap = model.backend.arena.heap();
  copyRows(xt, heap, plan.xBatch >> 2, 0, xt.rows);
  copyRows(yt, heap, plan.yBatch >> 2, 0, xt.rows);
  return { rows: xt.rows, xp: plan.xBatch, yp: plan.yBatch };
}

/** One training step on (x, y) as one batch; returns the batch's loss (with regularisation) and metrics, before the update. */
export function trainOnBatch(model: ModelState, x: MatrixLike, y: TargetLike): Logs {
  const { rows, xp, yp } = load(model, 'trainOnBatch', x, y);
  const { optimizer, metrics } = model.compiled!;
  model.prepareSlots(optimizer);
  const engine = model.engine;
  const plan = model.plan!;
  const loss = engine.forwardLoss(xp, yp, rows, true) + engine.regularization();
  if (!Number.isFinite(loss)) throw new SinewError(`trainOnBatch: the loss is ${loss} on this batch; the update was not applied (try a smaller learningRate, clipNorm, or standardised inputs)`);
  const sums = new Float64Array(metrics.length);
  engine.addMetrics(metrics, yp, rows, sums);
  engine.backward(yp, rows);
  const norms = new Float64Array(model.layers.length);
  engine.addKernelGradNorms(norms);
  if (!norms.every(Number.isFinite)) throw new SinewError('trainOnBatch: the gradient is not finite on this batch; the update was not applied');
  engine.updateState(rows);
  optimizer.step(model.backend.kernels, { params: plan.params, grads: plan.grads, n: plan.n, tensorGrads: plan.tensorGrads, tensorCounts: plan.tensorCounts }, plan.slots);
  const logs: Logs = { loss };
  metrics.forEach((m, j) => (logs[m.key] = sums[j] / rows));
  return logs;
}

/** The loss (with regularisation) and metrics on (x, y) as one batch, in inference mode. */
export function testOnBatch(model: ModelState, x: MatrixLike, y: TargetLike): Logs {
  const { rows, xp, yp } = load(model, 'testOnBatch', x, y);
  const { metrics } = model.compiled!;
  const engine = model.engine;
  const loss = engine.forwardLoss(xp, yp, rows, false) + engine.regularization();
  const sums = new Float64Array(metrics.length);
  engine.addMetrics(metrics, yp, rows, sums);
  const logs: Logs = { loss };
  metrics.forEach((m, j) => (logs[m.key] = sums[j] / rows));
  return logs;
}

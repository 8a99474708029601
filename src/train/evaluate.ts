// Evaluation passes (inference mode, no dropout): the loss with regularisation, as Keras reports it,
// and the compiled metrics, averaged over rows. Used by model.evaluate (data copied chunk by chunk
// from the user's arrays) and by fit's validation (data already in the arena).

import type { ModelState } from '../model/model_state.js';
import { copyRows, type Table } from './data.js';
import type { Logs } from './history.js';

/** Evaluates rows that are already in the arena at xPtr/yPtr (byte offsets), in chunks. */
export function evaluateRegion(model: ModelState, xPtr: number, yPtr: number, rows: number, chunk: number, sums: Float64Array, prefix = ''): Logs {
  const plan = model.plan!;
  return evaluateChunks(model, rows, chunk, sums, prefix, (start) => [xPtr + start * plan.inSize * 4, yPtr + start * plan.yWidth * 4]);
}

/** Evaluates user tables, copying each chunk into the batch slots. */
export function evaluateTables(model: ModelState, xt: Table, yt: Table, chunk: number): Logs {
  const plan = model.plan!;
  const sums = new Float64Array(model.compiled!.metrics.length);
  return evaluateChunks(model, xt.rows, chunk, sums, '', (start, m) => {
    const heap = model.backend.arena.heap();
    copyRows(xt, heap, plan.xBatch >> 2, start, m);
    copyRows(yt, heap, plan.yBatch >> 2, start, m);
    return [plan.xBatch, plan.yBatch];
  });
}

function evaluateChunks(model: ModelState, rows: number, chunk: number, sums: Float64Array, prefix: string, load: (start: number, m: number) => [number, number]): Logs {
  const engine = model.engine;
  const metrics = model.compiled!.metrics;
  sums.fill(0);
  let lossSum = 0;
  for (let start = 0; start < rows; start += chunk) {
    const m = Math.min(chunk, rows - start);
    const [x, y] = load(start, m);
    lossSum += m * engine.forwardLoss(x, y, m, false);
    engine.addMetrics(metrics, y, m, sums);
  }
  const logs: Logs = { [`${prefix}loss`]: lossSum / rows + engine.regularization() };
  metrics.forEach((metric, j) => (logs[`${prefix}${metric.key}`] = sums[j] / rows));
  return logs;
}

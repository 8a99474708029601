// For gradient checks: the loss (data + regularisation) and a copy of the whole gradient block at
// the current weights, on all rows of (x, y) as one batch in training mode (so dropout must have
// rate 0 and noise stddev 0). The layout is the trainable block's: the trainable tensors in
// getWeights() order, flattened. No state update runs (moving statistics stay as they are).

import type { ModelState } from '../model/model_state.js';
import { copyRows, readTable, readTargets, type MatrixLike, type TargetLike } from './data.js';
import { outputUnitsFor } from './fit.js';
import { SinewError } from '../errors.js';

export function computeGradients(model: ModelState, x: MatrixLike, y: TargetLike): { loss: number; gradients: Float64Array } {
  model.checkUsable('computeGradients');
  if (!model.compiled) throw new SinewError('computeGradients: call compile first');
  const xt = readTable('computeGradients', 'x', x);
  model.checkInputShape('computeGradients', 'x', xt.sampleShape);
  const yt = readTargets('computeGradients', 'y', y, model.compiled.loss.kind, outputUnitsFor('computeGradients', model, xt.sampleShape), xt.rows);
  model.ensureBuilt(xt.sampleShape, 'computeGradients');
  const plan = model.ensurePlan({ batchCap: xt.rows, yWidth: model.yWidthFor(model.compiled.loss) }, 'computeGradients');
  const heap = model.backend.arena.heap();
  copyRows(xt, heap, plan.xBatch >> 2, 0, xt.rows);
  copyRows(yt, heap, plan.yBatch >> 2, 0, xt.rows);
  const loss = model.engine.forwardLoss(plan.xBatch, plan.yBatch, xt.rows, true) + model.engine.regularization();
  model.engine.backward(plan.yBatch, xt.rows);
  const g = model.backend.arena.heap().subarray(plan.grads >> 2, (plan.grads >> 2) + plan.n);
  return { loss, gradients: new Float64Array(g) };
}

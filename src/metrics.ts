// Metrics by name, resolved against the loss as Keras does ('accuracy' becomes binary, categorical
// or sparse-categorical accuracy), and their per-batch values computed on the model's output and
// target buffers. Values are means over the batch; fit/evaluate weight them by batch rows.

import type { Kernels } from './backend/abi.js';
import type { FloatHeap } from './memory/arena.js';
import type { ResolvedLoss } from './losses.js';
import { describe, unknownNameError, SinewError } from './errors.js';

export type MetricKind = 'binaryAccuracy' | 'categoricalAccuracy' | 'sparseCategoricalAccuracy' | 'mse' | 'mae';

export interface ResolvedMetric {
  /** The key in logs and history (the name the user gave, as Keras logs it). */
  readonly key: string;
  readonly kind: MetricKind;
}

const DIRECT: Record<string, MetricKind> = {
  binaryAccuracy: 'binaryAccuracy',
  categoricalAccuracy: 'categoricalAccuracy',
  sparseCategoricalAccuracy: 'sparseCategoricalAccuracy',
  mse: 'mse',
  meanSquaredError: 'mse',
  mae: 'mae',
  meanAbsoluteError: 'mae',
};
export const METRIC_NAMES: readonly string[] = ['accuracy', 'acc', ...Object.keys(DIRECT)];

/** `metrics: ['accuracy', 'mse']` → resolved metrics for this loss. */
export function resolveMetrics(spec: unknown, loss: ResolvedLoss): ResolvedMetric[] {
  if (spec === undefined) return [];
  if (typeof spec === 'string') spec = [spec]; // TF.js accepts one name as a plain string
  if (!Array.isArray(spec)) throw new SinewError(`compile: expected \`metrics\` to be an array of names such as ['accuracy'], received ${describe(spec)}`);
  const out: ResolvedMetric[] = [];
  for (const name of spec) {
    if (typeof name !== 'string') throw new SinewError(`compile: expected each metric to be a name such as 'accuracy', received ${describe(name)}`);
    let kind: MetricKind | undefined = Object.hasOwn(DIRECT, name) ? DIRECT[name] : undefined; // own entries only
    if (name === 'accuracy' || name === 'acc') {
      // Keras compile_utils: the accuracy that matches the loss.
      kind = loss.kind === 'bce' ? 'binaryAccuracy' : loss.kind === 'sparseCce' ? 'sparseCategoricalAccuracy' : loss.kind === 'cce' ? 'categoricalAccuracy' : undefined;
      if (!kind) throw new SinewError(`compile: metric '${name}' needs a classification loss to choose binary or categorical accuracy, received loss '${loss.name}'; name it explicitly ('binaryAccuracy', 'categoricalAccuracy')`);
    }
    if (!kind) throw unknownNameError('metric', name, METRIC_NAMES);
    if (out.some((m) => m.key === name)) throw new SinewError(`compile: metric '${name}' is listed twice`);
    out.push({ key: name, kind });
  }
  return out;
}

/** Where a batch's prediction and target are, and scratch for argmax rows. */
export interface MetricBuffers {
  pred: number;
  target: number;
  idxA: number;
  idxB: number;
  M: number;
  N: number;
  /** Threshold for binary accuracy: 0.5 on probabilities, 0 on logits (fromLogits). */
  threshold: number;
}

/** The mean of one metric over a batch. */
export function metricValue(k: Kernels, heap: () => FloatHeap, kind: MetricKind, b: MetricBuffers): number {
  const { M, N } = b;
  switch (kind) {
    case 'mse':
      return k.mse_forward(b.pred, b.target, M, N);
    case 'mae':
      return k.mae_forward(b.pred, b.target, M, N);
    case 'binaryAccuracy': {
      const h = heap();
      const p = b.pred >> 2;
      const t = b.target >> 2;
      let hits = 0;
      for (let i = 0; i < M * N; i++) if (h[p + i] > b.threshold === h[t + i] > 0.5) hits++;
      return hits / (M * N);
    }
    case 'categoricalAccuracy':
    case 'sparseCategoricalAccuracy': {
      k.row_argmax(b.idxA, b.pred, M, N);
      let ids = b.target;
      if (kind === 'categoricalAccuracy') {
        k.row_argmax(b.idxB, b.target, M, N);
        ids = b.idxB;
      }
      const h = heap();
      const a = b.idxA >> 2;
      const t = ids >> 2;
      let hits = 0;
      for (let i = 0; i < M; i++) if (h[a + i] === h[t + i]) hits++;
      return hits / M;
    }
  }
}

// Training callbacks: plain objects with optional (possibly async) hooks, called by fit in Keras
// order — onTrainBegin, then per epoch onEpochBegin, per batch onBatchBegin/onBatchEnd, onEpochEnd,
// and finally onTrainEnd — plus EarlyStopping. Setting `model.stopTraining = true` stops after the
// current batch.

import { checkInteger, checkNumber, checkOptionKeys, describe, SinewError } from '../errors.js';
import type { Logs } from './history.js';

/** The part of a model a callback may use. */
export interface CallbackModel {
  stopTraining: boolean;
  getWeights(): { data: Float32Array; shape: number[] }[];
  setWeights(weights: readonly { data: ArrayLike<number>; shape: readonly number[] }[]): void;
  /** The compiled optimizer (LearningRateScheduler, ReduceLROnPlateau set its learningRate). */
  readonly optimizer?: { learningRate: number };
  /** The model's save (its target and options are io's SaveTarget and SaveOptions). */
  save(target: unknown, options?: { includeOptimizer?: boolean }): Promise<unknown>;
}

export interface Callback {
  /** Called by fit before onTrainBegin with the model being trained. */
  setModel?(model: CallbackModel): void;
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  /** logs: { batch, size, loss, <metrics> } — one object reused for every batch; copy what you keep. */
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

const HOOKS = ['setModel', 'onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'] as const;

/** Validates `callbacks` (fit option): an array of objects whose hooks are functions. */
export function checkCallbacks(value: unknown): Callback[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  list.forEach((cb, i) => {
    if (cb === null || typeof cb !== 'object') throw new SinewError(`fit: expected \`callbacks[${i}]\` to be an object with hooks such as onEpochEnd, received ${describe(cb)}`);
    for (const hook of HOOKS) {
      const f = (cb as Record<string, unknown>)[hook];
      if (f !== undefined && typeof f !== 'function') throw new SinewError(`fit: expected \`callbacks[${i}].${hook}\` to be a function, received ${describe(f)}`);
    }
  });
  return list as Callback[];
}

/** `monitor` (default 'val_loss') and `mode` as EarlyStopping and ModelCheckpoint read them; 'auto' is max for names ending in acc/accuracy. */
export function readMonitor(owner: string, monitor: unknown = 'val_loss', mode: unknown = 'auto'): { monitor: string; mode: 'min' | 'max' } {
  if (typeof monitor !== 'string' || monitor === '') throw new SinewError(`${owner}: expected \`monitor\` to be a log name such as 'val_loss', received ${describe(monitor)}`);
  if (mode !== 'auto' && mode !== 'min' && mode !== 'max') throw new SinewError(`${owner}: expected \`mode\` to be 'auto', 'min' or 'max', received ${describe(mode)}`);
  return { monitor, mode: mode === 'auto' ? (/(acc|accuracy)$/.test(monitor) ? 'max' : 'min') : mode };
}

export interface EarlyStoppingOptions {
  /** Log to watch; default 'val_loss'. */
  monitor?: string;
  /** Minimum change that counts as an improvement; default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping; default 0. */
  patience?: number;
  /** 'min', 'max' or 'auto' (max for names ending in acc/accuracy, else min); default 'auto'. */
  mode?: 'auto' | 'min' | 'max';
  /** At the end of training, restore the weights of the best epoch; default false. */
  restoreBestWeights?: boolean;
}

/**
 * Stops training when `monitor` stops improving (Keras EarlyStopping semantics, Keras 3: the best
 * weights are restored at the end of training whenever restoreBestWeights is set).
 * @example model.fit(x, y, { validationSplit: 0.2, callbacks: [new EarlyStopping({ patience: 3, restoreBestWeights: true })] })
 */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly restoreBestWeights: boolean;
  /** Epoch at which training was stopped (0 if it was not). */
  stoppedEpoch = 0;
  /** The best value seen and its epoch. */
  best = Infinity;
  bestEpoch = 0;
  private wait = 0;
  private bestWeights: { data: Float32Array; shape: number[] }[] | undefined;
  private model: CallbackModel | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    checkOptionKeys('EarlyStopping', options, ['monitor', 'minDelta', 'patience', 'mode', 'restoreBestWeights']);
    ({ monitor: this.monitor, mode: this.mode } = readMonitor('EarlyStopping', options.monitor, options.mode));
    this.minDelta = Math.abs(checkNumber('EarlyStopping', 'minDelta', options.minDelta ?? 0));
    this.patience = checkInteger('EarlyStopping', 'patience', options.patience ?? 0, 0);
    const restore = options.restoreBestWeights ?? false;
    if (typeof restore !== 'boolean') throw new SinewError(`EarlyStopping: expected \`restoreBestWeights\` to be a boolean, received ${describe(restore)}`);
    this.restoreBestWeights = restore;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.bestEpoch = 0;
    this.bestWeights = undefined;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`EarlyStopping: monitor '${this.monitor}' is not in the logs (available: ${Object.keys(logs).join(', ')}); not stopping`);
      return;
    }
    if (this.restoreBestWeights && this.bestWeights === undefined) this.bestWeights = this.model?.getWeights();
    this.wait++;
    const improved = this.mode === 'min' ? current + this.minDelta < this.best : current - this.minDelta > this.best;
    if (improved) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.model?.getWeights();
      this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      if (this.model) this.model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.restoreBestWeights && this.bestWeights && this.model) this.model.setWeights(this.bestWeights);
  }
}

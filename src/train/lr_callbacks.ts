// Callbacks that steer training (Keras 3 semantics): LearningRateScheduler sets the optimizer's
// learning rate from a function at the start of each epoch; ReduceLROnPlateau multiplies it by
// `factor` when `monitor` has not improved for `patience` epochs; TerminateOnNaN ends training
// quietly at a non-finite loss instead of the error fit raises by default. The first two log
// `learning_rate` at the end of each epoch, as Keras does.

import { checkInteger, checkNumber, checkOptionKeys, describe, SinewError } from '../errors.js';
import { readMonitor, type Callback, type CallbackModel } from './callbacks.js';
import type { Logs } from './history.js';

function optimizerOf(owner: string, model: CallbackModel | undefined): { learningRate: number } {
  const opt = model?.optimizer;
  if (!opt) throw new SinewError(`${owner}: the model has no compiled optimizer`);
  return opt;
}

/**
 * @example new LearningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * Math.exp(-0.1)))
 */
export class LearningRateScheduler implements Callback {
  private model: CallbackModel | undefined;

  constructor(readonly schedule: (epoch: number, learningRate: number) => number) {
    if (typeof schedule !== 'function') throw new SinewError(`LearningRateScheduler: expected \`schedule\` to be a function (epoch, learningRate) => learningRate, received ${describe(schedule)}`);
  }
  setModel(model: CallbackModel): void {
    this.model = model;
  }
  onEpochBegin(epoch: number): void {
    const opt = optimizerOf('LearningRateScheduler', this.model);
    const next = this.schedule(epoch, opt.learningRate);
    if (typeof next !== 'number' || !Number.isFinite(next)) {
      throw new SinewError(`LearningRateScheduler: expected \`schedule\` to return a finite number at epoch ${epoch}, received ${describe(next)}`);
    }
    opt.learningRate = next; // checked by the optimizer (> 0, finite in float32)
  }
  onEpochEnd(_epoch: number, logs: Logs): void {
    logs.learning_rate = optimizerOf('LearningRateScheduler', this.model).learningRate;
  }
}

export interface ReduceLROnPlateauOptions {
  /** Default 'val_loss'. */
  monitor?: string;
  /** new = old · factor, < 1; default 0.1. */
  factor?: number;
  /** Epochs without improvement before reducing; default 10. */
  patience?: number;
  mode?: 'auto' | 'min' | 'max';
  /** The change that counts as an improvement; default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again; default 0. */
  cooldown?: number;
  /** Never below this; default 0. */
  minLr?: number;
}

/** @example new ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 3 }) */
export class ReduceLROnPlateau implements Callback {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  best = Infinity;
  private wait = 0;
  private cooldownCounter = 0;
  private model: CallbackModel | undefined;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    checkOptionKeys('ReduceLROnPlateau', options, ['monitor', 'factor', 'patience', 'mode', 'minDelta', 'cooldown', 'minLr']);
    ({ monitor: this.monitor, mode: this.mode } = readMonitor('ReduceLROnPlateau', options.monitor, options.mode));
    this.factor = checkNumber('ReduceLROnPlateau', 'factor', options.factor ?? 0.1, { min: 0, max: 1, minOpen: true, maxOpen: true });
    this.patience = checkInteger('ReduceLROnPlateau', 'patience', options.patience ?? 10, 0);
    this.minDelta = checkNumber('ReduceLROnPlateau', 'minDelta', options.minDelta ?? 1e-4, { min: 0 });
    this.cooldown = checkInteger('ReduceLROnPlateau', 'cooldown', options.cooldown ?? 0, 0);
    this.minLr = checkNumber('ReduceLROnPlateau', 'minLr', options.minLr ?? 0, { min: 0 });
  }
  setModel(model: CallbackModel): void {
    this.model = model;
  }
  onTrainBegin(): void {
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.wait = 0;
    this.cooldownCounter = 0;
  }
  onEpochEnd(_epoch: number, logs: Logs): void {
    const opt = optimizerOf('ReduceLROnPlateau', this.model);
    logs.learning_rate = opt.learningRate;
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`ReduceLROnPlateau: monitor '${this.monitor}' is not in the logs (available: ${Object.keys(logs).join(', ')}); not reducing`);
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    const improved = this.mode === 'min' ? current < this.best - this.minDelta : current > this.best + this.minDelta;
    if (improved) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter === 0) {
      this.wait++;
      if (this.wait >= this.patience && opt.learningRate > this.minLr) {
        // Keras: max(old · factor, min_lr); a minLr of 0 still needs a positive rate.
        opt.learningRate = Math.max(opt.learningRate * this.factor, this.minLr, Number.MIN_VALUE);
        this.cooldownCounter = this.cooldown;
        this.wait = 0;
      }
    }
  }
}

/** Ends training quietly (model.stopTraining) at a non-finite loss; without it fit raises an Error. */
export class TerminateOnNaN implements Callback {
  /** @internal fit reads this marker. */
  readonly terminatesOnNaN = true;
  onTrainBegin(): void {}
}

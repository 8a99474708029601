// Learning-rate schedules (Keras 3's formulas and defaults), given as an optimizer's `learningRate`:
// the rate of step t (0-based: the optimizer's `iterations` before the update) is computed in
// float64 once per step and handed to the update kernel. Saved and restored with the optimizer
// (className + config), so exact resume holds: the step count is saved with it.

import { checkInteger, checkNumber, checkOptionKeys, describe, SinewError } from '../errors.js';

export abstract class LearningRateSchedule {
  abstract readonly className: string;
  /** The learning rate at 0-based step `step`. */
  abstract at(step: number): number;
  abstract getConfig(): Record<string, number | boolean | number[]>;
}

const positive = (owner: string, arg: string, v: unknown) => checkNumber(owner, arg, v, { min: 0, minOpen: true });
const bool = (owner: string, arg: string, v: unknown, fallback: boolean) => {
  const b = v ?? fallback;
  if (typeof b !== 'boolean') throw new SinewError(`${owner}: expected \`${arg}\` to be a boolean, received ${describe(b)}`);
  return b;
};

/** The options ExponentialDecay and InverseTimeDecay share. */
export interface DecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  staircase?: boolean;
}

/** A rate that decays with p = step / decaySteps (floored with `staircase`). */
abstract class StepDecay extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  protected constructor(owner: string, o: DecayOptions, rateMayBeZero: boolean) {
    super();
    checkOptionKeys(owner, o, ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase']);
    this.initialLearningRate = positive(owner, 'initialLearningRate', o.initialLearningRate);
    this.decaySteps = positive(owner, 'decaySteps', o.decaySteps);
    this.decayRate = checkNumber(owner, 'decayRate', o.decayRate, { min: 0, minOpen: !rateMayBeZero });
    this.staircase = bool(owner, 'staircase', o.staircase, false);
  }
  protected progress(step: number): number {
    const p = step / this.decaySteps;
    return this.staircase ? Math.floor(p) : p;
  }
  getConfig() {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, decayRate: this.decayRate, staircase: this.staircase };
  }
}

/** lr · rate^(step / decaySteps). */
export class ExponentialDecay extends StepDecay {
  readonly className = 'ExponentialDecay';
  constructor(o: DecayOptions) {
    super('ExponentialDecay', o, false); // rate^p with rate 0 would stop training at once
  }
  at(step: number): number {
    return this.initialLearningRate * Math.pow(this.decayRate, this.progress(step));
  }
}

/** lr / (1 + rate · step / decaySteps). */
export class InverseTimeDecay extends StepDecay {
  readonly className = 'InverseTimeDecay';
  constructor(o: DecayOptions) {
    super('InverseTimeDecay', o, true); // rate 0 is a constant rate
  }
  at(step: number): number {
    return this.initialLearningRate / (1 + this.decayRate * this.progress(step));
  }
}

/** values[0] up to boundaries[0] (inclusive), values[i] up to boundaries[i], values[last] after. */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: number[];
  readonly values: number[];
  constructor(o: { boundaries: number[]; values: number[] }) {
    super();
    checkOptionKeys('PiecewiseConstantDecay', o, ['boundaries', 'values']);
    if (!Array.isArray(o.boundaries) || !Array.isArray(o.values) || o.values.length !== o.boundaries.length + 1) {
      throw new SinewError(`PiecewiseConstantDecay: expected \`values\` to have one entry more than \`boundaries\`, received ${describe(o.values)} and ${describe(o.boundaries)}`);
    }
    this.boundaries = o.boundaries.map((b, i) => checkInteger('PiecewiseConstantDecay', `boundaries[${i}]`, b, 0));
    this.boundaries.forEach((b, i) => {
      if (i > 0 && b <= this.boundaries[i - 1]) throw new SinewError(`PiecewiseConstantDecay: expected \`boundaries\` to increase, received ${describe(o.boundaries)}`);
    });
    this.values = o.values.map((v, i) => positive('PiecewiseConstantDecay', `values[${i}]`, v));
  }
  at(step: number): number {
    for (let i = 0; i < this.boundaries.length; i++) if (step <= this.boundaries[i]) return this.values[i];
    return this.values[this.values.length - 1];
  }
  getConfig() {
    return { boundaries: [...this.boundaries], values: [...this.values] };
  }
}

/** (lr − end)·(1 − step/decaySteps)^power + end, step held at decaySteps (or the period stretched with `cycle`). */
export class PolynomialDecay extends LearningRateSchedule {
  readonly className = 'PolynomialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;
  constructor(o: { initialLearningRate: number; decaySteps: number; endLearningRate?: number; power?: number; cycle?: boolean }) {
    super();
    checkOptionKeys('PolynomialDecay', o, ['initialLearningRate', 'decaySteps', 'endLearningRate', 'power', 'cycle']);
    this.initialLearningRate = positive('PolynomialDecay', 'initialLearningRate', o.initialLearningRate);
    this.decaySteps = positive('PolynomialDecay', 'decaySteps', o.decaySteps);
    this.endLearningRate = checkNumber('PolynomialDecay', 'endLearningRate', o.endLearningRate ?? 0.0001, { min: 0 });
    this.power = positive('PolynomialDecay', 'power', o.power ?? 1);
    this.cycle = bool('PolynomialDecay', 'cycle', o.cycle, false);
  }
  at(step: number): number {
    let decaySteps = this.decaySteps;
    let s = step;
    if (this.cycle) decaySteps = decaySteps * (step === 0 ? 1 : Math.ceil(step / decaySteps));
    else s = Math.min(step, decaySteps);
    return (this.initialLearningRate - this.endLearningRate) * Math.pow(1 - s / decaySteps, this.power) + this.endLearningRate;
  }
  getConfig() {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, endLearningRate: this.endLearningRate, power: this.power, cycle: this.cycle };
  }
}

/** Optional linear warm-up to `warmupTarget` over `warmupSteps`, then a cosine from it to alpha·(it) over decaySteps (Keras 3). */
export class CosineDecay extends LearningRateSchedule {
  readonly className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly warmupTarget: number | undefined;
  readonly warmupSteps: number;
  constructor(o: { initialLearningRate: number; decaySteps: number; alpha?: number; warmupTarget?: number; warmupSteps?: number }) {
    super();
    checkOptionKeys('CosineDecay', o, ['initialLearningRate', 'decaySteps', 'alpha', 'warmupTarget', 'warmupSteps']);
    this.initialLearningRate = checkNumber('CosineDecay', 'initialLearningRate', o.initialLearningRate, { min: 0 });
    this.decaySteps = positive('CosineDecay', 'decaySteps', o.decaySteps);
    this.alpha = checkNumber('CosineDecay', 'alpha', o.alpha ?? 0, { min: 0, max: 1 });
    this.warmupTarget = o.warmupTarget === undefined ? undefined : positive('CosineDecay', 'warmupTarget', o.warmupTarget);
    this.warmupSteps = checkInteger('CosineDecay', 'warmupSteps', o.warmupSteps ?? 0, 0);
  }
  at(step: number): number {
    const target = this.warmupTarget;
    if (target !== undefined && step < this.warmupSteps) {
      return this.initialLearningRate + ((target - this.initialLearningRate) * step) / this.warmupSteps;
    }
    const from = target ?? this.initialLearningRate;
    const s = Math.min(step - (target === undefined ? 0 : this.warmupSteps), this.decaySteps);
    const cosine = 0.5 * (1 + Math.cos((Math.PI * s) / this.decaySteps));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }
  getConfig() {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      alpha: this.alpha,
      ...(this.warmupTarget === undefined ? {} : { warmupTarget: this.warmupTarget }),
      warmupSteps: this.warmupSteps,
    };
  }
}

/** SGDR: cosine periods that grow by tMul and whose peaks shrink by mMul (Keras CosineDecayRestarts). */
export class CosineDecayRestarts extends LearningRateSchedule {
  readonly className = 'CosineDecayRestarts';
  readonly initialLearningRate: number;
  readonly firstDecaySteps: number;
  readonly tMul: number;
  readonly mMul: number;
  readonly alpha: number;
  constructor(o: { initialLearningRate: number; firstDecaySteps: number; tMul?: number; mMul?: number; alpha?: number }) {
    super();
    checkOptionKeys('CosineDecayRestarts', o, ['initialLearningRate', 'firstDecaySteps', 'tMul', 'mMul', 'alpha']);
    this.initialLearningRate = positive('CosineDecayRestarts', 'initialLearningRate', o.initialLearningRate);
    this.firstDecaySteps = positive('CosineDecayRestarts', 'firstDecaySteps', o.firstDecaySteps);
    this.tMul = positive('CosineDecayRestarts', 'tMul', o.tMul ?? 2);
    this.mMul = positive('CosineDecayRestarts', 'mMul', o.mMul ?? 1);
    this.alpha = checkNumber('CosineDecayRestarts', 'alpha', o.alpha ?? 0, { min: 0, max: 1 });
  }
  at(step: number): number {
    let fraction = step / this.firstDecaySteps;
    let restart: number;
    if (this.tMul === 1) {
      restart = Math.floor(fraction);
      fraction -= restart;
    } else {
      restart = Math.floor(Math.log(1 - fraction * (1 - this.tMul)) / Math.log(this.tMul));
      const done = (1 - Math.pow(this.tMul, restart)) / (1 - this.tMul);
      fraction = (fraction - done) / Math.pow(this.tMul, restart);
    }
    const cosine = 0.5 * Math.pow(this.mMul, restart) * (1 + Math.cos(Math.PI * fraction));
    return this.initialLearningRate * ((1 - this.alpha) * cosine + this.alpha);
  }
  getConfig() {
    return { initialLearningRate: this.initialLearningRate, firstDecaySteps: this.firstDecaySteps, tMul: this.tMul, mMul: this.mMul, alpha: this.alpha };
  }
}

const SCHEDULES: Record<string, (config: Record<string, unknown>) => LearningRateSchedule> = {
  ExponentialDecay: (c) => new ExponentialDecay(c as never),
  InverseTimeDecay: (c) => new InverseTimeDecay(c as never),
  PiecewiseConstantDecay: (c) => new PiecewiseConstantDecay(c as never),
  PolynomialDecay: (c) => new PolynomialDecay(c as never),
  CosineDecay: (c) => new CosineDecay(c as never),
  CosineDecayRestarts: (c) => new CosineDecayRestarts(c as never),
};
export const SCHEDULE_CLASS_NAMES: readonly string[] = Object.keys(SCHEDULES);

/** Rebuilds a schedule from its saved { className, config } (the constructor checks every value). */
export function scheduleFromConfig(className: string, config: Record<string, unknown>): LearningRateSchedule {
  if (!Object.hasOwn(SCHEDULES, className)) throw new SinewError(`learningRate: unknown schedule ${describe(className)}; known: ${SCHEDULE_CLASS_NAMES.join(', ')}`);
  return SCHEDULES[className](config);
}

// ModelCheckpoint (Keras semantics): saves the model at the end of every epoch, or only when a
// monitored log improves. A path may hold Keras-style fields — `{epoch:02d}`, `{val_loss:.4f}` —
// filled from the epoch (1-based, as Keras) and its logs. By default a checkpoint includes the
// optimizer state and the training stream, so fit resumes from it exactly.

import { checkOptionKeys, describe, SinewError } from '../errors.js';
import type { SaveTarget } from '../io/save.js';
import { readMonitor, type Callback, type CallbackModel } from '../train/callbacks.js';
import type { Logs } from '../train/history.js';

export interface ModelCheckpointOptions {
  /** Log to watch for `saveBestOnly`; default 'val_loss'. */
  monitor?: string;
  /** Save only when `monitor` improves on the best seen so far; default false (every epoch). */
  saveBestOnly?: boolean;
  /** 'min', 'max' or 'auto' (max for names ending in acc/accuracy, else min); default 'auto'. */
  mode?: 'auto' | 'min' | 'max';
  /** Include the optimizer state and training stream (for resuming); default true. */
  includeOptimizer?: boolean;
  /** 1: a line per save; default 0. */
  verbose?: 0 | 1;
}

// `{name}` or `{name:spec}` with spec 0Nd / Nd / .Nf — the part of Python's format Keras paths use.
const FIELD = /\{([A-Za-z_][A-Za-z0-9_]*)(?::(0?)(\d*)(d|\.\d+f))?\}/g;

/** Fills a Keras-style path template from the epoch (1-based) and logs. */
export function formatCheckpointPath(template: string, epoch: number, logs: Logs): string {
  return template.replace(FIELD, (_, name: string, zero: string, width: string, kind: string | undefined) => {
    const value = name === 'epoch' ? epoch : logs[name];
    if (value === undefined) {
      throw new SinewError(`ModelCheckpoint: the path field \`{${name}}\` is not in the logs (available: epoch, ${Object.keys(logs).join(', ')})`);
    }
    let text = kind === undefined ? String(value) : kind === 'd' ? String(Math.round(value)) : value.toFixed(Number(kind.slice(1, -1)));
    if (width) text = text.padStart(Number(width), zero ? '0' : ' ');
    return text;
  });
}

/**
 * @example
 *   await model.fit(x, y, { epochs: 20, validationSplit: 0.2,
 *     callbacks: [new ModelCheckpoint('checkpoints/best', { saveBestOnly: true })] });
 *   const best = await loadModel('checkpoints/best');
 */
export class ModelCheckpoint implements Callback {
  readonly target: SaveTarget;
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly mode: 'min' | 'max';
  readonly includeOptimizer: boolean;
  readonly verbose: 0 | 1;
  /** The best monitored value so far (saveBestOnly), and the path (or target) of the last save. */
  best = Infinity;
  lastSaved: SaveTarget | undefined;
  private model: CallbackModel | undefined;

  constructor(target: SaveTarget, options: ModelCheckpointOptions = {}) {
    checkOptionKeys('ModelCheckpoint', options, ['monitor', 'saveBestOnly', 'mode', 'includeOptimizer', 'verbose']);
    const isHandler = typeof target === 'object' && target !== null && typeof (target as { save?: unknown }).save === 'function';
    if (!(typeof target === 'string' && target !== '') && typeof target !== 'function' && !isHandler) {
      throw new SinewError(`ModelCheckpoint: expected \`target\` to be a directory path (may hold fields such as {epoch:02d}), a function or a save handler, received ${describe(target)}`);
    }
    this.target = target;
    ({ monitor: this.monitor, mode: this.mode } = readMonitor('ModelCheckpoint', options.monitor, options.mode));
    this.saveBestOnly = readBoolean('saveBestOnly', options.saveBestOnly ?? false);
    this.includeOptimizer = readBoolean('includeOptimizer', options.includeOptimizer ?? true);
    const verbose = options.verbose ?? 0;
    if (verbose !== 0 && verbose !== 1) throw new SinewError(`ModelCheckpoint: expected \`verbose\` to be 0 or 1, received ${describe(verbose)}`);
    this.verbose = verbose;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (!this.model) return;
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        console.warn(`ModelCheckpoint: monitor '${this.monitor}' is not in the logs (available: ${Object.keys(logs).join(', ')}); not saving`);
        return;
      }
      const improved = this.mode === 'min' ? current < this.best : current > this.best;
      if (!improved) return;
      this.best = current;
    }
    const target = typeof this.target === 'string' ? formatCheckpointPath(this.target, epoch + 1, logs) : this.target;
    await this.model.save(target, { includeOptimizer: this.includeOptimizer });
    this.lastSaved = target;
    if (this.verbose) console.log(`Epoch ${epoch + 1}: saved the model to ${typeof target === 'string' ? target : 'the save handler'}`);
  }
}

function readBoolean(arg: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new SinewError(`ModelCheckpoint: expected \`${arg}\` to be a boolean, received ${describe(v)}`);
  return v;
}

// History: what fit returns. The primary record is `history.history` (Keras and TF.js: metric name →
// one value per epoch); the common names are also getters on the object (`history.loss`,
// `history.val_loss`, `history.accuracy`, …, the same arrays), plus `history.epoch` and
// `history.gradNorm[layerIndex][epoch]`: the mean over the epoch's batches of the L2 norm of that
// layer's kernel gradient (after regularisation, before clipping; [] for layers without trained weights).

export type Logs = Record<string, number>;

export interface FitParams {
  epochs: number;
  batchSize: number;
  samples: number;
  steps: number;
  validationSamples: number;
}

export class History {
  /** Epoch indices (0-based) that were run. */
  readonly epoch: number[] = [];
  /** Metric name → values per epoch ('loss', 'val_loss', 'accuracy', 'val_accuracy', …). */
  readonly history: Record<string, number[]> = {};
  /**
   * gradNorm[layerIndex][epoch]: mean L2 norm of the layer's kernel gradient (its first trained weight)
   * over the epoch's batches. `[]` for a layer without trained weights (Dropout, Activation, Flatten, a
   * frozen layer), so the indices stay the layers' indices.
   */
  readonly gradNorm: number[][];

  constructor(
    readonly params: FitParams,
    layerCount: number,
  ) {
    this.gradNorm = Array.from({ length: layerCount }, () => []);
  }

  /** @internal appends one epoch's logs. */
  record(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const key of Object.keys(logs)) (this.history[key] ??= []).push(logs[key]);
  }

  /** Values of one metric per epoch, or undefined when it was not tracked. */
  get(name: string): number[] | undefined {
    return this.history[name];
  }

  get loss(): number[] {
    return this.history.loss ?? [];
  }
  get val_loss(): number[] | undefined {
    return this.history.val_loss;
  }
  get accuracy(): number[] | undefined {
    return this.history.accuracy;
  }
  get val_accuracy(): number[] | undefined {
    return this.history.val_accuracy;
  }
  get acc(): number[] | undefined {
    return this.history.acc;
  }
  get val_acc(): number[] | undefined {
    return this.history.val_acc;
  }
  get mse(): number[] | undefined {
    return this.history.mse;
  }
  get val_mse(): number[] | undefined {
    return this.history.val_mse;
  }
  get mae(): number[] | undefined {
    return this.history.mae;
  }
  get val_mae(): number[] | undefined {
    return this.history.val_mae;
  }
}

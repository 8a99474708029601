// Loss/output pairings that cannot train as meant, against the classic task table: regression =
// linear units + MSE/MAE; binary = one sigmoid unit + binary cross-entropy; multi-class = softmax +
// (sparse) categorical cross-entropy; multi-label = a sigmoid per class + binary cross-entropy.
// Only pairings that are almost surely mistakes are listed: a sigmoid or softmax output under MSE (a
// bounded regression, a Brier score), a softmax before binary cross-entropy on two or more units, or
// a last layer whose activation is unknown here (Dropout, Reshape, normalisation) say nothing.

import type { ResolvedActivation } from '../activations.js';
import type { Shape } from '../layers/layer.js';
import type { ResolvedLoss } from '../losses.js';

export interface PairingWarning {
  /** One warning per key and model. */
  key: string;
  message: string;
}

/** The warnings for `loss` on an output of shape `outputShape` (per sample) whose last activation is `act`. */
export function pairingWarnings(loss: ResolvedLoss, act: ResolvedActivation | undefined, outputShape: Shape): PairingWarning[] {
  const units = outputShape.reduce((a, b) => a * b, 1);
  const categorical = loss.kind === 'cce' || loss.kind === 'sparseCce';
  const softmax = act?.kind === 'softmax';
  const sigmoid = act?.name === 'sigmoid';
  const out: PairingWarning[] = [];
  const warn = (key: string, message: string) => out.push({ key, message });

  if (categorical && units === 1) {
    warn('cce1', `'${loss.name}' on a single output unit is almost surely a mistake (one class: the loss is constant); for two classes use one sigmoid unit with 'binaryCrossentropy'`);
  } else if (softmax && outputShape[outputShape.length - 1] === 1) {
    // Softmax runs over the last axis: over one value it is the constant 1, whatever the loss.
    const instead = loss.kind === 'bce' ? "use activation 'sigmoid'" : "use activation 'linear' for a regression, or 'sigmoid' for a value in (0, 1)";
    warn('softmax1', `softmax over a single unit always outputs 1, so '${loss.name}' cannot train it; ${instead}`);
  }
  if (loss.fromLogits && (softmax || sigmoid)) {
    warn('logits', `loss '${loss.name}' has fromLogits: true but the last layer applies '${act!.name}'; the activation is applied twice`);
  }
  if (loss.fromLogits || act === undefined) return out;
  if (categorical && units > 1 && !softmax) {
    warn(
      'cceProbabilities',
      `'${loss.name}' expects probabilities that sum to 1 (a softmax output), but the last layer applies '${act.name}'; use activation 'softmax', or a linear output with { name: '${loss.name}', fromLogits: true }`,
    );
  }
  if (loss.kind === 'bce' && !sigmoid && !softmax) {
    warn(
      'bceProbabilities',
      `'${loss.name}' expects probabilities in [0, 1], but the last layer applies '${act.name}', whose outputs leave that range; use activation 'sigmoid' (one unit per label), or a linear output with { name: '${loss.name}', fromLogits: true }`,
    );
  }
  return out;
}

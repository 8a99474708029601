// The public API of sinew: Keras-style classes and TF.js-style factories over one implementation.
// Internals (kernels, arena, plan) are not exported from here.

export { init, backendName, backendInfo, type InitOptions } from './runtime/init.js';
export { SinewError } from './errors.js';
export type { Matrix } from './matrix.js';
export { argMax, toArray, accuracy } from './predictions.js';

export { Sequential, type SequentialOptions, type CompileArgs, type WeightTensor, type WeightInput, type WeightInfo } from './api/sequential.js';
export { Layer, type BaseLayerOptions, type Shape, type LayerBuild, type WeightDecl, type BufferDecl, type LayerBuffers } from './layers/layer.js';
export { Dense, type DenseOptions } from './layers/dense.js';
export { Dropout, type DropoutOptions } from './layers/dropout.js';
export { GaussianNoise, GaussianDropout } from './layers/gaussian.js';
export type { RandomLayerOptions } from './layers/random_layer.js';
export { Activation, ReLU, LeakyReLU, ELU, Softmax, type LeakyReLUOptions } from './layers/activation.js';
export { Flatten, Reshape, type ReshapeOptions } from './layers/reshape.js';
export { BatchNormalization, LayerNormalization, type BatchNormalizationOptions, type LayerNormalizationOptions } from './layers/normalization.js';
export { layers } from './layers/factories.js';

export { Optimizer, type BaseOptimizerOptions } from './optimizers/optimizer.js';
export { SGD, type SGDOptions } from './optimizers/sgd.js';
export { Adagrad, type AdagradOptions } from './optimizers/adagrad.js';
export { RMSprop, type RMSpropOptions } from './optimizers/rmsprop.js';
export { Adam, type AdamOptions } from './optimizers/adam.js';
export { AdamW } from './optimizers/adamw.js';
export { Adamax, type AdamaxOptions } from './optimizers/adamax.js';
export { LearningRateSchedule, ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, PolynomialDecay, CosineDecay, CosineDecayRestarts } from './optimizers/schedules.js';

export { glorotUniform, glorotNormal, heUniform, heNormal, zeros, ones, randomNormal, randomUniform, type Initializer } from './initializers.js';
export { l1, l2, l1l2, type Regularizer } from './regularizers.js';
export { ACTIVATION_NAMES, type ActivationSpec } from './activations.js';
export { LOSS_NAMES, type LossSpec } from './losses.js';

export { EarlyStopping, type Callback, type EarlyStoppingOptions } from './train/callbacks.js';
export { LearningRateScheduler, ReduceLROnPlateau, TerminateOnNaN, type ReduceLROnPlateauOptions } from './train/lr_callbacks.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './api/model_checkpoint.js';
export { History, type Logs } from './train/history.js';
export type { FitOptions } from './train/fit.js';
export type { MatrixLike, TargetLike } from './train/data.js';

export { loadModel, fromArtifacts, type LoadOptions, type LoadSource } from './api/load_model.js';
export type { ModelArtifacts, ModelJson } from './io/artifacts.js';
export type { SaveOptions, SaveResult, SaveTarget } from './io/save.js';
export type { WeightSpec } from './io/weights.js';

export * as datasets from './datasets/index.js';

import { Sequential, type SequentialOptions } from './api/sequential.js';
import { EarlyStopping, type EarlyStoppingOptions } from './train/callbacks.js';
import { LearningRateScheduler, ReduceLROnPlateau, TerminateOnNaN, type ReduceLROnPlateauOptions } from './train/lr_callbacks.js';
import { ModelCheckpoint, type ModelCheckpointOptions } from './api/model_checkpoint.js';
import * as inits from './initializers.js';
import * as regs from './regularizers.js';

/** TF.js spelling: `initializers.heNormal()`, … (the same functions as the named exports). */
export const initializers = {
  glorotUniform: inits.glorotUniform,
  glorotNormal: inits.glorotNormal,
  heUniform: inits.heUniform,
  heNormal: inits.heNormal,
  zeros: inits.zeros,
  ones: inits.ones,
  randomNormal: inits.randomNormal,
  randomUniform: inits.randomUniform,
};
/** TF.js spelling: `regularizers.l2({ l2: 1e-4 })`. */
export const regularizers = { l1: regs.l1, l2: regs.l2, l1l2: regs.l1l2 };

/** TF.js spelling: `callbacks.earlyStopping({ patience: 3 })`, and the same for the other callbacks. */
export const callbacks = {
  earlyStopping: (options?: EarlyStoppingOptions) => new EarlyStopping(options),
  reduceLROnPlateau: (options?: ReduceLROnPlateauOptions) => new ReduceLROnPlateau(options),
  learningRateScheduler: (schedule: (epoch: number, learningRate: number) => number) => new LearningRateScheduler(schedule),
  terminateOnNaN: () => new TerminateOnNaN(),
  modelCheckpoint: (target: ConstructorParameters<typeof ModelCheckpoint>[0], options?: ModelCheckpointOptions) => new ModelCheckpoint(target, options),
};

/** TF.js spelling: `sequential({ layers: [...] })` builds a Sequential. */
export function sequential(options: SequentialOptions = {}): Sequential {
  return new Sequential(options);
}

// PLACEHOLDER: to be replaced by the optimizers twin.
import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';

export function optimizerKernels(heap: () => FloatHeap): Pick<Kernels, 'sgd_update' | 'momentum_update' | 'adagrad_update' | 'rmsprop_update' | 'adam_update' | 'clip_by_value'> {
  void heap;
  const todo = (): never => { throw new Error('not implemented'); };
  return { sgd_update: todo, momentum_update: todo, adagrad_update: todo, rmsprop_update: todo, adam_update: todo, clip_by_value: todo };
}

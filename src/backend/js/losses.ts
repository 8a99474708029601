// PLACEHOLDER: to be replaced by the losses twin.
import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';

export function lossKernels(heap: () => FloatHeap): Pick<Kernels, 'mse_forward' | 'mse_backward' | 'mae_forward' | 'mae_backward' | 'bce_forward' | 'bce_backward' | 'bce_logits_forward' | 'bce_logits_backward' | 'cce_forward' | 'cce_backward' | 'sparse_cce_forward' | 'sparse_cce_backward' | 'softmax_cce_forward' | 'softmax_cce_backward' | 'softmax_sparse_cce_forward' | 'softmax_sparse_cce_backward'> {
  void heap;
  const todo = (): never => { throw new Error('not implemented'); };
  return { mse_forward: todo, mse_backward: todo, mae_forward: todo, mae_backward: todo, bce_forward: todo, bce_backward: todo, bce_logits_forward: todo, bce_logits_backward: todo, cce_forward: todo, cce_backward: todo, sparse_cce_forward: todo, sparse_cce_backward: todo, softmax_cce_forward: todo, softmax_cce_backward: todo, softmax_sparse_cce_forward: todo, softmax_sparse_cce_backward: todo };
}

// PLACEHOLDER: to be replaced by the activations twin.
import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';

export function activationKernels(heap: () => FloatHeap): Pick<Kernels, 'activation_forward' | 'activation_backward' | 'softmax_forward' | 'softmax_backward'> {
  void heap;
  const todo = (): never => { throw new Error('not implemented'); };
  return { activation_forward: todo, activation_backward: todo, softmax_forward: todo, softmax_backward: todo };
}

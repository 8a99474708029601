// PLACEHOLDER: to be replaced by the regularize twin.
import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';

export function regularizeKernels(heap: () => FloatHeap): Pick<Kernels, 'l1l2_backward' | 'l1l2_value'> {
  void heap;
  const todo = (): never => { throw new Error('not implemented'); };
  return { l1l2_backward: todo, l1l2_value: todo };
}

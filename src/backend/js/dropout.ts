// PLACEHOLDER: to be replaced by the dropout twin.
import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';

export function dropoutKernels(heap: () => FloatHeap): Pick<Kernels, 'dropout_forward'> {
  void heap;
  const todo = (): never => { throw new Error('not implemented'); };
  return { dropout_forward: todo };
}

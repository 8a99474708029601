// PLACEHOLDER: to be replaced by the reduce twin.
import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';

export function reduceKernels(heap: () => FloatHeap): Pick<Kernels, 'col_sum' | 'sum_squares' | 'row_argmax'> {
  void heap;
  const todo = (): never => { throw new Error('not implemented'); };
  return { col_sum: todo, sum_squares: todo, row_argmax: todo };
}

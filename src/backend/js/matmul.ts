// PLACEHOLDER: to be replaced by the matmul twin.
import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';

export function matmulKernels(heap: () => FloatHeap): Pick<Kernels, 'matmul' | 'matmul_nt' | 'matmul_tn' | 'dense_forward'> {
  void heap;
  const todo = (): never => { throw new Error('not implemented'); };
  return { matmul: todo, matmul_nt: todo, matmul_tn: todo, dense_forward: todo };
}

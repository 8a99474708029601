// PLACEHOLDER: to be replaced by the elementwise twin.
import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';

export function elementwiseKernels(heap: () => FloatHeap): Pick<Kernels, 'fill' | 'copy' | 'scale' | 'axpy' | 'mul'> {
  void heap;
  const todo = (): never => { throw new Error('not implemented'); };
  return { fill: todo, copy: todo, scale: todo, axpy: todo, mul: todo };
}

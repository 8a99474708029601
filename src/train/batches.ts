// Batch assembly without allocation: copies the rows a shuffled order picks from the arena's data
// copy into the batch slot with heap.copyWithin (indices are byte offsets >> 2 on every backend).

import type { FloatHeap } from '../memory/arena.js';

/** dst[r, :] = src[order[from + r], :] for r < count; `width` floats per row; pointers are byte offsets. */
export function gatherRows(heap: FloatHeap, dst: number, src: number, width: number, order: Int32Array, from: number, count: number): void {
  const d0 = dst >> 2;
  const s0 = src >> 2;
  for (let r = 0; r < count; r++) {
    const s = s0 + order[from + r] * width;
    heap.copyWithin(d0 + r * width, s, s + width);
  }
}

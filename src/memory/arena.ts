// One arena per backend: a bump allocator over the backend's linear memory. It hands out 16-byte
// aligned byte offsets, grows the memory in exactly one place (`reserve`), and owns the only view of
// the heap, re-taken whenever the memory's buffer changes (growth detaches every old view).

import { PAGE_BYTES, type LinearMemory } from './linear_memory.js';
import { SinewError } from '../errors.js';

/** A heap view: float32 for the WebAssembly and TypeScript backends, float64 for the gradient-check twin. */
export type FloatHeap = Float32Array | Float64Array;

const ALIGN = 16;

export class Arena {
  private heapView: FloatHeap;
  private viewOf: ArrayBuffer;
  private topByte: number;

  /**
   * @param memory the backend's memory
   * @param base first usable byte (the module's heap_base), rounded up to 16
   * @param float64 whether a slot holds a float64 (the gradient-check twin) instead of a float32
   */
  constructor(
    readonly memory: LinearMemory,
    readonly base: number,
    private readonly float64 = false,
  ) {
    this.topByte = alignUp(base);
    this.viewOf = memory.buffer;
    this.heapView = this.makeView();
  }

  /** The heap as floats; index = byteOffset / 4. Never keep it across `alloc`/`reserve`. */
  heap(): FloatHeap {
    if (this.viewOf !== this.memory.buffer) {
      this.viewOf = this.memory.buffer;
      this.heapView = this.makeView();
    }
    return this.heapView;
  }

  /** Current top: the next byte `alloc` would hand out. */
  get top(): number {
    return this.topByte;
  }

  /** Bytes of linear memory (in 4-byte slots) currently available. */
  get capacity(): number {
    const bytes = this.memory.buffer.byteLength;
    return this.float64 ? bytes / 2 : bytes;
  }

  /** Allocates `count` floats and returns the byte offset of the first. Grows memory if needed. */
  alloc(count: number): number {
    if (!Number.isInteger(count) || count < 0) throw new SinewError(`Arena.alloc: expected count to be a non-negative integer, received ${count}`);
    const ptr = this.topByte;
    const end = alignUp(ptr + count * 4);
    this.reserve(end);
    this.topByte = end;
    return ptr;
  }

  /** Returns a mark to `release` to later; everything allocated after it is freed at once. */
  mark(): number {
    return this.topByte;
  }

  release(mark: number): void {
    if (mark < alignUp(this.base) || mark > this.topByte) throw new SinewError(`Arena.release: mark ${mark} is outside [${alignUp(this.base)}, ${this.topByte}]`);
    this.topByte = mark;
  }

  /** Makes sure bytes [0, endByte) exist. The only place memory grows. */
  reserve(endByte: number): void {
    const have = this.capacity;
    if (endByte <= have) return;
    const pages = Math.ceil((endByte - have) / PAGE_BYTES);
    try {
      this.memory.grow(pages);
    } catch (cause) {
      throw new SinewError(`sinew: could not grow memory by ${pages} pages to ${endByte} bytes (${String(cause)})`);
    }
  }

  private makeView(): FloatHeap {
    return this.float64 ? new Float64Array(this.memory.buffer) : new Float32Array(this.memory.buffer);
  }
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

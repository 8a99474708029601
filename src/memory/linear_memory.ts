// The one shape of memory the arena manages: WebAssembly.Memory satisfies it, and JsMemory gives the
// TypeScript backend the same thing over a plain ArrayBuffer, so the code above the backends sees
// one kind of memory and the same byte offsets in both.

export const PAGE_BYTES = 65536;

/** What the arena needs of a memory: its current buffer and a way to grow it by whole pages. */
export interface LinearMemory {
  readonly buffer: ArrayBuffer;
  /** Grows by `deltaPages` pages, returns the old page count. Detaches the previous buffer. */
  grow(deltaPages: number): number;
}

/**
 * Memory for the TypeScript backend. Offsets are counted in 4-byte slots as in WebAssembly, but a
 * slot holds `bytesPerSlot` bytes: 4 for the float32 backend, 8 for the float64 twin that gradient
 * checks run on. Growth copies into a new buffer, so old views see the old data, never new writes:
 * the arena re-takes its views on every buffer change, exactly as it must for WebAssembly.Memory.
 */
export class JsMemory implements LinearMemory {
  private current: ArrayBuffer;
  constructor(initialPages: number, readonly bytesPerSlot: 4 | 8 = 4) {
    this.current = new ArrayBuffer(initialPages * PAGE_BYTES * (bytesPerSlot / 4));
  }
  get buffer(): ArrayBuffer {
    return this.current;
  }
  grow(deltaPages: number): number {
    const oldPages = this.current.byteLength / (PAGE_BYTES * (this.bytesPerSlot / 4));
    const next = new ArrayBuffer((oldPages + deltaPages) * PAGE_BYTES * (this.bytesPerSlot / 4));
    new Uint8Array(next).set(new Uint8Array(this.current));
    this.current = next;
    return oldPages;
  }
}

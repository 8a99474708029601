// Runs one kernel call on several backends over the same data. Each buffer is allocated in every
// backend (pointers differ: each arena has its own base), surrounded by sentinel words that must
// survive the call, so a kernel that reads or writes outside its range is caught (ggml's sentinel).

import type { Backend } from '../../src/backend/backend.js';
import type { Kernels, KernelName } from '../../src/backend/abi.js';

const SENTINEL = -12345.6789;
const GUARD = 4; // sentinel floats before and after every buffer

export class Buf {
  constructor(
    readonly ptrs: number[],
    readonly length: number,
  ) {}
}

type Arg = Buf | number;

export class Twin {
  private readonly bufs: Buf[] = [];
  constructor(readonly backends: Backend[]) {}

  /**
   * A buffer holding `values` in every backend. `misalign` shifts it by one float (4 bytes) off the
   * 16-byte alignment the arena gives, to prove kernels accept any 4-byte aligned pointer.
   */
  input(values: ArrayLike<number>, misalign = false): Buf {
    const buf = this.alloc(values.length, misalign);
    this.write(buf, values);
    return buf;
  }

  /** An output buffer of n floats, pre-filled with `garbage` (default NaN) so unwritten elements show. */
  output(n: number, garbage = Number.NaN, misalign = false): Buf {
    const buf = this.alloc(n, misalign);
    this.write(buf, new Float32Array(n).fill(garbage));
    return buf;
  }

  write(buf: Buf, values: ArrayLike<number>): void {
    this.backends.forEach((b, k) => {
      const heap = b.arena.heap();
      const at = buf.ptrs[k] >> 2;
      for (let i = 0; i < buf.length; i++) heap[at + i] = values[i];
    });
  }

  /** Calls the kernel in every backend; returns each backend's return value. */
  call<N extends KernelName>(name: N, ...args: Arg[]): number[] {
    return this.backends.map((b, k) => {
      const real = args.map((a) => (a instanceof Buf ? a.ptrs[k] : a));
      const fn = b.kernels[name] as unknown as (...xs: number[]) => number | void;
      return fn.apply(b.kernels, real) as number;
    });
  }

  /** Copies of the buffer's contents, one per backend, as float64 numbers. */
  read(buf: Buf): Float64Array[] {
    return this.backends.map((b, k) => {
      const heap = b.arena.heap();
      const at = buf.ptrs[k] >> 2;
      return Float64Array.from(heap.subarray(at, at + buf.length));
    });
  }

  /** Throws if any sentinel around any buffer changed, naming the backend and buffer. */
  expectSentinelsIntact(): void {
    this.backends.forEach((b, k) => {
      const heap = b.arena.heap();
      this.bufs.forEach((buf, j) => {
        const at = buf.ptrs[k] >> 2;
        for (let g = 1; g <= GUARD; g++) {
          for (const idx of [at - g, at + buf.length + g - 1]) {
            if (!Object.is(heap[idx], Math.fround(SENTINEL)) && !Object.is(heap[idx], SENTINEL)) {
              throw new Error(`${b.name}: sentinel at float ${idx} next to buffer #${j} (length ${buf.length}) was overwritten with ${heap[idx]}`);
            }
          }
        }
      });
    });
  }

  private alloc(n: number, misalign: boolean): Buf {
    const ptrs = this.backends.map((b) => {
      const lead = GUARD + (misalign ? 1 : 0);
      const base = b.arena.alloc(lead + n + GUARD);
      const heap = b.arena.heap();
      const at = base >> 2;
      for (let i = 0; i < lead + n + GUARD; i++) heap[at + i] = SENTINEL;
      return base + lead * 4;
    });
    const buf = new Buf(ptrs, n);
    this.bufs.push(buf);
    return buf;
  }
}

export type { Kernels };

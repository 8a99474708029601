// What a kernel build exports beyond the ABI (src/backend/abi.ts) so that several threads can share
// one product: each product cut into output tiles (part `part` of `parts`; each element of the
// output is summed in the same order whatever `parts` is, so results do not depend on the thread
// count), and a per-instance pointer to the packing scratch (instances on one shared memory would
// otherwise pack into the same static bytes). The TypeScript twin has none of these: it never runs
// on more than one thread.

export interface ThreadExports {
  matmul_part(c: number, a: number, b: number, M: number, K: number, N: number, acc: number, part: number, parts: number): void;
  matmul_nt_part(c: number, a: number, b: number, M: number, K: number, N: number, acc: number, part: number, parts: number): void;
  matmul_tn_part(c: number, a: number, b: number, M: number, K: number, N: number, acc: number, part: number, parts: number): void;
  dense_forward_part(y: number, x: number, w: number, b: number, M: number, K: number, N: number, act: number, alpha: number, part: number, parts: number): void;
  /** Bytes of packing scratch one thread needs. */
  scratch_bytes(): number;
  /** Points this instance's packing scratch at [p, p + scratch_bytes()). */
  set_scratch(p: number): void;
}

/** The split products, in the order the pool's operation codes index them. */
export const SPLIT_OPS = ['matmul_part', 'matmul_nt_part', 'matmul_tn_part', 'dense_forward_part'] as const;

/** Every name above, for checking a module. */
export const THREAD_EXPORT_NAMES: readonly string[] = [...SPLIT_OPS, 'scratch_bytes', 'set_scratch'];

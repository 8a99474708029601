// The control block's layout, shared by the pool (pool.ts) and the workers' source text
// (worker_source.ts, which has these numbers written into it): int32 words, then float64 arguments.

export const SEQ = 0, OP = 1, PARTS = 2, DONE = 3, READY = 4, FAILED = 5, STOP = 6;
/** Int32 words before the arguments. */
export const CONTROL_WORDS = 16;
export const ARGS_BYTE = CONTROL_WORDS * 4;
export const MAX_ARGS = 12;
/** Bytes of the whole block. */
export const CONTROL_BYTES = ARGS_BYTE + MAX_ARGS * 8;
/** The operation whose export takes nine arguments (dense_forward_part); the others take seven. */
export const OP_DENSE_FORWARD = 3;

// Entry point for asc: re-exports the kernel set and nothing else. The export list must equal the
// names of `interface Kernels` in src/backend/abi.ts plus the thread exports of
// src/backend/threads/abi.ts (test/abi.test.ts checks both ways).

export { matmul, matmul_nt, matmul_tn, dense_forward } from './matmul';
// Beyond the ABI, for worker threads (src/backend/threads/abi.ts): the products cut into output tiles,
// and each instance's own packing scratch.
export { matmul_part, matmul_nt_part, matmul_tn_part, dense_forward_part } from './matmul';
export { scratch_bytes, set_scratch } from './matmul_pack';
export { activation_forward, activation_backward, softmax_forward, softmax_backward } from './activations';
export {
  mse_forward, mse_backward, mae_forward, mae_backward,
  bce_forward, bce_backward, bce_logits_forward, bce_logits_backward,
  cce_forward, cce_backward, sparse_cce_forward, sparse_cce_backward,
  softmax_cce_forward, softmax_cce_backward, softmax_sparse_cce_forward, softmax_sparse_cce_backward,
} from './losses';
export { col_sum, sum_squares, row_argmax } from './reduce';
export { fill, copy, scale, axpy, mul } from './elementwise';
export {
  sgd_update, momentum_update, adagrad_update, rmsprop_update, adam_update, adamax_update, clip_by_value,
} from './optimizers';
export { l1l2_backward, l1l2_value } from './regularize';
export { dropout_forward } from './dropout';
export {
  batchnorm_forward, batchnorm_backward, batchnorm_inference, batchnorm_inference_backward,
  layernorm_forward, layernorm_backward,
} from './normalization';
export { gaussian_noise_forward, gaussian_dropout_forward } from './noise';
export { pool_max_forward, pool_max_backward, pool_avg_forward, pool_avg_backward } from './pooling';

/** First byte above the module's static data: the arena (src/memory/arena.ts) starts here. */
export function heap_base(): usize {
  return __heap_base;
}

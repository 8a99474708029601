// PLACEHOLDER: to be replaced by the losses kernels.
export function mse_forward(pred: usize, target: usize, M: i32, N: i32): f32 { unreachable(); return 0; }
export function mse_backward(dp: usize, pred: usize, target: usize, M: i32, N: i32): void { unreachable();  }
export function mae_forward(pred: usize, target: usize, M: i32, N: i32): f32 { unreachable(); return 0; }
export function mae_backward(dp: usize, pred: usize, target: usize, M: i32, N: i32): void { unreachable();  }
export function bce_forward(pred: usize, target: usize, M: i32, N: i32): f32 { unreachable(); return 0; }
export function bce_backward(dp: usize, pred: usize, target: usize, M: i32, N: i32): void { unreachable();  }
export function bce_logits_forward(z: usize, target: usize, M: i32, N: i32): f32 { unreachable(); return 0; }
export function bce_logits_backward(dz: usize, z: usize, target: usize, M: i32, N: i32): void { unreachable();  }
export function cce_forward(pred: usize, target: usize, M: i32, N: i32): f32 { unreachable(); return 0; }
export function cce_backward(dp: usize, pred: usize, target: usize, M: i32, N: i32): void { unreachable();  }
export function sparse_cce_forward(pred: usize, labels: usize, M: i32, N: i32): f32 { unreachable(); return 0; }
export function sparse_cce_backward(dp: usize, pred: usize, labels: usize, M: i32, N: i32): void { unreachable();  }
export function softmax_cce_forward(p: usize, z: usize, target: usize, M: i32, N: i32): f32 { unreachable(); return 0; }
export function softmax_cce_backward(dz: usize, p: usize, target: usize, M: i32, N: i32): void { unreachable();  }
export function softmax_sparse_cce_forward(p: usize, z: usize, labels: usize, M: i32, N: i32): f32 { unreachable(); return 0; }
export function softmax_sparse_cce_backward(dz: usize, p: usize, labels: usize, M: i32, N: i32): void { unreachable();  }

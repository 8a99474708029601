// PLACEHOLDER: to be replaced by the matmul kernels.
export function matmul(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, acc: i32): void { unreachable();  }
export function matmul_nt(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, acc: i32): void { unreachable();  }
export function matmul_tn(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, acc: i32): void { unreachable();  }
export function dense_forward(y: usize, x: usize, w: usize, b: usize, M: i32, K: i32, N: i32, act: i32, alpha: f32): void { unreachable();  }

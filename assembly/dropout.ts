// PLACEHOLDER: to be replaced by the dropout kernels.
export function dropout_forward(y: usize, mask: usize, x: usize, n: i32, rate: f32, seed: i32, offset: i32): void { unreachable();  }

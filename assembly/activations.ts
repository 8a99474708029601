// PLACEHOLDER: to be replaced by the activations kernels.
export function activation_forward(y: usize, x: usize, n: i32, act: i32, alpha: f32): void { unreachable();  }
export function activation_backward(dx: usize, dy: usize, x: usize, y: usize, n: i32, act: i32, alpha: f32): void { unreachable();  }
export function softmax_forward(y: usize, x: usize, M: i32, N: i32): void { unreachable();  }
export function softmax_backward(dx: usize, dy: usize, y: usize, M: i32, N: i32): void { unreachable();  }

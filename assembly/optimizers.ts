// PLACEHOLDER: to be replaced by the optimizers kernels.
export function sgd_update(w: usize, g: usize, n: i32, lr: f32): void { unreachable();  }
export function momentum_update(w: usize, v: usize, g: usize, n: i32, lr: f32, momentum: f32, nesterov: i32): void { unreachable();  }
export function adagrad_update(w: usize, acc: usize, g: usize, n: i32, lr: f32, eps: f32): void { unreachable();  }
export function rmsprop_update(w: usize, ms: usize, mom: usize, g: usize, n: i32, lr: f32, rho: f32, momentum: f32, eps: f32): void { unreachable();  }
export function adam_update(w: usize, m: usize, v: usize, g: usize, n: i32, alpha: f32, beta1: f32, beta2: f32, eps: f32): void { unreachable();  }
export function clip_by_value(g: usize, n: i32, c: f32): void { unreachable();  }

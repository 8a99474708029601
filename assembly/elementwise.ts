// PLACEHOLDER: to be replaced by the elementwise kernels.
export function fill(y: usize, n: i32, v: f32): void { unreachable();  }
export function copy(y: usize, x: usize, n: i32): void { unreachable();  }
export function scale(y: usize, n: i32, s: f32): void { unreachable();  }
export function axpy(y: usize, x: usize, n: i32, a: f32): void { unreachable();  }
export function mul(y: usize, a: usize, b: usize, n: i32): void { unreachable();  }

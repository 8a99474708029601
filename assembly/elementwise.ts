// Flat element-wise kernels over n float32s: fill, copy, scale, axpy, mul. Twin: src/backend/js/elementwise.ts.
// Each is a 16-wide SIMD loop (four vectors per step, the ggml STEP 16 shape), a 4-wide loop, then a
// scalar tail that performs the same float32 operations, so results do not depend on n mod 16.
// No relaxed-SIMD here: these are memory-bound, and unfused multiply-then-add keeps both builds
// bit-identical to each other and to the twin (axpy included). Reductions live in reduce.ts.

/** y[i] = v, i < n. */
export function fill(y: usize, n: i32, v: f32): void {
  const vv = f32x4.splat(v);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = y + (<usize>i << 2);
    v128.store(p, vv);
    v128.store(p, vv, 16);
    v128.store(p, vv, 32);
    v128.store(p, vv, 48);
  }
  for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), vv);
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), v);
}

/** y[i] = x[i], i < n. The ranges may overlap in either direction (memmove: bulk-memory memory.copy). */
export function copy(y: usize, x: usize, n: i32): void {
  if (n <= 0 || y == x) return;
  memory.copy(y, x, <usize>n << 2);
}

/** y[i] *= s, i < n. */
export function scale(y: usize, n: i32, s: f32): void {
  const vs = f32x4.splat(s);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = y + (<usize>i << 2);
    const y0 = v128.load(p);
    const y1 = v128.load(p, 16);
    const y2 = v128.load(p, 32);
    const y3 = v128.load(p, 48);
    v128.store(p, f32x4.mul(y0, vs));
    v128.store(p, f32x4.mul(y1, vs), 16);
    v128.store(p, f32x4.mul(y2, vs), 32);
    v128.store(p, f32x4.mul(y3, vs), 48);
  }
  for (; i + 4 <= n; i += 4) {
    const p = y + (<usize>i << 2);
    v128.store(p, f32x4.mul(v128.load(p), vs));
  }
  for (; i < n; i++) {
    const p = y + (<usize>i << 2);
    store<f32>(p, load<f32>(p) * s);
  }
}

/** y[i] += a·x[i], i < n: two roundings (a·x, then +), in both builds. y may equal x. */
export function axpy(y: usize, x: usize, n: i32, a: f32): void {
  const va = f32x4.splat(a);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    const px = x + o;
    const py = y + o;
    const x0 = v128.load(px);
    const x1 = v128.load(px, 16);
    const x2 = v128.load(px, 32);
    const x3 = v128.load(px, 48);
    const y0 = v128.load(py);
    const y1 = v128.load(py, 16);
    const y2 = v128.load(py, 32);
    const y3 = v128.load(py, 48);
    v128.store(py, f32x4.add(y0, f32x4.mul(va, x0)));
    v128.store(py, f32x4.add(y1, f32x4.mul(va, x1)), 16);
    v128.store(py, f32x4.add(y2, f32x4.mul(va, x2)), 32);
    v128.store(py, f32x4.add(y3, f32x4.mul(va, x3)), 48);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + a * load<f32>(x + o));
  }
}

/** y[i] = a[i]·b[i], i < n. y may equal a or b (each step loads before it stores). */
export function mul(y: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    const pa = a + o;
    const pb = b + o;
    const py = y + o;
    const r0 = f32x4.mul(v128.load(pa), v128.load(pb));
    const r1 = f32x4.mul(v128.load(pa, 16), v128.load(pb, 16));
    const r2 = f32x4.mul(v128.load(pa, 32), v128.load(pb, 32));
    const r3 = f32x4.mul(v128.load(pa, 48), v128.load(pb, 48));
    v128.store(py, r0);
    v128.store(py, r1, 16);
    v128.store(py, r2, 32);
    v128.store(py, r3, 48);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(a + o) * load<f32>(b + o));
  }
}

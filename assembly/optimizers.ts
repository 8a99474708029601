// Optimizer updates and gradient clipping: each is ONE pass over a flat block of n parameters w, their
// gradients g and the optimizer's slots (all the same layout), with Keras 3's formulas
// (keras/src/optimizers/{sgd,adagrad,rmsprop,adam}.py). Twin: src/backend/js/optimizers.ts.
// Every step is a separate IEEE float32 operation (sqrt and div are correctly rounded, nothing is
// fused, also in the relaxed build), so both builds agree bit for bit with the float32 twin.
// Hyper-parameter schedules, step counting and slot initial values belong to the caller (src/).
// None of the buffers may alias each other.

/** w[i] −= lr·g[i]  (Keras SGD, momentum = 0). */
export function sgd_update(w: usize, g: usize, n: i32, lr: f32): void {
  const vlr = f32x4.splat(lr);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    const pw = w + o;
    const pg = g + o;
    const w0 = f32x4.sub(v128.load(pw), f32x4.mul(vlr, v128.load(pg)));
    const w1 = f32x4.sub(v128.load(pw, 16), f32x4.mul(vlr, v128.load(pg, 16)));
    const w2 = f32x4.sub(v128.load(pw, 32), f32x4.mul(vlr, v128.load(pg, 32)));
    const w3 = f32x4.sub(v128.load(pw, 48), f32x4.mul(vlr, v128.load(pg, 48)));
    v128.store(pw, w0);
    v128.store(pw, w1, 16);
    v128.store(pw, w2, 32);
    v128.store(pw, w3, 48);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(w + o, f32x4.sub(v128.load(w + o), f32x4.mul(vlr, v128.load(g + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(w + o, load<f32>(w + o) - lr * load<f32>(g + o));
  }
}

/**
 * Keras SGD with momentum, slot v (zeros at the start): v = momentum·v − lr·g; then
 * w += v, or with nesterov ≠ 0: w += momentum·v − lr·g (using the new v).
 */
export function momentum_update(w: usize, v: usize, g: usize, n: i32, lr: f32, momentum: f32, nesterov: i32): void {
  const vlr = f32x4.splat(lr);
  const vmu = f32x4.splat(momentum);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const lg = f32x4.mul(vlr, v128.load(g + o));
    const vn = f32x4.sub(f32x4.mul(vmu, v128.load(v + o)), lg);
    v128.store(v + o, vn);
    const step = nesterov ? f32x4.sub(f32x4.mul(vmu, vn), lg) : vn;
    v128.store(w + o, f32x4.add(v128.load(w + o), step));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const lg = lr * load<f32>(g + o);
    const vn = momentum * load<f32>(v + o) - lg;
    store<f32>(v + o, vn);
    const step = nesterov ? momentum * vn - lg : vn;
    store<f32>(w + o, load<f32>(w + o) + step);
  }
}

/**
 * Keras Adagrad, slot acc: acc += g²; w −= lr·g / sqrt(acc + eps). Keras starts acc at
 * initial_accumulator_value (default 0.1), not 0: the caller fills the slot before the first step.
 */
export function adagrad_update(w: usize, acc: usize, g: usize, n: i32, lr: f32, eps: f32): void {
  const vlr = f32x4.splat(lr);
  const veps = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gv = v128.load(g + o);
    const a = f32x4.add(v128.load(acc + o), f32x4.mul(gv, gv));
    v128.store(acc + o, a);
    const inc = f32x4.div(f32x4.mul(vlr, gv), f32x4.sqrt(f32x4.add(a, veps)));
    v128.store(w + o, f32x4.sub(v128.load(w + o), inc));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gs = load<f32>(g + o);
    const a = load<f32>(acc + o) + gs * gs;
    store<f32>(acc + o, a);
    store<f32>(w + o, load<f32>(w + o) - (lr * gs) / sqrt<f32>(a + eps));
  }
}

/**
 * Keras RMSprop, not centered; slots ms (zeros) and mom (zeros, used only when momentum > 0):
 * ms = rho·ms + (1 − rho)·g²; inc = lr·g / sqrt(ms + eps);
 * momentum > 0: mom = momentum·mom + inc, w −= mom.  Otherwise w −= inc and mom is not read or
 * written (it may then be any pointer, ms included).
 * rho is float64 at the boundary, as Keras keeps it: rho·ms uses float32(rho), and 1 − rho is formed
 * in float64 and rounded once (from a float32 rho = 0.999 it would be 1.3e-5 off relative).
 */
export function rmsprop_update(w: usize, ms: usize, mom: usize, g: usize, n: i32, lr: f32, rho: f64, momentum: f32, eps: f32): void {
  const rho32 = <f32>rho;
  const omr = <f32>(1 - rho);
  const useMomentum = momentum > 0;
  const vlr = f32x4.splat(lr);
  const vrho = f32x4.splat(rho32);
  const vomr = f32x4.splat(omr);
  const vmu = f32x4.splat(momentum);
  const veps = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gv = v128.load(g + o);
    const s = f32x4.add(f32x4.mul(vrho, v128.load(ms + o)), f32x4.mul(vomr, f32x4.mul(gv, gv)));
    v128.store(ms + o, s);
    let inc = f32x4.div(f32x4.mul(vlr, gv), f32x4.sqrt(f32x4.add(s, veps)));
    if (useMomentum) {
      inc = f32x4.add(f32x4.mul(vmu, v128.load(mom + o)), inc);
      v128.store(mom + o, inc);
    }
    v128.store(w + o, f32x4.sub(v128.load(w + o), inc));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gs = load<f32>(g + o);
    const s = rho32 * load<f32>(ms + o) + omr * (gs * gs);
    store<f32>(ms + o, s);
    let inc = (lr * gs) / sqrt<f32>(s + eps);
    if (useMomentum) {
      inc = momentum * load<f32>(mom + o) + inc;
      store<f32>(mom + o, inc);
    }
    store<f32>(w + o, load<f32>(w + o) - inc);
  }
}

/**
 * Keras Adam (amsgrad off), slots m and v (zeros): m += (g − m)(1 − beta1); v += (g² − v)(1 − beta2);
 * w −= (m·alpha) / (sqrt(v) + eps), with alpha = lr·sqrt(1 − beta2^t)/(1 − beta1^t) for step t ≥ 1
 * computed by the caller (in float64). This is Keras's form: the bias correction is folded into
 * alpha and eps is added to the uncorrected sqrt(v). PyTorch/llm.c instead divide by
 * sqrt(v / (1 − beta2^t)) + eps, so their eps weighs differently; the two agree only as eps → 0.
 * beta1 and beta2 are float64 at the boundary: only 1 − beta is used, formed in float64 and rounded
 * once, as Keras does (float32(0.999) is 1.3e-8 off, which is 1.3e-5 relative in 1 − beta2).
 */
export function adam_update(w: usize, m: usize, v: usize, g: usize, n: i32, alpha: f32, beta1: f64, beta2: f64, eps: f32): void {
  const omb1 = <f32>(1 - beta1);
  const omb2 = <f32>(1 - beta2);
  const valpha = f32x4.splat(alpha);
  const vomb1 = f32x4.splat(omb1);
  const vomb2 = f32x4.splat(omb2);
  const veps = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gv = v128.load(g + o);
    const mv = v128.load(m + o);
    const vv = v128.load(v + o);
    const mn = f32x4.add(mv, f32x4.mul(f32x4.sub(gv, mv), vomb1));
    const vn = f32x4.add(vv, f32x4.mul(f32x4.sub(f32x4.mul(gv, gv), vv), vomb2));
    v128.store(m + o, mn);
    v128.store(v + o, vn);
    const step = f32x4.div(f32x4.mul(mn, valpha), f32x4.add(f32x4.sqrt(vn), veps));
    v128.store(w + o, f32x4.sub(v128.load(w + o), step));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gs = load<f32>(g + o);
    const ms = load<f32>(m + o);
    const vs = load<f32>(v + o);
    const mn = ms + (gs - ms) * omb1;
    const vn = vs + (gs * gs - vs) * omb2;
    store<f32>(m + o, mn);
    store<f32>(v + o, vn);
    store<f32>(w + o, load<f32>(w + o) - (mn * alpha) / (sqrt<f32>(vn) + eps));
  }
}

/**
 * g[i] = min(max(g[i], −c), c) for c ≥ 0 (Keras clipvalue). Written as the selects
 * x = g < −c ? −c : g; x = c < x ? c : x, which are exactly pmax(g, −c) and pmin(x, c) (pmax(a, b) =
 * a < b ? b : a; half the cost of f32x4.max/min in V8). With g first, NaN passes through.
 */
export function clip_by_value(g: usize, n: i32, c: f32): void {
  const hi = f32x4.splat(c);
  const lo = f32x4.splat(-c);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = g + (<usize>i << 2);
    const g0 = f32x4.pmin(f32x4.pmax(v128.load(p), lo), hi);
    const g1 = f32x4.pmin(f32x4.pmax(v128.load(p, 16), lo), hi);
    const g2 = f32x4.pmin(f32x4.pmax(v128.load(p, 32), lo), hi);
    const g3 = f32x4.pmin(f32x4.pmax(v128.load(p, 48), lo), hi);
    v128.store(p, g0);
    v128.store(p, g1, 16);
    v128.store(p, g2, 32);
    v128.store(p, g3, 48);
  }
  for (; i + 4 <= n; i += 4) {
    const p = g + (<usize>i << 2);
    v128.store(p, f32x4.pmin(f32x4.pmax(v128.load(p), lo), hi));
  }
  const nc = -c;
  for (; i < n; i++) {
    const p = g + (<usize>i << 2);
    let x = load<f32>(p);
    x = x < nc ? nc : x;
    x = c < x ? c : x;
    store<f32>(p, x);
  }
}

// The kernel ABI: one typed line per export of build/sinew*.wasm (assembly/index.ts) and of the
// TypeScript twin (src/backend/js/). This file is the contract on the TypeScript side; the same
// names, argument order and semantics are written on the AssemblyScript side in assembly/*.ts.
//
// Conventions:
// - Pointers (`y`, `x`, `w`, …) are byte offsets into one linear memory, 16-byte aligned when the
//   arena hands them out (kernels must still accept any 4-byte aligned pointer). Counts are elements.
// - Argument order: outputs, upstream gradient, saved inputs, dims, then scalars.
// - Dims: M rows (batch), K inner/input features, N output features/classes, n flat element count.
// - `_forward` overwrites its output; `_backward` overwrites dx unless it says it accumulates.
// - A kernel reads and writes only the ranges its arguments describe, and never allocates.
// - Activation kinds are small integers (ACT below), so the dense epilogue and the activation
//   kernels share one code path in both backends.
//
// Subnormal floats (flush to zero). On x86 an operation that reads or writes a subnormal float32
// (0 < |x| < 2^-126) can take a 120–200-cycle microcode assist (Intel; AMD less): adam_update ran 20×
// slower once Adam's first moments of never-active weights decayed into that range. WebAssembly has no
// flush-to-zero mode, so the kernels flush in code, with branch-free integer masks (assembly/flush.ts;
// the twin, src/backend/js/flush.ts, bit for bit on a float32 heap; the float64 twin flushes nothing).
// This deviates from IEEE 754 as TensorFlow's CPU kernels do (they run with FTZ/DAZ; PyTorch does not):
// - Optimizer updates: slots (Adam m, v; momentum; RMSprop ms, mom; Adagrad acc) are read and written
//   as 0 below SLOT_FTZ = 2^-86, weights are written as 0 below it, and a gradient counts as 0 below
//   2^-86 where it is used linearly and below 2^-43 = √SLOT_FTZ where it is squared. The threshold is
//   chosen so that no intermediate is subnormal either: every product in an update is a value ≥ 2^-86
//   times a coefficient (lr, alpha, 1 − β, ρ, 1 − ρ, momentum), normal for coefficients ≥ 2^-40;
//   Adam's (g − m)(1 − β1) and (g² − v)(1 − β2) multiply a difference, which is at least 2^-25 of its
//   larger operand, so 2^-86 = 2^-126·2^25·2^15 keeps them normal for 1 − β ≥ 2^-15 (β ≤ 0.99997);
//   g² ≥ 2^-86 since g is squared only from 2^-43; lr·g/√(·) and m·alpha/(√v + eps) stay normal while
//   coefficient/denominator ≥ 2^-40. Values that small move no weight: a first moment of 2^-86 moves
//   it by alpha·2^-86/eps, and √(2^-86) is 1e-6 of eps = 1e-7.
// - The exp-based activations (sigmoid, tanh, elu, gelu, silu, forward and backward), softmax and the
//   losses: a result below 2^-126 is ±0. An e^x below 2^-126 counts as 0 (so gelu and silu also give 0
//   where x·σ is under ~100·2^-126), a product dy·act′ or (p − t)/M is 0 where it would be under
//   1.13·2^-126, the activations read a subnormal x or dy as ±0, and a loss value below 2^-126 is
//   returned as 0. Arguments too small to change a result are flushed before a polynomial squares
//   them, so nothing in between is subnormal either.
// - Not flushed: matrix products, reductions, the element-wise and normalization kernels, dropout,
//   relu and leakyRelu (they pass a subnormal input through as it is).
// test/kernels/subnormal.*.test.ts and test/train/subnormal.test.ts count this (no subnormal anywhere
// in model A's memory after 5 epochs, on every backend); `npm run bench -- subnormal` times it.

/** Activation codes shared by `dense_forward`, `activation_forward` and `activation_backward`. */
export const ACT = {
  linear: 0,
  relu: 1,
  leakyRelu: 2, // alpha = negative slope
  sigmoid: 3,
  tanh: 4,
  elu: 5, // alpha = scale of the negative branch
  gelu: 6, // tanh approximation, as Keras gelu(approximate=True)
  silu: 7, // x·sigmoid(x), a.k.a. swish
} as const;
export type ActCode = (typeof ACT)[keyof typeof ACT];

export interface Kernels {
  // ---- matrix products (assembly/matmul.ts) -------------------------------------------------
  // All row-major. acc = 0 overwrites C, acc = 1 adds into C. C must not alias A or B.
  /** C[M,N] (+)= A[M,K] · B[K,N] */
  matmul(c: number, a: number, b: number, M: number, K: number, N: number, acc: number): void;
  /** C[M,N] (+)= A[M,K] · B[N,K]ᵀ   (backprop: dX = dZ · Wᵀ) */
  matmul_nt(c: number, a: number, b: number, M: number, K: number, N: number, acc: number): void;
  /** C[M,N] (+)= A[K,M]ᵀ · B[K,N]   (backprop: dW = Xᵀ · dZ) */
  matmul_tn(c: number, a: number, b: number, M: number, K: number, N: number, acc: number): void;
  /**
   * y[M,N] = act(x[M,K] · w[K,N] + b[N]); b = 0 means no bias. act is an ACT code, alpha its
   * parameter. y must not alias x or w. Softmax is not an epilogue: call softmax_forward after.
   */
  dense_forward(y: number, x: number, w: number, b: number, M: number, K: number, N: number, act: number, alpha: number): void;

  // ---- activations (assembly/activations.ts) -----------------------------------------------
  /** y[i] = act(x[i]), i < n. y may alias x. */
  activation_forward(y: number, x: number, n: number, act: number, alpha: number): void;
  /**
   * dx[i] = dy[i] · act'(x[i]) where x is the pre-activation and y = act(x) the saved output
   * (each activation reads whichever is cheaper). dx may alias dy.
   * Reads: relu, leakyRelu, sigmoid, tanh, elu only y (needs alpha ≥ 0); gelu, silu only x; linear
   * neither (the unread pointer may be anything). At the kink x = 0: the left derivative.
   */
  activation_backward(dx: number, dy: number, x: number, y: number, n: number, act: number, alpha: number): void;
  /** Row-wise stable softmax: y[M,N] = exp(x - rowmax) / rowsum. y may alias x. */
  softmax_forward(y: number, x: number, M: number, N: number): void;
  /** dx[i,:] = y[i,:] ⊙ (dy[i,:] − Σ_j dy[i,j]·y[i,j]). dx may alias dy. */
  softmax_backward(dx: number, dy: number, y: number, M: number, N: number): void;

  // ---- losses (assembly/losses.ts) ----------------------------------------------------------
  // `_forward` returns the loss averaged as Keras does: mean over the last axis (elementwise
  // losses) or sum over classes (cross-entropies), then mean over the M rows.
  // `_backward` writes d(that value)/d(pred) into dp (overwrites; dp may alias pred).
  // Probabilities are clipped to [EPS, 1 − EPS], EPS = 1e-7 (Keras backend.epsilon()); where the
  // clip is active the gradient is 0, as for a clipped value.
  mse_forward(pred: number, target: number, M: number, N: number): number;
  mse_backward(dp: number, pred: number, target: number, M: number, N: number): void;
  mae_forward(pred: number, target: number, M: number, N: number): number;
  mae_backward(dp: number, pred: number, target: number, M: number, N: number): void;
  /** binary cross-entropy on probabilities, mean over N then over M. */
  bce_forward(pred: number, target: number, M: number, N: number): number;
  bce_backward(dp: number, pred: number, target: number, M: number, N: number): void;
  /** binary cross-entropy on logits z: max(z,0) − z·t + log(1 + exp(−|z|)); grad (σ(z) − t)/(M·N). */
  bce_logits_forward(z: number, target: number, M: number, N: number): number;
  bce_logits_backward(dz: number, z: number, target: number, M: number, N: number): void;
  /** categorical cross-entropy on probabilities, one-hot (or soft) target[M,N]. */
  cce_forward(pred: number, target: number, M: number, N: number): number;
  cce_backward(dp: number, pred: number, target: number, M: number, N: number): void;
  /** sparse categorical cross-entropy: labels[M] hold class ids as floats (exact below 2^24). */
  sparse_cce_forward(pred: number, labels: number, M: number, N: number): number;
  sparse_cce_backward(dp: number, pred: number, labels: number, M: number, N: number): void;
  /**
   * Fused softmax + categorical cross-entropy on logits z[M,N]: writes p = softmax(z) and returns
   * the loss (−Σ t·log p, from the log-sum-exp, no clipping needed). p may alias z.
   */
  softmax_cce_forward(p: number, z: number, target: number, M: number, N: number): number;
  /** dz = (p − t) / M. dz may alias p. */
  softmax_cce_backward(dz: number, p: number, target: number, M: number, N: number): void;
  softmax_sparse_cce_forward(p: number, z: number, labels: number, M: number, N: number): number;
  softmax_sparse_cce_backward(dz: number, p: number, labels: number, M: number, N: number): void;

  // ---- reductions and element-wise (assembly/reduce.ts, assembly/elementwise.ts) ------------
  /** y[N] (+)= Σ_i x[i,:] over M rows (bias gradients). acc as in matmul. */
  col_sum(y: number, x: number, M: number, N: number, acc: number): void;
  /** Σ x[i]² over n elements. */
  sum_squares(x: number, n: number): number;
  /** idx[i] = arg max_j x[i,j] written as a float (first maximum wins; NaN never wins). */
  row_argmax(idx: number, x: number, M: number, N: number): void;
  /** y[i] = v */
  fill(y: number, n: number, v: number): void;
  /** y[i] = x[i]; ranges may overlap in either direction (memmove). */
  copy(y: number, x: number, n: number): void;
  /** y[i] *= s */
  scale(y: number, n: number, s: number): void;
  /** y[i] += a·x[i] */
  axpy(y: number, x: number, n: number, a: number): void;
  /** y[i] = a[i]·b[i]; y may alias a or b. */
  mul(y: number, a: number, b: number, n: number): void;

  // ---- optimizers, clipping, regularisation (assembly/optimizers.ts, assembly/regularize.ts) --
  // Each update is one pass over a flat block of n parameters w with gradients g and slots.
  // Formulas are Keras 3's (keras/src/optimizers/*.py); see the kernel comments.
  /** w −= lr·g */
  sgd_update(w: number, g: number, n: number, lr: number): void;
  /** v = momentum·v − lr·g; w += nesterov ? momentum·v − lr·g : v */
  momentum_update(w: number, v: number, g: number, n: number, lr: number, momentum: number, nesterov: number): void;
  /** acc += g²; w −= lr·g / sqrt(acc + eps). Keras starts acc at initial_accumulator_value (0.1): the caller's fill. */
  adagrad_update(w: number, acc: number, g: number, n: number, lr: number, eps: number): void;
  /**
   * ms = rho·ms + (1 − rho)·g²; inc = lr·g / sqrt(ms + eps);
   * momentum > 0: mom = momentum·mom + inc; w −= mom.  momentum = 0: w −= inc (mom untouched).
   * rho crosses as float64 (the one f64 kernel argument besides adam's betas) so that 1 − rho is
   * formed before rounding to float32, as Keras does; a float32 rho = 0.999 would be 1.3e-5 off in 1 − rho.
   */
  rmsprop_update(w: number, ms: number, mom: number, g: number, n: number, lr: number, rho: number, momentum: number, eps: number): void;
  /**
   * Keras Adam: m += (g − m)(1 − beta1); v += (g² − v)(1 − beta2); w −= alpha·m / (sqrt(v) + eps),
   * with alpha = lr·sqrt(1 − beta2^t)/(1 − beta1^t) computed by the caller (in float64).
   * beta1, beta2 cross as float64 so that 1 − beta is formed before rounding to float32, as Keras
   * does (fround(0.999) is 1.3e-8 off, i.e. 1.3e-5 relative in 1 − beta2).
   */
  adam_update(w: number, m: number, v: number, g: number, n: number, alpha: number, beta1: number, beta2: number, eps: number): void;
  /**
   * Keras Adamax: m += (g − m)(1 − beta1); u = max(beta2·u, |g|); w −= alpha·m / (u + eps), with
   * alpha = lr/(1 − beta1^t) computed by the caller (in float64); betas cross as float64 as in adam_update.
   */
  adamax_update(w: number, m: number, u: number, g: number, n: number, alpha: number, beta1: number, beta2: number, eps: number): void;
  /** g[i] = min(max(g[i], −c), c) */
  clip_by_value(g: number, n: number, c: number): void;
  /** dw[i] += l1·sign(w[i]) + 2·l2·w[i]   (sign(0) = 0) */
  l1l2_backward(dw: number, w: number, n: number, l1: number, l2: number): void;
  /** l1·Σ|w| + l2·Σw² */
  l1l2_value(w: number, n: number, l1: number, l2: number): number;

  // ---- dropout (assembly/dropout.ts) --------------------------------------------------------
  /**
   * Inverted dropout. For element i, u = uniform01(hash(seed, offset + i)) (assembly/random.ts and
   * src/backend/js/random.ts implement the same integer hash); mask[i] = u < rate ? 0 : 1/(1 − rate);
   * y[i] = x[i]·mask[i]. y may alias x. Backward is mul(dx, dy, mask, n).
   */
  dropout_forward(y: number, mask: number, x: number, n: number, rate: number, seed: number, offset: number): void;

  // ---- normalization (assembly/normalization.ts) --------------------------------------------
  // Channels-last x[R, C]: R rows (batch × spatial positions), C channels. A gamma pointer of 0 means
  // gamma = 1, a beta pointer of 0 means beta = 0. Statistics are biased (÷R, resp. ÷C) and two-pass,
  // as Keras/TF `moments`; rstd = 1/sqrt(variance + eps). Sums add float32 lanes over short blocks
  // and the blocks in float64 (the error of a 16-term float32 sum whatever R and C).
  /**
   * Training mode, per channel c: mean[c] = Σ_r x[r,c]/R, variance[c] = Σ_r (x[r,c] − mean[c])²/R;
   * y = gamma·(x − mean)·rstd + beta. Writes mean[C], variance[C], y[R,C]. y may alias x.
   */
  batchnorm_forward(y: number, mean: number, variance: number, x: number, gamma: number, beta: number, R: number, C: number, eps: number): void;
  /**
   * With xhat = (x − mean)·rstd: dbeta[c] = Σ_r dy, dgamma[c] = Σ_r dy·xhat (both overwritten and both
   * required: pass C floats of scratch for a missing weight, dx needs the sums); if dx ≠ 0,
   * dx = gamma·rstd/R·(R·dy − dbeta − xhat·dgamma). dx may alias dy.
   */
  batchnorm_backward(dx: number, dgamma: number, dbeta: number, dy: number, x: number, gamma: number, mean: number, variance: number, R: number, C: number, eps: number): void;
  /** y = gamma·(x − mean)/sqrt(variance + eps) + beta with the given (moving) statistics. y may alias x. */
  batchnorm_inference(y: number, x: number, gamma: number, beta: number, mean: number, variance: number, R: number, C: number, eps: number): void;
  /** dx = dy·gamma/sqrt(variance + eps): the backward of batchnorm_inference (a frozen layer). dx may alias dy. */
  batchnorm_inference_backward(dx: number, dy: number, gamma: number, variance: number, R: number, C: number, eps: number): void;
  /**
   * Per row r: mean[r] = Σ_c x/C, rstd[r] = 1/sqrt(Σ_c (x − mean[r])²/C + eps);
   * y[r,c] = gamma[c]·(x[r,c] − mean[r])·rstd[r] + beta[c]. Writes mean[R], rstd[R], y. y may alias x.
   */
  layernorm_forward(y: number, mean: number, rstd: number, x: number, gamma: number, beta: number, R: number, C: number, eps: number): void;
  /**
   * With xhat = (x − mean[r])·rstd[r]: dgamma[c] = Σ_r dy·xhat, dbeta[c] = Σ_r dy (overwritten; a
   * pointer of 0 skips that output); if dx ≠ 0, with g = gamma·dy,
   * dx[r,c] = rstd[r]·(g[r,c] − mean_c(g[r,:]) − xhat[r,c]·mean_c(g[r,:]·xhat[r,:])). dx may alias dy.
   */
  layernorm_backward(dx: number, dgamma: number, dbeta: number, dy: number, x: number, gamma: number, mean: number, rstd: number, R: number, C: number): void;

  // ---- noise (assembly/noise.ts) ------------------------------------------------------------
  // z_i is a standard normal that depends only on (seed, offset + i): Box–Muller on two uniforms of
  // the dropout hash (counters 2(offset + i) and 2(offset + i) + 1), in IEEE-exact float32
  // operations, so the same bits in every backend (src/backend/js/noise.ts normalAt).
  /** y[i] = x[i] + stddev·z_i. y may alias x. */
  gaussian_noise_forward(y: number, x: number, n: number, stddev: number, seed: number, offset: number): void;
  /** mask[i] = 1 + stddev·z_i, y[i] = x[i]·mask[i]. y may alias x. Backward is mul(dx, dy, mask, n). */
  gaussian_dropout_forward(y: number, mask: number, x: number, n: number, stddev: number, seed: number, offset: number): void;

  // ---- pooling (assembly/pooling.ts) ---------------------------------------------------------
  // Channels-last x[M, H, W, C] (1-D: H = 1). Window (oh, ow) covers rows oh·sh − pt … + ph − 1 and
  // columns ow·sw − pl … + pw − 1; cells outside the input are skipped. Backward overwrites dx.
  /** y = window max; argmax = index within the sample of the first max (stored as a float). */
  pool_max_forward(y: number, argmax: number, x: number, M: number, H: number, W: number, C: number, ph: number, pw: number, sh: number, sw: number, pt: number, pl: number, OH: number, OW: number): void;
  /** dx = 0, then dx[argmax] += dy. */
  pool_max_backward(dx: number, dy: number, argmax: number, M: number, H: number, W: number, C: number, OH: number, OW: number): void;
  /** y = Σ (window cells inside the input) / their count. */
  pool_avg_forward(y: number, x: number, M: number, H: number, W: number, C: number, ph: number, pw: number, sh: number, sw: number, pt: number, pl: number, OH: number, OW: number): void;
  /** dx = 0, then each window adds dy/count to its cells inside the input. */
  pool_avg_backward(dx: number, dy: number, M: number, H: number, W: number, C: number, ph: number, pw: number, sh: number, sw: number, pt: number, pl: number, OH: number, OW: number): void;
}

export type KernelName = keyof Kernels;

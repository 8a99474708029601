// Central finite differences in float64: d f / d x[i] ≈ (f(x + h·e_i) − f(x − h·e_i)) / 2h.
// Pass when |num − ana| / max(1e-8, |num| + |ana|) < tol (h = 1e-5, tol = 1e-6 throughout the tests).

export interface GradCheckOptions {
  h?: number;
  tol?: number;
}

/**
 * Checks `analytic` (the gradient the code computes at x) against central differences of `f`.
 * `f` must not keep x; it is called with x perturbed in place and restored.
 */
export function expectGradientsMatch(f: (x: Float64Array) => number, x: Float64Array, analytic: ArrayLike<number>, what: string, options: GradCheckOptions = {}): void {
  const h = options.h ?? 1e-5;
  const tol = options.tol ?? 1e-6;
  for (let i = 0; i < x.length; i++) {
    const keep = x[i];
    x[i] = keep + h;
    const up = f(x);
    x[i] = keep - h;
    const down = f(x);
    x[i] = keep;
    const num = (up - down) / (2 * h);
    const ana = analytic[i];
    const rel = Math.abs(num - ana) / Math.max(1e-8, Math.abs(num) + Math.abs(ana));
    if (!(rel < tol)) throw new Error(`${what}: gradient ${i} is ${ana}, finite difference gives ${num} (relative error ${rel.toExponential(2)} ≥ ${tol})`);
  }
}

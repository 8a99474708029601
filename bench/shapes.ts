// Matrix-product shapes the benchmarks time: the layers of a 784-128-10 MLP (the MNIST model of the
// notes) at batch 128 and 32, in the three forms one training step uses (forward A·B, dX = dZ·Wᵀ,
// dW = Xᵀ·dZ). `target` is the single-thread GFLOP/s the WASM kernels are expected to reach (set on a
// Zen 5 at ~4.15 GHz: ~60 GFLOP/s SIMD128 peak, ~68 with relaxed FMA; BENCHMARKS.md has this machine's).

export interface MatmulShape {
  M: number;
  K: number;
  N: number;
  /** GFLOP/s goal for the WASM builds, when there is one */
  target?: number;
}

export const MATMUL_SHAPES: MatmulShape[] = [
  { M: 128, K: 784, N: 128, target: 50 }, // layer 1 forward (and its dW as Aᵀ·B)
  { M: 128, K: 128, N: 784, target: 50 }, // layer 1 transposed: dX-shaped products
  { M: 128, K: 128, N: 10, target: 20 }, // output layer
  { M: 32, K: 784, N: 128 },
  { M: 32, K: 128, N: 784 },
  { M: 32, K: 128, N: 10 },
];

/** The shapes with a target: what `--quick` runs. */
export const TARGET_SHAPES = MATMUL_SHAPES.filter((s) => s.target !== undefined);

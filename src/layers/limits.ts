// Bounds on what a model may be, the same when it is built and when a model file is read, so that
// every model sinew builds saves into a file it loads, and a hostile file cannot ask for absurd sizes.

export const LIMITS = {
  /** Layers in a model. */
  layers: 1000,
  /** Units of a Dense layer, and any one dimension of a per-sample shape. */
  width: 1 << 20,
  /** Values per sample at any layer's input or output. */
  sampleSize: 1 << 24,
  /** Characters in a layer or model name. */
  nameLength: 256,
  /** Rank of a per-sample shape. */
  rank: 8,
} as const;

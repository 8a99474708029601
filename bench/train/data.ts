// Synthetic MNIST-shaped data for the training benchmark: 784 inputs in [0, 1], 10 one-hot classes,
// made the same way in every child process from one seed, so every contender trains on identical
// rows. Each class has a few sparse "stroke" prototypes; a row is one prototype, randomly dimmed,
// blended with a weaker prototype of a random class, plus uniform noise, clipped to [0, 1]. Learnable (loss falls epoch after epoch, accuracy well
// above chance) but not separable at a glance. Not a stand-in for MNIST's accuracy, only its shape.

export const INPUTS = 784;
export const CLASSES = 10;
export const ROWS = 60_000;
export const SEED = 20_240_601;

/** Prototypes per class: more than one, so that a linear model is not already perfect. */
const STYLES = 3;
/** Share of pixels "on" in a prototype (MNIST has about 19 % non-zero pixels). */
const ON = 0.19;
/** Half-width of the additive uniform noise per pixel. */
const NOISE = 0.6;
/** Up to this share of a second, random class's prototype is blended in (ambiguous rows). */
const BLEND = 0.8;

export interface Dataset {
  rows: number;
  /** [rows, 784] row-major */
  x: Float32Array;
  /** [rows, 10] one-hot */
  y: Float32Array;
  /** [rows] class ids */
  labels: Uint8Array;
}

/** mulberry32: a tiny 32-bit generator, fast and identical on every runtime (no library code involved). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The class prototypes, fixed by `seed` (shared by the training and the held-out rows). */
function prototypes(seed: number): Float32Array[] {
  const rnd = mulberry32(seed ^ 0x5eed);
  const protos: Float32Array[] = [];
  for (let p = 0; p < CLASSES * STYLES; p++) {
    const img = new Float32Array(INPUTS);
    // A few random 28×28 blobs of random radius, so pixels are spatially correlated as in digits.
    const blobs = 4 + Math.floor(rnd() * 4);
    for (let b = 0; b < blobs; b++) {
      const cy = 4 + rnd() * 20;
      const cx = 4 + rnd() * 20;
      const r = 2 + rnd() * 3.5;
      for (let yy = 0; yy < 28; yy++) {
        for (let xx = 0; xx < 28; xx++) {
          const d = Math.hypot(yy - cy, xx - cx);
          if (d < r) img[yy * 28 + xx] = Math.max(img[yy * 28 + xx], 1 - (d / r) * 0.5);
        }
      }
    }
    // Keep about ON of the pixels: zero the weakest ones if the blobs covered too much.
    const sorted = Float32Array.from(img).sort();
    const cut = sorted[Math.floor((1 - ON) * INPUTS)];
    for (let i = 0; i < INPUTS; i++) if (img[i] < cut) img[i] = 0;
    protos.push(img);
  }
  return protos;
}

/**
 * `rows` rows from the fixed prototypes. `stream` picks an independent sequence of rows
 * (0: training, 1: held-out), so a test set never repeats a training row.
 */
export function makeDataset(rows: number = ROWS, seed: number = SEED, stream = 0): Dataset {
  const protos = prototypes(seed);
  const rnd = mulberry32((seed + 0x9e3779b9 * (stream + 1)) >>> 0);
  const x = new Float32Array(rows * INPUTS);
  const y = new Float32Array(rows * CLASSES);
  const labels = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = Math.floor(rnd() * CLASSES);
    const proto = protos[c * STYLES + Math.floor(rnd() * STYLES)];
    const other = protos[Math.floor(rnd() * CLASSES * STYLES)];
    const gain = 0.35 + 0.65 * rnd();
    const blend = gain * BLEND * rnd();
    const o = r * INPUTS;
    for (let i = 0; i < INPUTS; i++) {
      const v = proto[i] * gain + other[i] * blend + (rnd() * 2 - 1) * NOISE;
      x[o + i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
    labels[r] = c;
    y[r * CLASSES + c] = 1;
  }
  return { rows, x, y, labels };
}

/** Share of rows whose arg-max of `probs` [rows, 10] equals the label. */
export function accuracy(probs: Float32Array, labels: Uint8Array): number {
  let hits = 0;
  for (let r = 0; r < labels.length; r++) {
    let best = 0;
    for (let c = 1; c < CLASSES; c++) if (probs[r * CLASSES + c] > probs[r * CLASSES + best]) best = c;
    if (best === labels[r]) hits++;
  }
  return hits / labels.length;
}

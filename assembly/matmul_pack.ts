// Packing for the matrix products in assembly/matmul.ts, into fixed static scratch regions: a block
// of B (kc rows of the inner dimension × nc output columns) as column panels of NR = 8 floats per k,
// zero-padded at the right edge, and one row tile of A (mr ≤ 6 rows × kc), the mr values of each k
// side by side. The register tile (matmul_tile.ts) then reads B with v128 loads and A with 4-byte
// load-splats at fixed offsets, whatever the form (A or Aᵀ, B or Bᵀ) and the strides. Not here:
// the products.

/** Largest inner-dimension (k) block packed at once. */
export const KC: i32 = 128;
/** Largest output-column (j) block packed at once; a multiple of NR. */
export const NC: i32 = 192;
/** Most rows of a register tile (matmul_tile.ts: 6 with fused multiply-add, 5 without). */
export const MR_MAX: i32 = 6;
/** Columns per panel: two f32x4 vectors, the width of the register tile. */
export const NR: i32 = 8;

// Why static regions (by default): kernels may not allocate and may write only the ranges they are given, so the
// packed copies live in the module's own static data (memory.data), below __heap_base, where the
// arena (src/memory/arena.ts) never hands out memory. Their sizes cap a packed B block at KC × NC
// floats (96 KiB + gaps) and an A tile at KC × 6 floats (3 KiB); matmul.ts blocks K and N so any
// matrix size works. The calling thread packs into these; each worker thread into its own set
// (set_scratch below).
// KC and NC: measured at 128 × 784 · 784 × 128 and 128 × 128 · 128 × 784, 128 × 192 ran as fast as
// 256 × 128 (both ~7 % faster than 256 × 64) and keeps all static data under the 2 pages of
// initial memory that scripts/build-wasm.mjs gives the module; the A tile stays well inside L1.
/**
 * Bytes from one packed panel to the next: kc rows of 32 bytes plus a 64-byte gap, so that panels
 * never start a multiple of 4 KiB apart (at kc = 128 they would, and pack_b's row-by-row writes to
 * every panel would all fall into one L1 cache set).
 */
// @ts-ignore: decorator
@inline export function panel_bytes(kc: i32): usize {
  return (<usize>kc << 5) + 64;
}
const PANELS_BYTES: usize = KC * NC * 4 + (NC / NR) * 64;
const APACK_BYTES: usize = KC * MR_MAX * 4;
const BIAS_BYTES: usize = NC * 4; // NC ≥ 8·MR_MAX: room for either use
/** Packed B block: panels of kc × NR floats, panel p at PANELS + p·panel_bytes(kc). */
export let PANELS: usize = memory.data(<i32>PANELS_BYTES, 16);
/**
 * Packed A row tile: A[r, k] at APACK + 4·(mr·k + r). Plain floats rather than pre-broadcast v128s
 * (16 bytes each): the tile's load32_splat is one load-port vbroadcastss from memory on x64, and
 * packing writes a quarter of the bytes. Measured against pre-broadcast: packing and bookkeeping
 * went from ~11 % to ~7 % of a 128×784×128 product; relaxed ran 2–4 % faster at 128×784×128 and
 * 128×128×784; SIMD128 2–3 % slower at K = 784 (V8 adds a lea per offset load-splat, and its
 * mul+add loop is issue-bound) but 3–7 % faster at N = 784 and 5–10 % at N = 10.
 */
export let APACK: usize = memory.data(<i32>APACK_BYTES, 16);
/** The bias of the current column block, zero-padded to a whole panel (dense_forward only). */
export let BIAS: usize = memory.data(<i32>BIAS_BYTES, 16);

// The three regions are globals, not constants, because globals belong to an instance while memory
// may be shared: each worker thread's instance of the shared-memory build points them at its own
// region of the arena (src/backend/threads/), so threads never pack into each other's scratch.
/** Bytes of packing scratch one thread needs (16-byte aligned). */
export function scratch_bytes(): i32 {
  return <i32>(PANELS_BYTES + APACK_BYTES + BIAS_BYTES);
}

/** Points this instance's packing scratch at [p, p + scratch_bytes()); p 16-byte aligned. */
export function set_scratch(p: usize): void {
  PANELS = p;
  APACK = p + PANELS_BYTES;
  BIAS = APACK + APACK_BYTES;
}

/**
 * Packs B[k, j] for k < kc, j < nc from a row-major B with row stride ldb bytes (b points at the
 * block's first element): panel p holds columns 8p…8p+7, row k of the panel at 32·k bytes.
 */
export function pack_b(b: usize, ldb: usize, kc: i32, nc: i32): void {
  // Row by row: each B row is read once, front to back (a panel-by-panel walk would fetch every
  // cache line of B twice, 32 bytes each time), and written to nc/8 sequential streams.
  const full = nc & ~(NR - 1);
  const panelBytes = panel_bytes(kc);
  for (let k = 0; k < kc; k++) {
    let src = b;
    let dst = PANELS + (<usize>k << 5);
    for (let jr = 0; jr < full; jr += NR) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      src += 32;
      dst += panelBytes;
    }
    if (full < nc) {
      // The last, partial panel. The tile computes but never stores the lanes beyond nc; zeros
      // keep them from holding stale values (and the result independent of what was there).
      let t = 0;
      for (; t < nc - full; t++) store<f32>(dst + (<usize>t << 2), load<f32>(src + (<usize>t << 2)));
      for (; t < NR; t++) store<f32>(dst + (<usize>t << 2), 0);
    }
    b += ldb;
  }
}

/**
 * Packs Bᵀ: element (k, j) of the block is b[j·ldb + 4k] (B stored as N rows of K, b points at
 * the block's first element). Same panel layout as pack_b; 8 source rows become one panel through
 * two 4×4 transposes per four k.
 */
export function pack_bt(b: usize, ldb: usize, kc: i32, nc: i32): void {
  let dst = PANELS;
  for (let jr = 0; jr < nc; jr += NR) {
    const w = min(NR, nc - jr);
    const r0 = b + <usize>jr * ldb;
    if (w == NR) {
      const r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb, r4 = r3 + ldb, r5 = r4 + ldb, r6 = r5 + ldb, r7 = r6 + ldb;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const o = <usize>k << 2;
        const d = dst + (<usize>k << 5);
        transpose4_store(d, v128.load(r0 + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o));
        transpose4_store(d + 16, v128.load(r4 + o), v128.load(r5 + o), v128.load(r6 + o), v128.load(r7 + o));
      }
      for (; k < kc; k++) {
        const o = <usize>k << 2;
        const d = dst + (<usize>k << 5);
        store<f32>(d, load<f32>(r0 + o));
        store<f32>(d, load<f32>(r1 + o), 4);
        store<f32>(d, load<f32>(r2 + o), 8);
        store<f32>(d, load<f32>(r3 + o), 12);
        store<f32>(d, load<f32>(r4 + o), 16);
        store<f32>(d, load<f32>(r5 + o), 20);
        store<f32>(d, load<f32>(r6 + o), 24);
        store<f32>(d, load<f32>(r7 + o), 28);
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const d = dst + (<usize>k << 5);
        let t = 0;
        for (; t < w; t++) store<f32>(d + (<usize>t << 2), load<f32>(r0 + <usize>t * ldb + (<usize>k << 2)));
        for (; t < NR; t++) store<f32>(d + (<usize>t << 2), 0);
      }
    }
    dst += panel_bytes(kc);
  }
}

/**
 * Packs rows r < mr of A, k < kc, into APACK: element (r, k) = a[r·lda + 4k] (A row-major, row
 * stride lda bytes) goes to APACK + 4·(mr·k + r), the mr values of one k side by side.
 */
export function pack_a(a: usize, lda: usize, mr: i32, kc: i32): void {
  const step = <usize>mr << 2;
  let k = 0;
  if (mr >= 4) {
    // Four k at a time: rows 0…3 through a 4×4 transpose (one v128 store per k), rows 4 and 5
    // interleaved in pairs (one 8-byte store per k), a fifth row alone lane by lane.
    const r1 = a + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda;
    let d = APACK;
    for (; k + 4 <= kc; k += 4) {
      const o = <usize>k << 2;
      const x0 = v128.load(a + o), x1 = v128.load(r1 + o), x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
      const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
      const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
      v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
      v128.store(d + step, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
      v128.store(d + 2 * step, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
      v128.store(d + 3 * step, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
      if (mr == 6) {
        const x4 = v128.load(r4 + o), x5 = v128.load(r5 + o);
        const u0 = v128.shuffle<f32>(x4, x5, 0, 4, 1, 5);
        const u1 = v128.shuffle<f32>(x4, x5, 2, 6, 3, 7);
        v128.store64_lane(d, u0, 0, 16);
        v128.store64_lane(d + step, u0, 1, 16);
        v128.store64_lane(d + 2 * step, u1, 0, 16);
        v128.store64_lane(d + 3 * step, u1, 1, 16);
      } else if (mr == 5) {
        const x4 = v128.load(r4 + o);
        v128.store32_lane(d, x4, 0, 16);
        v128.store32_lane(d + step, x4, 1, 16);
        v128.store32_lane(d + 2 * step, x4, 2, 16);
        v128.store32_lane(d + 3 * step, x4, 3, 16);
      }
      d += step << 2;
    }
  }
  // The last k (kc not a multiple of 4) and tiles under four rows, one value at a time.
  for (; k < kc; k++) {
    const d = APACK + <usize>k * step;
    for (let r = 0; r < mr; r++) store<f32>(d + (<usize>r << 2), load<f32>(a + <usize>r * lda + (<usize>k << 2)));
  }
}

/**
 * Packs Aᵀ's row tile the same way: element (r, k) = a[k·ldk + 4r] (A stored as K rows of M, row
 * stride ldk bytes), r < mr, k < kc. The mr values of one k are adjacent already: a copy per k.
 */
export function pack_at(a: usize, ldk: usize, mr: i32, kc: i32): void {
  const step = <usize>mr << 2;
  let d = APACK;
  if (mr == 6) {
    for (let k = 0; k < kc; k++) {
      v128.store(d, v128.load(a));
      store<u64>(d, load<u64>(a, 16), 16);
      a += ldk;
      d += step;
    }
  } else if (mr == 5) {
    for (let k = 0; k < kc; k++) {
      v128.store(d, v128.load(a));
      store<f32>(d, load<f32>(a, 16), 16);
      a += ldk;
      d += step;
    }
  } else if (mr == 4) {
    for (let k = 0; k < kc; k++) {
      v128.store(d, v128.load(a));
      a += ldk;
      d += step;
    }
  } else {
    for (let k = 0; k < kc; k++) {
      for (let r = 0; r < mr; r++) store<f32>(d + (<usize>r << 2), load<f32>(a + (<usize>r << 2)));
      a += ldk;
      d += step;
    }
  }
}

/** Copies bias[j] for j < nc into BIAS, zero-padded to a whole panel (one init row for all tile rows). */
export function pack_bias(bias: usize, nc: i32): void {
  let j = 0;
  for (; j < nc; j++) store<f32>(BIAS + (<usize>j << 2), load<f32>(bias + (<usize>j << 2)));
  for (; j & (NR - 1); j++) store<f32>(BIAS + (<usize>j << 2), 0);
}

/** Writes bias[r], r < mr, into BIAS as 8 equal floats per row (the init of a transposed tile). */
export function pack_bias_rows(bias: usize, mr: i32): void {
  for (let r = 0; r < mr; r++) {
    const v = v128.load32_splat(bias + (<usize>r << 2));
    v128.store(BIAS + (<usize>r << 5), v);
    v128.store(BIAS + (<usize>r << 5), v, 16);
  }
}

// Rows x0…x3 hold four consecutive k of four columns; writes the four k-rows of those columns at
// d, d + 32, d + 64, d + 96 (the panel's row stride).
// @ts-ignore: decorator
@inline function transpose4_store(d: usize, x0: v128, x1: v128, x2: v128, x3: v128): void {
  const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 32);
  v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 64);
  v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 96);
}

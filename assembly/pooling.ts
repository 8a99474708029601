// Max and average pooling over channels-last x[M, H, W, C] (1-D pooling is H = 1, global pooling a
// window of the whole input). Window (oh, ow) covers rows oh·sh − pt … + ph − 1 and columns
// ow·sw − pl … + pw − 1; cells outside the input are skipped (Keras 'same': the max ignores them and
// the average divides by the cells inside). Scalar loops in a fixed order, so the twin
// (src/backend/js/pooling.ts) gives the same bits.

/** y[M,OH,OW,C] = window max; argmax[M,OH,OW,C] = index of the first max within the sample (as f32). */
export function pool_max_forward(y: usize, argmax: usize, x: usize, M: i32, H: i32, W: i32, C: i32, ph: i32, pw: i32, sh: i32, sw: i32, pt: i32, pl: i32, OH: i32, OW: i32): void {
  const inSize = H * W * C;
  let o: usize = 0;
  for (let m = 0; m < M; m++) {
    const xs = x + (<usize>(m * inSize) << 2);
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - pt;
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sw - pl;
        for (let c = 0; c < C; c++) {
          let best: f32 = -Infinity;
          let at: i32 = -1;
          for (let i = 0; i < ph; i++) {
            const h = h0 + i;
            if (h < 0 || h >= H) continue;
            for (let j = 0; j < pw; j++) {
              const w = w0 + j;
              if (w < 0 || w >= W) continue;
              const idx = (h * W + w) * C + c;
              const v = load<f32>(xs + (<usize>idx << 2));
              if (at < 0 || v > best) { best = v; at = idx; }
            }
          }
          store<f32>(y + (o << 2), best);
          store<f32>(argmax + (o << 2), <f32>at);
          o++;
        }
      }
    }
  }
}

/** dx[M,H,W,C] = 0, then dx[argmax] += dy for every output cell, in output order. */
export function pool_max_backward(dx: usize, dy: usize, argmax: usize, M: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32): void {
  const inSize = H * W * C;
  const outSize = OH * OW * C;
  memory.fill(dx, 0, <usize>(M * inSize) << 2);
  for (let m = 0; m < M; m++) {
    const ds = dx + (<usize>(m * inSize) << 2);
    for (let k = 0; k < outSize; k++) {
      const o = <usize>(m * outSize + k) << 2;
      const p = ds + (<usize>(<i32>load<f32>(argmax + o)) << 2);
      store<f32>(p, load<f32>(p) + load<f32>(dy + o));
    }
  }
}

/** y[M,OH,OW,C] = (Σ window cells inside the input) / count of those cells. */
export function pool_avg_forward(y: usize, x: usize, M: i32, H: i32, W: i32, C: i32, ph: i32, pw: i32, sh: i32, sw: i32, pt: i32, pl: i32, OH: i32, OW: i32): void {
  const inSize = H * W * C;
  let o: usize = 0;
  for (let m = 0; m < M; m++) {
    const xs = x + (<usize>(m * inSize) << 2);
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - pt;
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sw - pl;
        for (let c = 0; c < C; c++) {
          let s: f32 = 0;
          let n: i32 = 0;
          for (let i = 0; i < ph; i++) {
            const h = h0 + i;
            if (h < 0 || h >= H) continue;
            for (let j = 0; j < pw; j++) {
              const w = w0 + j;
              if (w < 0 || w >= W) continue;
              s += load<f32>(xs + (<usize>((h * W + w) * C + c) << 2));
              n++;
            }
          }
          store<f32>(y + (o << 2), s / <f32>n);
          o++;
        }
      }
    }
  }
}

/** dx[M,H,W,C] = 0, then every window adds dy/count to each of its cells inside the input. */
export function pool_avg_backward(dx: usize, dy: usize, M: i32, H: i32, W: i32, C: i32, ph: i32, pw: i32, sh: i32, sw: i32, pt: i32, pl: i32, OH: i32, OW: i32): void {
  const inSize = H * W * C;
  memory.fill(dx, 0, <usize>(M * inSize) << 2);
  let o: usize = 0;
  for (let m = 0; m < M; m++) {
    const ds = dx + (<usize>(m * inSize) << 2);
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - pt;
      const hlo = max(h0, 0), hhi = min(h0 + ph, H);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sw - pl;
        const wlo = max(w0, 0), whi = min(w0 + pw, W);
        const n = (hhi - hlo) * (whi - wlo);
        for (let c = 0; c < C; c++) {
          const g = load<f32>(dy + (o << 2)) / <f32>n;
          for (let h = hlo; h < hhi; h++) {
            for (let w = wlo; w < whi; w++) {
              const p = ds + (<usize>((h * W + w) * C + c) << 2);
              store<f32>(p, load<f32>(p) + g);
            }
          }
          o++;
        }
      }
    }
  }
}

// Where the microseconds of one training step go: the step of model A (or B) written out as the
// kernel calls src/ makes for it (fit.ts, engine.ts, dense.ts, optimizer.ts) — batch gather, dense
// forward, ReLU, fused softmax+CCE, accuracy, the backward products, column sums, ReLU′, gradient
// norms, one Adam call over the parameter block — each phase timed in place inside a loop of real
// steps, with the model's shapes. --fused times the step as BENCHMARKS.md proposes instead.
// Also times the three matrix-product forms alone at 128×784·784×128. No model code is used: this
// is the kernels-only floor the real `fit` is compared with (bench/train.bench.ts, BENCHMARKS.md).
//
// Usage: node scripts/run.mjs bench/profile_step.ts [--model=A|B] [--build=wasm-relaxed|wasm-simd|js] [--steps=3000] [--fused]

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ACT } from '../src/backend/abi.js';
import type { Backend } from '../src/backend/backend.js';
import { createJsBackend } from '../src/backend/js/index.js';
import { createWasmBackend, type WasmBuildName } from '../src/backend/wasm.js';
import { wasmUrl } from '../src/runtime/wasm_files.js';
import { makeDataset, mulberry32 } from './train/data.js';
import { BATCH, MODELS, type ModelId } from './train/models.js';

function arg(name: string, fallback: string): string {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}

const modelId = arg('model', 'A') as ModelId;
const build = arg('build', 'wasm-relaxed') as WasmBuildName | 'js';
const spec = MODELS[modelId];
const M = BATCH;
const ROWS = 60_000;

async function backendFor(name: WasmBuildName | 'js'): Promise<Backend> {
  if (name === 'js') return createJsBackend();
  return createWasmBackend(readFileSync(wasmUrl(name)), name);
}

/** Phases of one step, in the order they run (names say which kernel calls a phase is). */
const PHASES = [
  'gather batch: copyWithin per row (x and y), from the arena copy',
  'forward: dense_forward (matmul + bias) → Z',
  'forward: activation_forward (ReLU, Z → A)',
  'loss: softmax_cce_forward',
  'metrics: row_argmax ×2 + JS compare',
  'loss grad: softmax_cce_backward',
  'backward: activation_backward (ReLU′, in place)',
  'backward: matmul_tn (dW = Xᵀ·dZ)',
  'backward: col_sum (db)',
  'backward: matmul_nt (dX = dZ·Wᵀ, hidden inputs only)',
  'gradient norms: sum_squares per kernel + isFinite',
  'optimizer: adam_update (one call, whole block)',
] as const;

/**
 * --fused: the step as proposed in BENCHMARKS.md instead of as src/ runs it today — the ReLU in the
 * dense_forward epilogue (no Z pass; ReLU′ reads A), rows gathered by the `copy` kernel (one WASM
 * call per row instead of a copyWithin), no per-batch gradient norms.
 */
const fused = process.argv.includes('--fused');

async function main(): Promise<void> {
  const be = await backendFor(build);
  const k = be.kernels;
  const arena = be.arena;
  const steps = Number(arg('steps', build === 'js' ? '60' : modelId === 'A' ? '3000' : '400'));

  // ---- plan as src/model/plan.ts lays it out: parameters, gradients and Adam slots each one block --
  const dims: { K: number; N: number; act: number }[] = [];
  let kIn = spec.inputs;
  for (const l of spec.layers) {
    dims.push({ K: kIn, N: l.units, act: l.activation === 'relu' ? ACT.relu : ACT.linear });
    kIn = l.units;
  }
  const L = dims.length - 1;
  const nParams = dims.reduce((s, d) => s + d.K * d.N + d.N, 0);
  const params = arena.alloc(nParams);
  const grads = arena.alloc(nParams);
  const mSlot = arena.alloc(nParams);
  const vSlot = arena.alloc(nParams);
  const W: number[] = [];
  const B: number[] = [];
  const dW: number[] = [];
  const dB: number[] = [];
  let off = 0;
  for (const d of dims) {
    W.push(params + off * 4);
    dW.push(grads + off * 4);
    off += d.K * d.N;
    B.push(params + off * 4);
    dB.push(grads + off * 4);
    off += d.N;
  }
  const trainX = arena.alloc(ROWS * spec.inputs);
  const trainY = arena.alloc(ROWS * 10);
  const X = arena.alloc(M * spec.inputs);
  const Y = arena.alloc(M * 10);
  const Z = dims.map((d) => arena.alloc(M * d.N)); // pre-activations (the last: logits)
  const A = dims.map((d) => arena.alloc(M * d.N)); // outputs (the last: probabilities)
  const G = dims.map((d) => arena.alloc(M * d.N)); // dA, then dZ in place
  const idxP = arena.alloc(M);
  const idxY = arena.alloc(M);

  // glorotUniform kernels, zero biases and Adam slots; the data copied into the arena once (as fit does).
  const data = makeDataset(ROWS);
  {
    const h = arena.heap();
    let s = 12345;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
    dims.forEach((d, i) => {
      const lim = Math.sqrt(6 / (d.K + d.N));
      for (let j = 0; j < d.K * d.N; j++) h[W[i] / 4 + j] = (rnd() * 2 - 1) * lim;
    });
    k.fill(mSlot, nParams, 0);
    k.fill(vSlot, nParams, 0);
    h.set(data.x, trainX >> 2);
    h.set(data.y, trainY >> 2);
  }
  // A shuffled order, reshuffled every 60,000 rows as fit does (random rows across the whole copy).
  const order = new Int32Array(ROWS);
  for (let i = 0; i < ROWS; i++) order[i] = i;
  const rng = mulberry32(777);
  const shuffle = (): void => {
    for (let i = ROWS - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  };
  shuffle();

  const acc = new Float64Array(PHASES.length);
  const norms = new Float64Array(dims.length);
  let stepTotal = 0;
  let t = 0;
  const lap = (i: number): void => {
    const now = performance.now();
    acc[i] += now - t;
    t = now;
  };

  const STEPS_PER_EPOCH = Math.ceil(ROWS / M);
  const epochUs: number[] = [];
  let epochMs = 0;
  let epochSteps = 0;
  let lossSum = 0;
  let hits = 0;
  let batchStart = 0;
  let adamT = 0;
  const runSteps = (n: number, record: boolean): void => {
    for (let s = 0; s < n; s++) {
      if (batchStart + M > ROWS) {
        batchStart = 0;
        shuffle();
      }
      const t0 = performance.now();
      t = t0;
      // 0: gather, as src/train/batches.ts gatherRows does (or with the copy kernel under --fused).
      const h = arena.heap();
      for (let r = 0; r < M; r++) {
        const row = order[batchStart + r];
        if (fused) {
          k.copy(X + r * 784 * 4, trainX + row * 784 * 4, 784);
          k.copy(Y + r * 40, trainY + row * 40, 10);
        } else {
          const sx = (trainX >> 2) + row * 784;
          h.copyWithin((X >> 2) + r * 784, sx, sx + 784);
          const sy = (trainY >> 2) + row * 10;
          h.copyWithin((Y >> 2) + r * 10, sy, sy + 10);
        }
      }
      batchStart += M;
      lap(0);
      // forward: hidden layers dense_forward → Z then activation_forward → A (src/layers/dense.ts);
      // the last layer only its logits (softmax is fused with the loss).
      let inp = X;
      for (let l = 0; l <= L; l++) {
        const d = dims[l];
        if (fused && l < L) {
          k.dense_forward(A[l], inp, W[l], B[l], M, d.K, d.N, d.act, 0);
          lap(1);
        } else {
          k.dense_forward(Z[l], inp, W[l], B[l], M, d.K, d.N, ACT.linear, 0);
          lap(1);
          if (l < L) {
            k.activation_forward(A[l], Z[l], M * d.N, d.act, 0);
            lap(2);
          }
        }
        inp = A[l];
      }
      lossSum += k.softmax_cce_forward(A[L], Z[L], Y, M, dims[L].N);
      lap(3);
      k.row_argmax(idxP, A[L], M, dims[L].N);
      k.row_argmax(idxY, Y, M, dims[L].N);
      const hh = arena.heap();
      for (let r = 0; r < M; r++) if (hh[(idxP >> 2) + r] === hh[(idxY >> 2) + r]) hits++;
      lap(4);
      k.softmax_cce_backward(G[L], A[L], Y, M, dims[L].N);
      lap(5);
      for (let l = L; l >= 0; l--) {
        const d = dims[l];
        if (l < L) {
          // ReLU′ from Z (today) or from A (fused: Z was never written; y > 0 ⇔ x > 0).
          k.activation_backward(G[l], G[l], fused ? A[l] : Z[l], A[l], M * d.N, d.act, 0);
          lap(6);
        }
        k.matmul_tn(dW[l], l === 0 ? X : A[l - 1], G[l], d.K, M, d.N, 0);
        lap(7);
        k.col_sum(dB[l], G[l], M, d.N, 0);
        lap(8);
        if (l > 0) {
          k.matmul_nt(G[l - 1], G[l], W[l], M, d.N, d.K, 0);
          lap(9);
        }
      }
      if (!fused) {
        for (let l = 0; l <= L; l++) norms[l] += Math.sqrt(k.sum_squares(dW[l], dims[l].K * dims[l].N));
        if (!norms.every(Number.isFinite)) throw new Error('non-finite gradient');
        lap(10);
      }
      adamT++;
      const alpha = (1e-3 * Math.sqrt(1 - Math.pow(0.999, adamT))) / (1 - Math.pow(0.9, adamT));
      k.adam_update(params, mSlot, vSlot, grads, nParams, alpha, 0.9, 0.999, 1e-7);
      lap(11);
      const dt = performance.now() - t0;
      stepTotal += dt;
      epochMs += dt;
      if (++epochSteps === STEPS_PER_EPOCH) {
        epochUs.push((epochMs * 1000) / STEPS_PER_EPOCH);
        epochMs = 0;
        epochSteps = 0;
      }
    }
    if (!record) {
      acc.fill(0);
      stepTotal = 0;
      lossSum = 0;
      hits = 0;
    }
  };

  const topBefore = arena.top;
  const bytesBefore = arena.memory.buffer.byteLength;
  runSteps(Math.max(20, steps >> 3), false); // warm-up: JIT tiers, caches
  runSteps(steps, true);
  if (arena.top !== topBefore || arena.memory.buffer.byteLength !== bytesBefore) throw new Error('the step allocated');

  const stepUs = (stepTotal * 1000) / steps;
  const sumUs = (acc.reduce((a, b) => a + b, 0) * 1000) / steps;
  const macs: Record<number, number> = { 1: 0, 7: 0, 9: 0 };
  dims.forEach((d, l) => {
    macs[1] += M * d.K * d.N;
    macs[7] += M * d.K * d.N;
    if (l > 0) macs[9] += M * d.K * d.N;
  });

  const lines: string[] = [];
  lines.push(
    `Model ${modelId} (${spec.label}), batch ${M}, backend ${be.name}, ${fused ? 'PROPOSED fused step' : 'the step as src/ runs it'}, ` +
      `${steps} steps after ${Math.max(20, steps >> 3)} warm-up steps`,
  );
  lines.push(`mean loss over the timed steps ${(lossSum / steps).toFixed(4)}, batch accuracy ${((hits / (steps * M)) * 100).toFixed(1)} %`);
  lines.push('');
  lines.push('| phase | µs per step | share | GFLOP/s |');
  lines.push('|---|---:|---:|---:|');
  PHASES.forEach((name, i) => {
    if (acc[i] === 0) return;
    const us = (acc[i] * 1000) / steps;
    const gf = macs[i] ? ((2 * macs[i]) / (us * 1e-6) / 1e9).toFixed(1) : '';
    lines.push(`| ${name} | ${us.toFixed(1)} | ${((us / stepUs) * 100).toFixed(1)} % | ${gf} |`);
  });
  lines.push(`| timer overhead and loop (step − Σ phases) | ${(stepUs - sumUs).toFixed(1)} | ${(((stepUs - sumUs) / stepUs) * 100).toFixed(1)} % | |`);
  lines.push(`| **whole step** | **${stepUs.toFixed(1)}** | 100 % | ${((2 * (macs[1] + macs[7] + macs[9])) / (stepUs * 1e-6) / 1e9).toFixed(1)} (needed FLOPs) |`);
  lines.push('');
  lines.push(`µs per step, by successive ${STEPS_PER_EPOCH}-step epochs (warm-up included): ${epochUs.map((u) => u.toFixed(0)).join(', ')}`);
  {
    // Subnormal floats make x86 SIMD arithmetic take slow microcode paths; count them where they arise.
    const h = arena.heap();
    const sub = (ptr: number, n: number) => {
      let c = 0;
      for (let i = 0; i < n; i++) {
        const v = Math.abs(h[(ptr >> 2) + i]);
        if (v !== 0 && v < 1.1754943508222875e-38) c++;
      }
      return `${c}/${n}`;
    };
    lines.push(
      `subnormal floats after the last step: probabilities ${sub(A[L], M * dims[L].N)}, dZ of layer 1 ${sub(G[0], M * dims[0].N)}, ` +
        `gradients ${sub(grads, nParams)}, Adam m ${sub(mSlot, nParams)}, Adam v ${sub(vSlot, nParams)}, weights ${sub(params, nParams)}`,
    );
  }
  lines.push(`kernels-only ceiling: ${Math.round((M / stepUs) * 1e6).toLocaleString('en-US')} samples/s`);

  // ---- the three forms alone at 128×784·784×128 (C 128×128, C 128×784 and C 784×128) ----------
  const a = arena.alloc(128 * 784);
  const b = arena.alloc(784 * 128);
  const c = arena.alloc(784 * 128);
  {
    const h = arena.heap();
    for (let i = 0; i < 128 * 784; i++) {
      h[(a >> 2) + i] = Math.sin(i) * 0.5;
      h[(b >> 2) + i] = Math.cos(i) * 0.5;
    }
  }
  const forms: [string, () => void][] = [
    ['matmul    C[128,128] = A[128,784]·B[784,128]', () => k.matmul(c, a, b, 128, 784, 128, 0)],
    ['matmul_nt C[128,784] = A[128,128]·B[784,128]ᵀ', () => k.matmul_nt(c, a, b, 128, 128, 784, 0)],
    ['matmul_tn C[784,128] = A[128,784]ᵀ·B[128,128]', () => k.matmul_tn(c, a, b, 784, 128, 128, 0)],
    ['dense_forward 128×784·784×128 + bias, relu', () => k.dense_forward(c, a, b, b, 128, 784, 128, ACT.relu, 0)],
  ];
  lines.push('');
  lines.push('| form, alone in a loop | µs | GFLOP/s |');
  lines.push('|---|---:|---:|');
  for (const [name, f] of forms) {
    const reps = build === 'js' ? 5 : 200;
    for (let i = 0; i < reps / 5 + 1; i++) f();
    const times: number[] = [];
    for (let r = 0; r < 7; r++) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) f();
      times.push((performance.now() - t0) / reps);
    }
    times.sort((x, y) => x - y);
    const ms = times[3];
    lines.push(`| ${name} | ${(ms * 1000).toFixed(1)} | ${((2 * 128 * 784 * 128) / (ms * 1e-3) / 1e9).toFixed(1)} |`);
  }
  console.log(lines.join('\n'));
}

await main();

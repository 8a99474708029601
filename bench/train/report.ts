// Turns the children's RunResults into the Markdown tables printed by train.bench.ts and pasted
// into BENCHMARKS.md: one table per model, ratios to sinew on WASM, effective GFLOP/s, memory,
// predict latency and throughput, and the evidence that each contender trained.

import type { ContenderId, RunResult } from './contender.js';
import { MODELS, neededTrainFlops, trainFlops, type ModelId } from './models.js';

export interface Row {
  result: RunResult;
  /** share of the machine's CPU other processes used while this run ran (undefined: unknown) */
  othersShare?: number;
  /** machine busy share measured just before the run */
  busyBefore?: number;
}

const LABEL: Record<ContenderId, string> = {
  'sinew-wasm-relaxed': 'sinew WASM relaxed-SIMD',
  'sinew-wasm-simd': 'sinew WASM SIMD128',
  'sinew-js': 'sinew TypeScript backend',
  'tfjs-wasm': 'TF.js 4.22 wasm (1 thread)',
  'tfjs-cpu': 'TF.js 4.22 cpu',
};

const fmtInt = (v: number) => Math.round(v).toLocaleString('en-US');
const fmt = (v: number, digits: number) => v.toFixed(digits);
const mb = (bytes: number) => fmtInt(bytes / 2 ** 20);

function sig(v: number): string {
  if (v >= 100) return fmtInt(v);
  if (v >= 10) return fmt(v, 1);
  if (v >= 1) return fmt(v, 2);
  return fmt(v, 3);
}

/** The row the ratios divide by: sinew on WASM (the relaxed build if it ran, else SIMD128). */
function reference(rows: Row[]): Row | undefined {
  return rows.find((r) => r.result.contender === 'sinew-wasm-relaxed') ?? rows.find((r) => r.result.contender === 'sinew-wasm-simd');
}

export function modelTable(id: ModelId, rows: Row[]): string {
  const spec = MODELS[id];
  const ref = reference(rows);
  const out: string[] = [];
  out.push(
    `**Model ${id}: ${spec.label}** — ${fmtInt(trainFlops(spec))} FLOP per training row by the effective-rate count ` +
      `(6·ΣK·N), ${fmtInt(neededTrainFlops(spec))} needed (without the first layer's input gradient).`,
  );
  out.push('');
  out.push(
    '| contender | train samples/s (median [min–max]) | ÷ sinew WASM | GFLOP/s eff. (needed) | peak RSS MB (Δ over Node + data) | ' +
      'predict 1 row µs | predict 1,000 rows, rows/s | loss warm-up → last | held-out acc | measured over | fit() set-up s | others\' CPU |',
  );
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const { result: r, othersShare } of rows) {
    const ratio = ref ? r.samplesPerSec / ref.result.samplesPerSec : NaN;
    const measured =
      r.mode === 'epochs'
        ? `${r.epochSeconds.length - 1} × ${fmtInt(r.rowsPerEpoch)} rows`
        : `${r.epochSeconds.length - 1} × ${fmtInt(r.rowsPerEpoch / 128)} batches`;
    out.push(
      `| ${LABEL[r.contender]} | ${fmtInt(r.samplesPerSec)} [${fmtInt(r.samplesPerSecMin)}–${fmtInt(r.samplesPerSecMax)}] | ` +
        `${Number.isNaN(ratio) ? '–' : sig(ratio)} | ` +
        `${sig((r.samplesPerSec * trainFlops(spec)) / 1e9)} (${sig((r.samplesPerSec * neededTrainFlops(spec)) / 1e9)}) | ` +
        `${mb(r.rssPeak)} (${mb(r.rssPeak - r.rssBaseline)}) | ${sig(r.predictLatencyUs)} | ${fmtInt(r.predictRowsPerSec)} | ` +
        `${fmt(r.losses[0], 3)} → ${fmt(r.losses[r.losses.length - 1], 3)} | ${fmt(r.testAccuracy * 100, 1)} % | ${measured} | ${sig(r.fitSetupSeconds)} | ` +
        `${othersShare === undefined ? '?' : `${fmt(othersShare * 100, 0)} %`} |`,
    );
  }
  return out.join('\n');
}

/** What ran, one line per contender (library versions, backend, build). */
export function describeRuns(rows: Row[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const { result: r } of rows) {
    if (seen.has(r.contender)) continue;
    seen.add(r.contender);
    const info = Object.entries(r.info)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    out.push(`- ${LABEL[r.contender]}: ${info}; network requests attempted: ${r.fetches.length}`);
  }
  return out.join('\n');
}

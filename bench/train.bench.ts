// The training benchmark (`npm run bench:train`): sinew (WASM relaxed-SIMD, WASM SIMD128,
// TypeScript backend) against TensorFlow.js 4.22 (wasm backend on one thread, cpu backend) on the
// same synthetic MNIST-shaped data, models A = 784-128-10 and B = 784-512-256-10, Adam 1e-3, batch 128.
// Each contender × model runs in its own child process (bench/train/child.ts) after the machine is
// quiet; this file plans the runs, collects their JSON and prints the Markdown tables of BENCHMARKS.md.
//
// Options: --quick (smoke run: a few batches each), --contenders=a,b  --models=A,B  --json=file
//          --max-busy=0.15 (share of all cores others may use before a run starts)  --max-wait=900 (s)

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CONTENDERS, RESULT_MARK, type ContenderId, type RunConfig, type RunResult } from './train/contender.js';
import { MODELS, type ModelId } from './train/models.js';
import { measurePeak, type Peak } from './train/peak.js';
import { busySeconds, cores, cpuSnapshot, waitForQuiet } from './train/quiet.js';
import { describeRuns, modelTable, type Row } from './train/report.js';

interface Plan {
  mode: 'epochs' | 'batches';
  batches: number;
  epochs: number;
}

/**
 * How much each contender trains. Fast ones run whole 60,000-row epochs; slow ones (TF.js cpu, the
 * TypeScript backend, TF.js wasm on model B) run "epochs" over a fixed number of batches instead,
 * so that a full run stays within minutes. Always one warm-up epoch first, not counted.
 */
function plan(c: ContenderId, m: ModelId): Plan {
  switch (c) {
    case 'sinew-wasm-relaxed':
    case 'sinew-wasm-simd':
      return { mode: 'epochs', batches: 0, epochs: m === 'A' ? 5 : 3 };
    case 'tfjs-wasm':
      return m === 'A' ? { mode: 'epochs', batches: 0, epochs: 3 } : { mode: 'batches', batches: 100, epochs: 3 };
    case 'tfjs-cpu':
    case 'sinew-js':
      return { mode: 'batches', batches: m === 'A' ? 40 : 12, epochs: 3 };
  }
}

function arg(name: string): string | undefined {
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (!hit) return undefined;
  return hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : 'true';
}

function machine(): string {
  let model = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    const m = /^Model name:\s*(.+)$/m.exec(spawnSync('lscpu', { encoding: 'utf8' }).stdout ?? '');
    if (m) model = m[1].trim();
  } catch {
    /* lscpu is optional */
  }
  const flags = (() => {
    try {
      const f = readFileSync('/proc/cpuinfo', 'utf8');
      return ['avx2', 'fma', 'avx512f'].map((x) => `${x} ${new RegExp(`\\b${x}\\b`).test(f) ? 'yes' : 'no'}`).join(', ');
    } catch {
      return '';
    }
  })();
  return `${model}, ${cores()} cores${flags ? ` (${flags})` : ''}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; Node ${process.version} ${process.execArgv.filter((a) => a.startsWith('--experimental')).join(' ')}`.trim();
}

async function main(): Promise<void> {
  const quick = arg('quick') !== undefined;
  const contenders = (arg('contenders')?.split(',') ?? CONTENDERS) as ContenderId[];
  for (const c of contenders) if (!CONTENDERS.includes(c)) throw new Error(`unknown contender ${c}; expected one of ${CONTENDERS.join(', ')}`);
  const models = (arg('models')?.split(',') ?? ['A', 'B']) as ModelId[];
  for (const m of models) if (!(m in MODELS)) throw new Error(`unknown model ${m}; expected A or B`);
  const maxBusy = Number(arg('max-busy') ?? 0.15);
  const maxWait = Number(arg('max-wait') ?? 900);
  const log = (s: string) => process.stderr.write(s + '\n');

  log(`machine: ${machine()}`);
  log(quick ? 'QUICK run: a few batches per contender, figures are not meaningful' : 'full run');
  const child = fileURLToPath(new URL('./train/child.ts', import.meta.url));
  const peaks: Peak[] = [];
  const peak = async (when: string) => {
    await waitForQuiet(maxBusy, maxWait, log);
    const p = await measurePeak();
    peaks.push(p);
    log(`WASM SIMD peak, one thread (${when}): mul+add ${p.mulAdd.toFixed(1)} GFLOP/s, relaxed_madd ${p.relaxedMadd?.toFixed(1) ?? 'n/a'} GFLOP/s`);
  };
  await peak('before');
  const rows: Partial<Record<ModelId, Row[]>> = {};
  const failures: string[] = [];

  for (const m of models) {
    for (const c of contenders) {
      const p: Plan = quick ? { mode: 'batches', batches: 10, epochs: 1 } : plan(c, m);
      const cfg: RunConfig = {
        contender: c,
        model: MODELS[m],
        ...p,
        latencyCalls: quick ? 20 : 100,
        latencyGroups: quick ? 5 : 41,
        throughputCalls: quick ? 3 : 15,
        seed: 1234,
      };
      log(`model ${m} · ${c}: ${p.mode === 'epochs' ? `1 + ${p.epochs} epochs of 60,000 rows` : `1 + ${p.epochs} epochs of ${p.batches} batches`}`);
      const busyBefore = await waitForQuiet(maxBusy, maxWait, log);
      const s0 = cpuSnapshot();
      const t0 = performance.now();
      // Same Node flags as this process (relaxed SIMD on Node 20, the tsx loader); --expose-gc lets
      // the child collect the data generator's garbage before taking its RSS baseline.
      const run = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', child, JSON.stringify(cfg)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * 2 ** 20,
      });
      const wall = (performance.now() - t0) / 1000;
      const s1 = cpuSnapshot();
      const line = run.stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (run.status !== 0 || !line) {
        const why = (run.stderr || run.stdout).trim().split('\n').slice(-6).join('\n    ');
        failures.push(`model ${m} · ${c}: ${why}`);
        log(`  FAILED (exit ${run.status}):\n    ${why}`);
        continue;
      }
      const result = JSON.parse(line.slice(RESULT_MARK.length)) as RunResult;
      const othersShare = s0 && s1 ? Math.max(0, (busySeconds(s0, s1) - result.cpuSeconds) / (wall * cores())) : undefined;
      (rows[m] ??= []).push({ result, othersShare, busyBefore });
      log(
        `  ${Math.round(result.samplesPerSec).toLocaleString('en-US')} samples/s; loss ${result.losses.map((l) => l.toFixed(3)).join(' → ')}; ` +
          `held-out acc ${(result.testAccuracy * 100).toFixed(1)} %; predict ${result.predictLatencyUs.toFixed(1)} µs; ` +
          `others used ${othersShare === undefined ? '?' : (othersShare * 100).toFixed(0)} % of the CPU; ${wall.toFixed(0)} s`,
      );
      if (result.fetches.length) failures.push(`model ${m} · ${c}: attempted network requests ${result.fetches.join(', ')}`);
    }
  }

  await peak('after');
  const all = Object.values(rows).flat();
  const fmtPeak = (f: (p: Peak) => number | undefined) => peaks.map((p) => f(p)?.toFixed(1) ?? 'n/a').join(' / ');
  const md = [
    `Machine: ${machine()}`,
    `WASM SIMD peak, one thread, before / after the runs (12 register-resident f32x4 chains): ` +
      `mul+add ${fmtPeak((p) => p.mulAdd)} GFLOP/s, relaxed_madd ${fmtPeak((p) => p.relaxedMadd)} GFLOP/s`,
    `Command: node scripts/run.mjs bench/train.bench.ts ${process.argv.slice(2).join(' ')}`.trim(),
    '',
    ...models.filter((m) => rows[m]).flatMap((m) => [modelTable(m, rows[m]!), '']),
    describeRuns(all),
  ].join('\n');
  process.stdout.write(md + '\n');
  const json = arg('json');
  if (json && json !== 'true') writeFileSync(json, JSON.stringify({ machine: machine(), argv: process.argv.slice(2), peaks, rows }, null, 2));
  if (failures.length) {
    log(`\n${failures.length} run(s) failed:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

await main();

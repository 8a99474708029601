// One benchmark run in its own process: one contender × one model. Makes the data, builds the
// model, trains a warm-up epoch then the measured ones, checks it learned (held-out accuracy),
// times predict, and prints one `@@RESULT {json}` line for train.bench.ts to collect.
// Started by bench/train.bench.ts; by hand: node scripts/run.mjs bench/train/child.ts '<RunConfig json>'.

import http from 'node:http';
import https from 'node:https';
import {
  RESULT_MARK,
  measureLatency,
  measureThroughput,
  median,
  peakRss,
  type Contender,
  type ContenderId,
  type RunConfig,
  type RunResult,
} from './contender.js';
import { accuracy, makeDataset, ROWS } from './data.js';
import { BATCH } from './models.js';

const TEST_ROWS = 2000;
const PREDICT_ROWS = 1000;

/** Refuses and records every network request: the benchmark must run with what npm installed. */
function trapNetwork(log: string[]): void {
  globalThis.fetch = (async (input: unknown) => {
    log.push(`fetch ${String(input)}`);
    throw new Error('train benchmark: network access refused');
  }) as typeof fetch;
  for (const mod of [http, https]) {
    const refuse = (...args: unknown[]) => {
      log.push(`${mod === http ? 'http' : 'https'} ${String(args[0])}`);
      throw new Error('train benchmark: network access refused');
    };
    (mod as { request: unknown }).request = refuse;
    (mod as { get: unknown }).get = refuse;
  }
}

async function createContender(id: ContenderId): Promise<Contender> {
  switch (id) {
    case 'tfjs-wasm':
    case 'tfjs-cpu':
      return (await import('./tfjs.js')).createTfjs(id === 'tfjs-wasm' ? 'wasm' : 'cpu');
    case 'sinew-wasm-relaxed':
    case 'sinew-wasm-simd':
    case 'sinew-js':
      return (await import('./sinew.js')).createSinew(id);
  }
}

async function run(cfg: RunConfig): Promise<RunResult> {
  const fetches: string[] = [];
  trapNetwork(fetches);
  const rows = cfg.mode === 'epochs' ? ROWS : cfg.batches * BATCH;
  const train = makeDataset(rows);
  const test = makeDataset(TEST_ROWS, undefined, 1);
  globalThis.gc?.();
  const rssBaseline = process.memoryUsage().rss;

  const c = await createContender(cfg.contender);
  await c.build(cfg.model, cfg.seed);
  await c.setData(train, rows);
  const rssReady = process.memoryUsage().rss;

  const epochSeconds: number[] = [];
  const losses: number[] = [];
  const fitSetupSeconds = await c.fit(1 + cfg.epochs, (s, loss) => {
    epochSeconds.push(s);
    losses.push(loss);
    if (!Number.isFinite(loss)) throw new Error(`${cfg.contender}: loss is ${loss}`);
  });
  if (epochSeconds.length !== 1 + cfg.epochs) throw new Error(`${cfg.contender}: ${epochSeconds.length} epoch callbacks, expected ${1 + cfg.epochs}`);
  const rates = epochSeconds.slice(1).map((s) => rows / s);

  const testAccuracy = accuracy(c.predict(test.x, TEST_ROWS), test.labels);
  const predictLatencyUs = measureLatency(c, test.x.subarray(0, test.x.length / TEST_ROWS), cfg.latencyCalls, cfg.latencyGroups);
  const predictRowsPerSec = measureThroughput(c, test.x.subarray(0, PREDICT_ROWS * (test.x.length / TEST_ROWS)), PREDICT_ROWS, cfg.throughputCalls);

  return {
    contender: cfg.contender,
    model: cfg.model.id,
    info: c.describe(),
    mode: cfg.mode,
    rowsPerEpoch: rows,
    epochSeconds,
    losses,
    fitSetupSeconds,
    samplesPerSec: median(rates),
    samplesPerSecMin: Math.min(...rates),
    samplesPerSecMax: Math.max(...rates),
    testAccuracy,
    predictLatencyUs,
    predictRowsPerSec,
    rssBaseline,
    rssReady,
    rssPeak: peakRss(),
    fetches,
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  };
}

run(JSON.parse(process.argv[2] ?? '') as RunConfig).then(
  (result) => {
    process.stdout.write(RESULT_MARK + JSON.stringify(result) + '\n');
    process.exit(0);
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);

// A real kill during a save: a child `node` (fixtures/save_loop.mjs, importing the built
// dist/io/file_system.js) saves generation after generation into one directory and is SIGKILLed after
// a seeded random 5–200 ms, 30 times on the same directory. After each kill the directory must load a
// consistent pair (every weight float = the generation model.json records) no older than the last
// generation the child reported as committed. And two processes saving into one directory at once
// (fixtures/save_concurrent.mjs): every save commits whole, the directory loads a committed generation
// whenever it is read, also when one of them is SIGKILLed holding the directory's lock.
// Needs `npm run build:ts` (npm test builds first).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readModelJson, readWeightFiles, writeModelFiles } from '../../src/io/file_system.js';
import { Dense, loadModel, Sequential } from '../../src/index.js';
import { initWasm } from '../helpers/models.js';
import { Rng } from '../../src/random.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/save_loop.mjs', import.meta.url));
const MODEL_FIXTURE = fileURLToPath(new URL('./fixtures/save_model_loop.mjs', import.meta.url));
const CONCURRENT_FIXTURE = fileURLToPath(new URL('./fixtures/save_concurrent.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/io/file_system.js', import.meta.url));
// The file layer's sources, any of which the build must be newer than.
const SOURCES = ['file_system', 'atomic_save', 'dir_lock', 'regular_files', 'fs_runtime', 'file_paths', 'weights_record', 'crc32'].map((name) =>
  fileURLToPath(new URL(`../../src/io/${name}.ts`, import.meta.url)),
);
const FLOATS = 512 * 1024;
const KILLS = 30;

let dir: string;

beforeAll(() => {
  const newest = SOURCES.reduce((a, b) => (statSync(a).mtimeMs >= statSync(b).mtimeMs ? a : b));
  if (!existsSync(BUILT) || statSync(BUILT).mtimeMs < statSync(newest).mtimeMs) {
    throw new Error(`${BUILT} is missing or older than ${newest}: run \`npm run build:ts\` first`);
  }
  dir = mkdtempSync(join(tmpdir(), 'sinew-kill-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  reported: number[]; // generations the child printed as committed
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
  filesAtKill: string[];
}

/** Starts the saving child, kills it `delayMs` after it has imported the module, and reports what it printed. */
function runAndKill(first: number, delayMs: number, fixture = FIXTURE, where = dir): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv.filter((a) => a.startsWith('--experimental-wasm')), fixture, where, String(first)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    let filesAtKill: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      // The timer starts once the module is imported, so that kills land in saves, not in start-up.
      if (!timer && stdout.startsWith('ready\n')) {
        timer = setTimeout(() => {
          filesAtKill = readdirSync(where).sort(); // approximately what the kill interrupted
          child.kill('SIGKILL');
        }, delayMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const reported = stdout.split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
      resolve({ reported, signal, code, stderr, filesAtKill });
    });
  });
}

/** What the directory loads: the generation model.json records and the one its weights encode. */
async function loadGeneration(where = dir, floatCount = FLOATS): Promise<number> {
  const { json, dir: base } = await readModelJson(where);
  const j = json as { weightsManifest: { paths: string[] }[]; userDefinedMetadata: { gen: number } };
  const bytes = await readWeightFiles(base, j.weightsManifest.flatMap((g) => g.paths), 4 * floatCount, json);
  expect(bytes.length).toBe(4 * floatCount);
  const floats = new Float32Array(bytes.buffer, bytes.byteOffset, floatCount);
  const gen = j.userDefinedMetadata.gen;
  const wrong = floats.findIndex((f) => f !== gen);
  expect(wrong, `model.json says generation ${gen}, weight ${wrong} is ${floats[wrong]}`).toBe(-1);
  return gen;
}

it(`a process SIGKILLed ${KILLS} times while saving always leaves the last committed generation or the one being saved`, async () => {
  // Generation 0, so that even a kill before the child's first commit leaves a loadable directory.
  await writeModelFiles(dir, {
    format: 'layers-model',
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [FLOATS], dtype: 'float32' }] }],
    userDefinedMetadata: { gen: 0 },
  }, new Uint8Array(4 * FLOATS));
  const rng = new Rng(20_241_127);
  let loaded = 0;
  let midSave = 0; // kills that found temporary or .prev files: the save was interrupted between steps
  let unreported = 0; // kills after a commit but before the child printed it
  for (let i = 0; i < KILLS; i++) {
    const delay = 5 + Math.floor(rng.uniform() * 196);
    const first = loaded + 1;
    const run = await runAndKill(first, delay);
    expect(run.signal, `kill ${i}: the child ended by itself (code ${run.code}): ${run.stderr}`).toBe('SIGKILL');
    const last = run.reported.at(-1) ?? loaded; // committed for sure
    expect(run.reported).toEqual(Array.from({ length: run.reported.length }, (_, k) => first + k));
    const gen = await loadGeneration();
    // At most one save was in progress at the kill: the one after the last reported generation.
    expect(gen, `kill ${i} after ${delay} ms, files ${run.filesAtKill.join(' ')}`).toBeGreaterThanOrEqual(last);
    expect(gen).toBeLessThanOrEqual(last + 1);
    if (gen === last + 1) unreported++;
    if (run.filesAtKill.some((f) => f.endsWith('.tmp') || f.includes('.prev'))) midSave++;
    loaded = gen;
  }
  console.log(`${KILLS} kills: final generation ${loaded}, ${midSave} found a save in progress, ${unreported} landed after a commit before its report`);
  // Nearly all of the child's time after import is spent inside saves; a few kills must land there.
  expect(midSave).toBeGreaterThanOrEqual(5);
}, 60_000);

it('end to end: model.save killed mid-save leaves a directory loadModel reads, all weights of one generation', async () => {
  await initWasm();
  const where = join(dir, 'model');
  const seedModel = new Sequential({ seed: 1, layers: [new Dense(1024, { inputDim: 256, activation: 'relu' }), new Dense(4, { activation: 'softmax' })] });
  seedModel.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  seedModel.setWeights(seedModel.getWeights().map((w) => ({ data: new Float32Array(w.data.length), shape: w.shape })));
  await seedModel.save(where, { includeOptimizer: true }); // generation 0
  const rng = new Rng(7);
  let loaded = 0;
  for (let i = 0; i < 10; i++) {
    const delay = 5 + Math.floor(rng.uniform() * 146);
    const run = await runAndKill(loaded + 1, delay, MODEL_FIXTURE, where);
    expect(run.signal, `kill ${i}: the child ended by itself (code ${run.code}): ${run.stderr}`).toBe('SIGKILL');
    const last = run.reported.at(-1) ?? loaded;
    const model = await loadModel(where);
    const values = new Set(model.getWeights().flatMap((w) => [...new Set(w.data)]));
    expect(values.size, `kill ${i}: weights of several generations: ${[...values].slice(0, 5).join(', ')}`).toBe(1);
    const gen = [...values][0];
    expect(gen).toBeGreaterThanOrEqual(last);
    expect(gen).toBeLessThanOrEqual(last + 1);
    expect(model.optimizer?.getConfig().learningRate).toBe(0.001);
    model.dispose();
    loaded = gen;
  }
  expect(loaded, 'the child committed saves between the kills').toBeGreaterThanOrEqual(3);
}, 60_000);

// ---- two processes at once -------------------------------------------------------------------

const CONCURRENT_FLOATS = 64 * 1024;

interface Saver {
  child: ChildProcess;
  reported: number[];
  stderr: string;
  /** Resolves when the child has ended (and been reaped, so its pid is dead). */
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts fixtures/save_concurrent.mjs saving `count` generations (0: until killed) from `first`. */
function startSaver(where: string, first: number, count: number): Saver {
  const child = spawn(process.execPath, [CONCURRENT_FIXTURE, where, String(first), String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const saver: Saver = { child, reported: [], stderr: '', ended: undefined as never };
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    const lines = out.split('\n');
    out = lines.pop()!;
    for (const line of lines) if (/^\d+$/.test(line)) saver.reported.push(Number(line));
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (saver.stderr += chunk));
  saver.ended = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return saver;
}

/**
 * The generation the directory loads. A reader racing a commit can find model.json replaced between
 * reading it and reading its weights; that is a retry (model.json changed), never a broken directory
 * (a failure with model.json unchanged fails the test).
 */
async function loadCommitted(where: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const before = readFileSync(join(where, 'model.json'), 'utf8');
    try {
      return await loadGeneration(where, CONCURRENT_FLOATS);
    } catch (e) {
      if (readFileSync(join(where, 'model.json'), 'utf8') === before || attempt >= 50) throw e;
    }
  }
}

/** Loads the directory in a loop until `until` settles; returns every generation seen. */
async function pollWhile(where: string, until: Promise<unknown>): Promise<number[]> {
  let running = true;
  void until.finally(() => (running = false));
  const seen: number[] = [];
  while (running) {
    seen.push(await loadCommitted(where));
    await new Promise((r) => setTimeout(r, 2));
  }
  return seen;
}

async function writeGenerationZero(where: string): Promise<void> {
  await writeModelFiles(where, {
    format: 'layers-model',
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [CONCURRENT_FLOATS], dtype: 'float32' }] }],
    userDefinedMetadata: { gen: 0 },
  }, new Uint8Array(4 * CONCURRENT_FLOATS));
}

it('two processes saving into one directory at once: every save commits whole, every read loads a committed generation', async () => {
  const where = join(dir, 'two');
  await writeGenerationZero(where);
  const a = startSaver(where, 1000, 25);
  const b = startSaver(where, 2000, 25);
  const both = Promise.all([a.ended, b.ended]);
  const seen = await pollWhile(where, both);
  const [ea, eb] = await both;
  expect(ea, `first saver: ${a.stderr}`).toEqual({ code: 0, signal: null });
  expect(eb, `second saver: ${b.stderr}`).toEqual({ code: 0, signal: null });
  expect(a.reported).toEqual(Array.from({ length: 25 }, (_, k) => 1000 + k));
  expect(b.reported).toEqual(Array.from({ length: 25 }, (_, k) => 2000 + k));
  for (const gen of seen) expect(gen === 0 || (gen >= 1000 && gen < 1025) || (gen >= 2000 && gen < 2025), `loaded generation ${gen}`).toBe(true);
  // The last commit is one of the two last saves.
  expect([1024, 2024]).toContain(await loadCommitted(where));
  expect(readdirSync(where).sort()).toEqual(['model.json', 'weights.bin']);
  console.log(`two savers: ${seen.length} reads during the saves, ${new Set(seen).size} generations seen`);
}, 60_000);

it('two processes, one SIGKILLed while both save: the other breaks the dead lock and commits every save', async () => {
  const where = join(dir, 'two-killed');
  await writeGenerationZero(where);
  const rng = new Rng(5);
  let conclusive = 0;
  for (let round = 0; round < 6; round++) {
    const victim = startSaver(where, 10_000 + 1000 * round, 0);
    const survivor = startSaver(where, 50_000 + 1000 * round, 30);
    // Kill once both are under way: the victim then holds the lock about half of the time.
    let ended = false;
    void Promise.race([victim.ended, survivor.ended]).then(() => (ended = true));
    while ((victim.reported.length < 1 || survivor.reported.length < 1) && !ended) await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => setTimeout(r, Math.floor(rng.uniform() * 10)));
    victim.child.kill('SIGKILL');
    const leftAtKill = 30 - survivor.reported.length;
    const [ev, es] = await Promise.all([victim.ended, survivor.ended]);
    expect(ev.signal, `round ${round}: the victim ended by itself: ${victim.stderr}`).toBe('SIGKILL');
    expect(es, `round ${round}: the survivor failed: ${survivor.stderr}`).toEqual({ code: 0, signal: null });
    expect(survivor.reported).toEqual(Array.from({ length: 30 }, (_, k) => 50_000 + 1000 * round + k));
    const gen = await loadCommitted(where);
    if (leftAtKill >= 5) {
      // The survivor saved after the kill (a margin for reports still in the pipe), so its last save is the last commit.
      expect(gen, `round ${round}`).toBe(50_000 + 1000 * round + 29);
      // ...and it cleaned up whatever the victim left (its lock, temporary files).
      expect(readdirSync(where).sort(), `round ${round}`).toEqual(['model.json', 'weights.bin']);
      conclusive++;
    } else {
      // The victim was killed after the survivor's last save: its leftovers stay for the next save.
      expect([50_000 + 1000 * round + 29, ...victim.reported]).toContain(gen);
    }
  }
  expect(conclusive, 'rounds where the kill came before the survivor was done').toBeGreaterThanOrEqual(3);
}, 60_000);

// A model file is input from outside: this fuzzes the loader with thousands of seeded mutants of valid
// saved models (tree edits, wrong types, edge numbers, huge shapes, deep nests, prototype keys, bad
// bytes, broken model.json text, odd manifest paths), in memory (fromArtifacts) and on disk (loadModel).
// Each must end in a plain Error naming the field, or in a model whose weights are exactly the file's
// and whose outputs are sound; never another error class, a hang, a leak in the backend's arena, or a
// change to the models already living in the same memory. Targeted cases pin the exact messages.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Activation, Adam, Dense, Dropout, fromArtifacts, l1l2, loadModel, Sequential, SGD, SinewError, type ModelArtifacts, type WeightTensor } from '../../src/index.js';
import type { Backend } from '../../src/backend/backend.js';
import { createJsBackend } from '../../src/backend/js/index.js';
import { toModelJson } from '../../src/io/artifacts.js';
import { crc32 } from '../../src/io/crc32.js';
import { deriveSeed, Rng } from '../../src/random.js';
import { createBackend } from '../../src/runtime/init.js';
import { blobs, initWasm, randomRows } from '../helpers/models.js';
import { deepCopy, isObject, mutant, nested, mutateHostile, mutateNeutral, mutatePaths, mutateText, pick, setOwn, type Mutant } from '../helpers/mutate.js';

const SEED = 0x5eed_10ad;
const MEMORY_CASES = 5000;
const FILE_CASES = 300;
/** Any one load (and its checks) must finish well within this; a hang or a quadratic walk would not. */
const MAX_CASE_MS = 2000;
/** The whole in-memory run; about 5 s on the 2-core machine (see the report). */
const MAX_MEMORY_RUN_MS = 30_000;
/** A loaded model whose weights stay within this bound must predict finite numbers for inputs in [-1, 1]. */
const SANE_WEIGHT = 1e3;

const X = randomRows(5, 6, 99);
const TRAIN = blobs(8, 6, 3, 5);

type Kind = 'wasm' | 'js';
type Owner = 'fromArtifacts' | 'loadModel';

/** A valid saved model the mutants start from, with what loading it must give. */
interface Base {
  name: string;
  json: Record<string, unknown>;
  bytes: Uint8Array;
  width: number;
  predictions: Record<Kind, Float32Array>;
  weights: WeightTensor[];
  optimizer?: { config: Record<string, unknown>; iterations: number; slots: Float32Array[] };
}

/** A backend shared by many loads, with a model loaded first that must stay untouched. */
interface Shared {
  kind: Kind;
  backend: Backend;
  reference: Sequential;
  predictions: Float32Array;
  weights: WeightTensor[];
  slots: Float32Array[];
  /** The arena top once the reference is in place: every load must give back what it took. */
  top: number;
}

let bases: Base[];
const shared = {} as Record<Kind, Shared>;
let scratch: string;

function layersA(): (Dense | Dropout | Activation)[] {
  return [
    new Dense(16, { inputDim: 6, activation: 'relu', kernelInitializer: 'heNormal', kernelRegularizer: l1l2({ l1: 1e-4, l2: 1e-3 }) }),
    new Dropout(0.25),
    new Dense(8, { activation: { name: 'leakyRelu', alpha: 0.05 } }),
    new Activation({ name: 'leakyRelu', alpha: 0.1 }),
    new Dense(3),
    new Activation('softmax'),
  ];
}
function layersB(): (Dense | Dropout | Activation)[] {
  return [
    new Dense(12, { inputDim: 6, activation: 'tanh' }),
    new Activation({ name: 'elu', alpha: 0.5 }),
    new Dropout(0.1, { seed: 7 }),
    new Dense(4, { activation: 'sigmoid' }),
    new Dense(3, { activation: 'linear' }),
  ];
}
function layersC(): (Dense | Dropout | Activation)[] {
  return [new Dense(10, { inputDim: 6, activation: 'gelu' }), new Dense(5, { activation: 'silu', useBias: false }), new Activation('relu'), new Dense(3, { activation: 'elu' })];
}

function bitsOf(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}
function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && bitsOf(a).every((v, i) => v === bitsOf(b)[i]);
}
function sameTensors(a: WeightTensor[], b: WeightTensor[]): boolean {
  return a.length === b.length && a.every((t, i) => sameBits(t.data, b[i].data) && t.shape.join() === b[i].shape.join());
}
function bytesOfArtifacts(a: ModelArtifacts): Uint8Array {
  return new Uint8Array((a.weightData as ArrayBuffer).slice(0));
}

async function makeBase(name: string, layers: (Dense | Dropout | Activation)[], compile: ((m: Sequential) => void) | undefined, tfjsOnly = false): Promise<Base> {
  const model = new Sequential({ seed: 21, name, layers });
  if (compile) {
    compile(model);
    await model.fit(TRAIN.x, TRAIN.oneHot, { epochs: 2, batchSize: 4, verbose: 0 });
  }
  const artifacts = model.toArtifacts({ includeOptimizer: compile !== undefined });
  const json = deepCopy(toModelJson(artifacts, 'weights.bin')) as unknown as Record<string, unknown>;
  // TF.js writes no sinew record: the optimizer then comes from trainingConfig.
  if (tfjsOnly) delete json.userDefinedMetadata;
  const bytes = bytesOfArtifacts(artifacts);
  const predictions = {} as Record<Kind, Float32Array>;
  for (const kind of ['wasm', 'js'] as const) {
    const loaded = fromArtifacts({ ...artifacts, ...(tfjsOnly ? { userDefinedMetadata: undefined } : {}) }, kind === 'js' ? { backend: createJsBackend() } : {});
    predictions[kind] = loaded.predict(X).data;
    loaded.dispose();
  }
  expect(predictions.wasm).toEqual(model.predict(X).data);
  const base: Base = { name, json, bytes, width: model.outputShape![1]!, predictions, weights: model.getWeights() };
  if (compile) base.optimizer = { config: model.optimizer!.getConfig() as Record<string, unknown>, iterations: model.optimizer!.iterations, slots: model.state.optimizerSlots().map((v) => new Float32Array(v)) }; // copies: the slots are live views
  model.dispose();
  return base;
}

beforeAll(async () => {
  await initWasm();
  bases = [
    await makeBase('adam_mix', layersA(), (m) => m.compile({ optimizer: new Adam({ learningRate: 0.01, clipNorm: 1 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] })),
    // Without clipping, so TF.js's trainingConfig is written beside the sinew record (and must agree with it).
    await makeBase('adam_plain', layersA(), (m) => m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] })),
    await makeBase('adam_tfjs', layersA(), (m) => m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] }), true),
    await makeBase('sgd_momentum', layersB(), (m) => m.compile({ optimizer: new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }), loss: 'meanSquaredError', metrics: ['mae'] })),
    await makeBase('weights_only', layersC(), undefined),
  ];
  for (const kind of ['wasm', 'js'] as const) {
    const backend = kind === 'js' ? createJsBackend() : createBackend();
    const b = bases[0];
    const reference = fromArtifacts(artifactsOf(mutant(b.json, b.bytes)).artifacts as ModelArtifacts, { backend });
    const predictions = reference.predict(X).data;
    shared[kind] = { kind, backend, reference, predictions, weights: reference.getWeights(), slots: reference.state.optimizerSlots().map((v) => new Float32Array(v)), top: backend.arena.top };
  }
  scratch = mkdtempSync(join(tmpdir(), 'sinew-fuzz-'));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

// ---- from a mutant to the loader's input ---------------------------------------------------------

/** The weight specs a model.json's manifest lists (garbage passes through as it is). */
function specsOf(manifest: unknown): unknown {
  if (!Array.isArray(manifest)) return manifest;
  if (manifest.length === 1 && isObject(manifest[0])) return manifest[0].weights;
  return manifest.flatMap((g) => (isObject(g) && Array.isArray(g.weights) ? g.weights : [g]));
}

/** In-memory artifacts for a mutant, and the bytes the loader should see (undefined when weightData is not bytes). */
function artifactsOf(m: Mutant): { artifacts: unknown; bytes: Uint8Array | undefined; specs: unknown } {
  let value: unknown;
  let bytes: Uint8Array | undefined = m.bytes;
  if (m.weightData) {
    value = m.weightData.value;
    bytes = ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : undefined;
  } else if (m.cuts) {
    const ends = [0, ...m.cuts, m.bytes.length];
    value = ends.slice(1).map((end, i) => m.bytes.slice(ends[i], end).buffer);
  } else if (m.viewOffset !== undefined) {
    const buffer = new Uint8Array(m.bytes.length + m.viewOffset + 3).fill(0xff); // NaN bytes around the view
    buffer.set(m.bytes, m.viewOffset);
    value = buffer.subarray(m.viewOffset, m.viewOffset + m.bytes.length);
  } else {
    value = m.bytes.slice().buffer;
  }
  const root = m.holder.root;
  if (!isObject(root)) return { artifacts: root, bytes, specs: undefined };
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(root)) if (k !== 'weightsManifest') setOwn(out, k, root[k]);
  const specs = specsOf(root.weightsManifest);
  setOwn(out, 'weightSpecs', specs);
  setOwn(out, 'weightData', value);
  return { artifacts: out, bytes, specs };
}

// ---- judging one outcome -----------------------------------------------------------------------

/** Why an error is not a clean one, or undefined: exactly Error, owner prefix, a named field (or the file), bounded. */
function errorProblem(e: unknown, owner: Owner): string | undefined {
  if (!(e instanceof Error)) return `threw a non-Error: ${String(e).slice(0, 200)}`;
  const msg = e.message;
  if (!(e instanceof SinewError)) return `threw ${e.constructor.name}: ${msg.slice(0, 300)}`;
  if (msg.length > 1500) return `a message of ${msg.length} characters: ${msg.slice(0, 200)}…`;
  // The file layer (file_system.ts, its messages re-owned by loadModel) names the file or the manifest entry instead.
  const namesFile = owner === 'loadModel' && (msg.includes(scratch) || msg.includes('weightsManifest'));
  if (msg.startsWith(`${owner}: `)) return /`[^`]+`|^\w+: expected the top level to be/.test(msg) || namesFile ? undefined : `names no field: ${msg}`;
  return `not '${owner}: …' with a field: ${msg.slice(0, 300)}`;
}

const INFERENCE_NEUTRAL = [
  /^(trainingConfig|userDefinedMetadata|generatedBy|convertedBy)\b/,
  /^modelTopology(\.model_config)?\.config\.layers\[\d+\]\.config\.(kernel_initializer|bias_initializer|kernel_regularizer|bias_regularizer|activity_regularizer|kernel_constraint|bias_constraint|trainable|dtype|rate|seed|noise_shape|extra)\b/,
  /^modelTopology(\.model_config)?\.(keras_version|backend)\b/,
];

/** The file's value of every weight of `model`, read here independently of the loader. */
function weightsProblem(model: Sequential, specs: unknown, bytes: Uint8Array | undefined): string | undefined {
  if (!Array.isArray(specs) || !bytes) return `loaded, but the harness sees no well-formed specs/bytes (${typeof specs})`;
  const offsets: number[] = [];
  let at = 0;
  for (const s of specs as { shape: number[] }[]) {
    offsets.push(at);
    at += s.shape.reduce((n, d) => n * d, 1) * 4;
  }
  if (at !== bytes.length) return `loaded with ${bytes.length} bytes for specs of ${at}`;
  const got = model.getWeights();
  let w = 0;
  for (const weight of model.weights) {
    {
      const want = weight.name;
      const p = weight;
      const hits = (specs as { name: string; group?: string }[]).map((s, i) => (s.group !== 'optimizer' && (s.name === want || s.name.endsWith(`/${want}`)) ? i : -1)).filter((i) => i >= 0);
      if (hits.length !== 1) return `loaded, but ${hits.length} specs name ${want}`;
      const n = p.shape.reduce((a, d) => a * d, 1);
      const view = new DataView(bytes.buffer, bytes.byteOffset + offsets[hits[0]], n * 4);
      const fileValues = Float32Array.from({ length: n }, (_, k) => view.getFloat32(k * 4, true));
      if (!sameBits(got[w].data, fileValues)) return `weight ${want} differs from the file's bytes at spec ${hits[0]}`;
      w++;
    }
  }
  return w === got.length ? undefined : `getWeights() has ${got.length} tensors, the layers ${w}`;
}

interface Outcome {
  kind: Kind;
  backend: Backend | undefined;
  started: number;
}

/** Checks a loaded model; returns a problem or undefined. Disposes it. */
async function modelProblem(model: Sequential, base: Base, m: Mutant, specs: unknown, bytes: Uint8Array | undefined, o: Outcome, train: boolean): Promise<string | undefined> {
  try {
    if (!(model instanceof Sequential)) return 'resolved to something other than a Sequential';
    const bad = weightsProblem(model, specs, bytes);
    if (bad) return bad;
    const out = model.predict(X);
    if (out.shape[0] !== X.length || out.shape[1] !== base.width) return `predicts shape [${out.shape.join(', ')}], the file's model outputs ${base.width}`;
    const sane = model.getWeights().every((t) => t.data.every((v) => Math.abs(v) <= SANE_WEIGHT));
    if (sane && !out.data.every(Number.isFinite)) return 'weights within ±1e3 but predictions not finite';
    const sameMeaning = m.neutral || m.touched.every((p) => INFERENCE_NEUTRAL.some((r) => r.test(p)));
    if (sameMeaning && !sameBits(out.data, base.predictions[o.kind])) return `predictions differ from the original's after ${m.neutral ? 'a neutral mutation' : 'mutating only fields that do not affect inference'}`;
    if (m.neutral) {
      if (!sameTensors(model.getWeights(), base.weights)) return 'weights differ from the original after a neutral mutation';
      if (base.optimizer) {
        const opt = model.optimizer;
        if (!opt) return 'the optimizer is gone after a neutral mutation';
        if (JSON.stringify(opt.getConfig()) !== JSON.stringify(base.optimizer.config)) return `optimizer config differs: ${JSON.stringify(opt.getConfig())}`;
        if (opt.iterations !== base.optimizer.iterations) return `iterations ${opt.iterations}, originally ${base.optimizer.iterations}`;
        const slots = model.state.optimizerSlots().map((v) => new Float32Array(v));
        if (slots.length !== base.optimizer.slots.length || !slots.every((s, i) => sameBits(s, base.optimizer!.slots[i]))) return 'optimizer slots differ after a neutral mutation';
      } else if (model.optimizer) return 'an optimizer appeared after a neutral mutation';
    }
    // A restored optimizer must be usable: one short epoch (its kernels run over the restored slots).
    if (train && model.optimizer) {
      const sparse = model.state.compiled!.loss.kind === 'sparseCce';
      try {
        await model.fit(TRAIN.x, sparse ? TRAIN.ids : TRAIN.oneHot, { epochs: 1, batchSize: 8, verbose: 0 });
      } catch (e) {
        // A legitimate refusal (a NaN loss, targets that do not suit a mutated loss) is a plain Error.
        if (!(e instanceof SinewError) || e.owner !== 'fit') return `fit after loading threw ${(e as Error).constructor.name}: ${(e as Error).message}`;
      }
    }
    return undefined;
  } finally {
    model.dispose();
  }
}

/** Problems found, with what it takes to replay them. */
const problems: string[] = [];
const stats = { loaded: 0, refused: 0, neutral: 0, maxMs: 0, slowest: '', messages: new Map<string, number>() };

function record(label: string, m: Mutant, problem: string | undefined): void {
  if (problem) problems.push(`${label} [${m.ops.join(' + ')}] at ${m.touched.slice(0, 3).join(', ') || '-'}: ${problem}`);
}

function leakProblem(o: Outcome): string | undefined {
  if (!o.backend) return undefined;
  const top = o.backend.arena.top;
  return top === shared[o.kind].top ? undefined : `the shared ${o.kind} arena top moved from ${shared[o.kind].top} to ${top}`;
}

function timed(label: string, o: Outcome): void {
  const ms = performance.now() - o.started;
  if (ms > stats.maxMs) {
    stats.maxMs = ms;
    stats.slowest = label;
  }
}

function noteMessage(e: unknown): void {
  const msg = (e as Error).message ?? String(e);
  const shape = msg.replace(/received .*/s, 'received …').replace(/\d+/g, '#').slice(0, 160);
  stats.messages.set(shape, (stats.messages.get(shape) ?? 0) + 1);
}

/** Which backend a case loads on: mostly the shared ones (leaks and stray writes show there), some fresh. */
function outcomeFor(rng: Rng): Outcome {
  const r = rng.uniform();
  const kind: Kind = r < 0.3 ? 'js' : 'wasm';
  const backend = r < 0.9 ? shared[kind].backend : undefined;
  return { kind, backend, started: performance.now() };
}

async function memoryCase(i: number): Promise<void> {
  const rng = new Rng(deriveSeed(SEED, i));
  const base = pick(rng, bases);
  const m = mutant(base.json, base.bytes);
  if (rng.uniform() < 0.12) mutateNeutral(rng, m, { inMemory: true });
  else mutateHostile(rng, m, { inMemory: true });
  const { artifacts, bytes, specs } = artifactsOf(m);
  const label = `memory case ${i} (${base.name})`;
  const o = outcomeFor(rng);
  let model: Sequential | undefined;
  try {
    model = fromArtifacts(artifacts as ModelArtifacts, o.backend ? { backend: o.backend } : {});
  } catch (e) {
    stats.refused++;
    noteMessage(e);
    record(label, m, m.neutral ? `a neutral mutation was refused: ${(e as Error).message}` : errorProblem(e, 'fromArtifacts'));
  }
  if (model) {
    stats.loaded++;
    if (m.neutral) stats.neutral++;
    record(label, m, await modelProblem(model, base, m, specs, bytes, o, i % 5 === 0));
  }
  record(label, m, leakProblem(o));
  timed(label, o);
}

/** Writes a mutant as model.json (+ weights.bin) into a fresh directory; returns the directory and the text mutation, if any. */
function writeCase(dir: string, rng: Rng, m: Mutant, base: Base): { textOp?: string; textNeutral: boolean } {
  mkdirSync(join(dir, 'subdir'), { recursive: true });
  const root = m.holder.root;
  const r = rng.uniform();
  // Sometimes the file layer's CRC record: of the bytes written (the loader's own checks then judge
  // them) or of the original bytes (byte mutations must then meet the CRC check).
  if (r < 0.25 && isObject(root) && isObject(root.userDefinedMetadata) && isObject(root.userDefinedMetadata.sinew)) {
    const recorded = m.neutral || r < 0.12 ? m.bytes : base.bytes;
    root.userDefinedMetadata.sinew.weightsCrc32 = crc32(recorded);
    root.userDefinedMetadata.sinew.weightsBytes = recorded.length;
  }
  writeFileSync(join(dir, 'weights.bin'), m.bytes);
  let text = JSON.stringify(root) ?? '';
  let textOp: string | undefined;
  let textNeutral = true;
  if (rng.uniform() < 0.3) {
    const t = mutateText(rng, text);
    text = t.text;
    textOp = t.op;
    textNeutral = t.neutral;
  }
  writeFileSync(join(dir, 'model.json'), text);
  return { textOp, textNeutral };
}

/** What the loader should read as weights: the files the manifest names, concatenated (read here with node:fs). */
function filesBytes(dir: string, root: unknown): Uint8Array | undefined {
  if (!isObject(root) || !Array.isArray(root.weightsManifest)) return undefined;
  const parts: Uint8Array[] = [];
  for (const g of root.weightsManifest) {
    if (!isObject(g) || !Array.isArray(g.paths)) return undefined;
    for (const p of g.paths) {
      try {
        const file = join(dir, String(p));
        if (!statSync(file).isFile()) return undefined;
        parts.push(readFileSync(file));
      } catch {
        return undefined;
      }
    }
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function fileCase(i: number): Promise<void> {
  const rng = new Rng(deriveSeed(SEED ^ 0xf11e, i));
  const base = pick(rng, bases);
  const m = mutant(base.json, base.bytes);
  const r = rng.uniform();
  if (r < 0.15) mutateNeutral(rng, m, { inMemory: false });
  else if (r < 0.35) mutatePaths(rng, m);
  else if (r < 0.65) mutateHostile(rng, m, { inMemory: false });
  const dir = join(scratch, `case${i}`);
  const { textOp, textNeutral } = writeCase(dir, rng, m, base);
  if (textOp) m.ops.push(textOp);
  if (!textNeutral) m.neutral = false;
  if (m.ops.length === 0) m.ops.push('none');
  const label = `file case ${i} (${base.name})`;
  const o = outcomeFor(rng);
  let model: Sequential | undefined;
  try {
    model = await loadModel(rng.uniform() < 0.5 ? dir : join(dir, 'model.json'), o.backend ? { backend: o.backend } : {});
  } catch (e) {
    stats.refused++;
    noteMessage(e);
    record(label, m, m.neutral ? `a neutral mutation was refused: ${(e as Error).message}` : errorProblem(e, 'loadModel'));
  }
  if (model) {
    stats.loaded++;
    if (m.neutral) stats.neutral++;
    // Text mutations change what was parsed; judge against the parsed file.
    let root = m.holder.root;
    try {
      root = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    } catch {
      // unreachable when the load succeeded
    }
    record(label, m, await modelProblem(model, base, m, specsOf(isObject(root) ? root.weightsManifest : undefined), filesBytes(dir, root), o, i % 5 === 0));
  }
  record(label, m, leakProblem(o));
  timed(label, o);
  rmSync(dir, { recursive: true, force: true });
}

/** The reference models loaded first on the shared backends still predict and hold exactly what they did. */
function referenceProblems(): string[] {
  const out: string[] = [];
  // Mutants carry own '__proto__' keys holding { polluted: true }: no copy may have set a prototype.
  if ('polluted' in {} || 'polluted' in []) out.push('Object.prototype or Array.prototype was polluted');
  for (const s of Object.values(shared)) {
    if (!sameBits(s.reference.predict(X).data, s.predictions)) out.push(`the ${s.kind} reference model's predictions changed`);
    if (!sameTensors(s.reference.getWeights(), s.weights)) out.push(`the ${s.kind} reference model's weights changed`);
    const slots = s.reference.state.optimizerSlots().map((v) => new Float32Array(v));
    if (!slots.every((b, i) => sameBits(b, s.slots[i]))) out.push(`the ${s.kind} reference model's optimizer slots changed`);
    if (s.backend.arena.top !== s.top) out.push(`the ${s.kind} arena top is ${s.backend.arena.top}, was ${s.top}`);
  }
  return out;
}

function report(title: string, ms: number, cases: number): void {
  if (!process.env.FUZZ_REPORT) return;
  const top = [...stats.messages.entries()].sort((a, b) => b[1] - a[1]);
  console.log(`${title}: ${cases} cases in ${ms.toFixed(0)} ms; loaded ${stats.loaded} (${stats.neutral} neutral), refused ${stats.refused}; slowest ${stats.maxMs.toFixed(1)} ms (${stats.slowest})`);
  console.log(`shared arenas: wasm ${shared.wasm.backend.arena.capacity} bytes, js ${shared.js.backend.arena.capacity} bytes`);
  console.log(top.map(([msg, n]) => `${String(n).padStart(5)}  ${msg}`).join('\n'));
}

function resetStats(): void {
  problems.length = 0;
  Object.assign(stats, { loaded: 0, refused: 0, neutral: 0, maxMs: 0, slowest: '', messages: new Map() });
}

describe('loader fuzz', () => {
  it('the judge itself notices weights that are not the file\'s and errors that are not clean', () => {
    const m = mutant(bases[0].json, bases[0].bytes);
    const { artifacts, specs, bytes } = artifactsOf(m);
    const model = fromArtifacts(artifacts as ModelArtifacts, { backend: createJsBackend() });
    expect(weightsProblem(model, specs, bytes)).toBeUndefined();
    const flipped = bytes!.slice();
    flipped[5] ^= 0x10;
    expect(weightsProblem(model, specs, flipped)).toMatch(/^weight dense\/kernel differs from the file's bytes/);
    model.dispose();
    expect(errorProblem(new SinewError('fromArtifacts: expected `units` to be an integer, received 0'), 'fromArtifacts')).toBeUndefined();
    expect(errorProblem(new TypeError("fromArtifacts: expected `units`"), 'fromArtifacts')).toMatch(/^threw TypeError/);
    expect(errorProblem(new Error('fromArtifacts: expected `units` to be an integer, received 0'), 'fromArtifacts')).toMatch(/^threw Error/);
    expect(errorProblem(new SinewError("unknown loss 'x'"), 'fromArtifacts')).toMatch(/^not 'fromArtifacts: …'/);
    expect(errorProblem(new SinewError('fromArtifacts: something went wrong'), 'fromArtifacts')).toMatch(/^names no field/);
  });

  it(`${MEMORY_CASES} mutated artifacts: each loads soundly or fails with a plain Error naming the field`, async () => {
    resetStats();
    const t0 = performance.now();
    for (let i = 0; i < MEMORY_CASES; i++) await memoryCase(i);
    const ms = performance.now() - t0;
    report('in memory', ms, MEMORY_CASES);
    expect({ problems: problems.length, first: problems.slice(0, 15) }).toEqual({ problems: 0, first: [] });
    expect(referenceProblems()).toEqual([]);
    // Enough of both outcomes that the fuzz is testing something.
    expect(stats.loaded).toBeGreaterThan(MEMORY_CASES / 20);
    expect(stats.refused).toBeGreaterThan(MEMORY_CASES / 2);
    expect(stats.maxMs).toBeLessThan(MAX_CASE_MS);
    expect(ms).toBeLessThan(MAX_MEMORY_RUN_MS);
    // No mutant grew a shared memory beyond what these small models need (128 KiB here): a file
    // cannot make the loader allocate more than its own bytes justify.
    expect(shared.wasm.backend.arena.capacity).toBeLessThan(4 * 1024 * 1024);
    expect(shared.js.backend.arena.capacity).toBeLessThan(4 * 1024 * 1024);
  }, 120_000);

  it(`${FILE_CASES} mutated model directories: loadModel loads soundly or fails with a plain Error naming the field or file`, async () => {
    resetStats();
    const t0 = performance.now();
    for (let i = 0; i < FILE_CASES; i++) await fileCase(i);
    const ms = performance.now() - t0;
    report('on disk', ms, FILE_CASES);
    expect({ problems: problems.length, first: problems.slice(0, 15) }).toEqual({ problems: 0, first: [] });
    expect(referenceProblems()).toEqual([]);
    expect(stats.loaded).toBeGreaterThan(FILE_CASES / 10);
    expect(stats.refused).toBeGreaterThan(FILE_CASES / 3);
    expect(stats.maxMs).toBeLessThan(MAX_CASE_MS);
  }, 120_000);
});

// ---- targeted cases: the messages users see for the mistakes that matter most ----------------------

/** Loads the base named `name` after `edit`; returns the message it fails with. */
function refusal(name: string, edit: (json: Record<string, unknown>, bytes: Uint8Array) => Uint8Array | void): string {
  const base = bases.find((b) => b.name === name)!;
  const m = mutant(base.json, base.bytes);
  m.bytes = edit(m.holder.root as Record<string, unknown>, m.bytes) ?? m.bytes;
  try {
    fromArtifacts(artifactsOf(m).artifacts as ModelArtifacts).dispose();
  } catch (e) {
    expect(e).toBeInstanceOf(SinewError);
    return (e as Error).message;
  }
  throw new Error('loaded');
}

/** Loose access for hand edits of a parsed model.json. */
type Json = Record<string, any>;
const layer0 = (j: Json): Json => j.modelTopology.config.layers[0].config;
const spec = (j: Json, i: number): Json => j.weightsManifest[0].weights[i];

describe('loader messages', () => {
  it.each<[string, string, (j: Json, bytes: Uint8Array) => Uint8Array | void, string]>([
    ['weight bytes shorter than the manifest', 'adam_mix', (_j, bytes) => bytes.slice(0, bytes.length - 4),
      "fromArtifacts: expected `weightData` to be 3304 bytes (the sum of the manifest's tensors: 19 tensors, 4 bytes per value), received 3300 bytes"],
    ['unknown layer class', 'adam_mix', (j) => void (j.modelTopology.config.layers[1].class_name = 'Conv2D'),
      "fromArtifacts: expected `modelTopology.config.layers[1].class_name` to be 'Dense' or 'Dropout' or 'Activation' or 'ReLU' or 'LeakyReLU' or 'ELU' or 'Softmax' or 'Flatten' or 'Reshape' or 'BatchNormalization' or 'LayerNormalization' or 'GaussianNoise' or 'GaussianDropout' or 'InputLayer', received 'Conv2D'"],
    ['unsupported activation', 'adam_mix', (j) => void (layer0(j).activation = 'selu'),
      "fromArtifacts: expected `modelTopology.config.layers[0].config.activation` to be one of 'linear', 'relu', 'leaky_relu', 'sigmoid', 'tanh', 'elu', 'gelu_new', 'swish', 'silu', 'softmax', 'sinew_elu', 'sinew_leaky_relu', received 'selu'"],
    ['shape in the manifest differs from the topology', 'adam_mix', (j) => void (spec(j, 0).shape = [16, 6]),
      "fromArtifacts: expected `weightSpecs[0].shape` to be [6, 16] (from the topology), received [16, 6]"],
    ['float16 weights', 'adam_mix', (j) => void (spec(j, 0).dtype = 'float16'),
      "fromArtifacts: expected `weightSpecs[0].dtype` to be 'float32' (sinew stores weights as float32; convert other dtypes before loading), received 'float16'"],
    ['a __proto__ key', 'adam_mix', (j) => setOwn(layer0(j), '__proto__', { units: 1 }),
      "fromArtifacts: expected `modelTopology.config.layers[0].config` to be an object without a '__proto__' key, received one with '__proto__'"],
    ['a constructor key', 'adam_mix', (j) => void (j.modelTopology.constructor = { name: 'Evil' }),
      "fromArtifacts: expected `modelTopology` to be an object without a 'constructor' key, received one with 'constructor'"],
    ['missing batch_input_shape', 'adam_mix', (j) => void delete layer0(j).batch_input_shape,
      "fromArtifacts: expected `modelTopology.config.layers[0].config.batch_input_shape` to be [null, features] on the first layer (the input width is needed to place the weights), received undefined"],
    ['NaN in the weights', 'adam_mix', (_j, bytes) => void new DataView(bytes.buffer).setUint32(12, 0x7fc00000, true),
      "fromArtifacts: expected `weightSpecs[0] (dense/kernel) values` to be finite numbers, received NaN at index 3"],
    ['a huge width', 'adam_mix', (j) => void (layer0(j).units = 2 ** 31),
      "fromArtifacts: expected `modelTopology.config.layers[0].config.units` to be an integer in [1, 1048576], received 2147483648"],
    ['a weight name the model does not have', 'adam_mix', (j) => void (spec(j, 0).name = 'dense/kernal'),
      "fromArtifacts: expected `weightSpecs[0].name` to be the name of one of this model's weights (dense/kernel, dense/bias, dense_1/kernel, dense_1/bias, dense_2/kernel, dense_2/bias), received 'dense/kernal'"],
    ['a 10,000-level nest', 'adam_mix', (j) => void (layer0(j).units = nested(10_000, 'array')),
      "fromArtifacts: expected `modelTopology.config.layers[0].config.units` to be an integer in [1, 1048576], received [[an array of length 1]]"],
    ['megabyte strings in an array', 'adam_mix', (j) => void (layer0(j).units = ['x'.repeat(1e6), 'y'.repeat(1e6)]),
      "fromArtifacts: expected `modelTopology.config.layers[0].config.units` to be an integer in [1, 1048576], received an array of length 2"],
    ['an object whose own constructor names a class', 'adam_mix', (j) => void (layer0(j).units = JSON.parse('{"constructor":{"name":"Int"}}')),
      "fromArtifacts: expected `modelTopology.config.layers[0].config.units` to be an integer in [1, 1048576], received an object"],
    ['activation named after an Object.prototype member', 'adam_mix', (j) => void (layer0(j).activation = 'toString'),
      "fromArtifacts: expected `modelTopology.config.layers[0].config.activation` to be one of 'linear', 'relu', 'leaky_relu', 'sigmoid', 'tanh', 'elu', 'gelu_new', 'swish', 'silu', 'softmax', 'sinew_elu', 'sinew_leaky_relu', received 'toString'"],
    ['initializer named after an Object.prototype member', 'adam_mix', (j) => void (layer0(j).kernel_initializer = 'constructor'),
      "fromArtifacts: expected `modelTopology.config.layers[0].config.kernel_initializer` to be an initializer name such as 'glorot_uniform' or { class_name, config }, received 'constructor'"],
    ['loss named after an Object.prototype member', 'adam_mix', (j) => void (j.userDefinedMetadata.sinew.compile.loss.name = 'toString'),
      "fromArtifacts: expected `userDefinedMetadata.sinew.compile.loss.name` to be one of 'meanSquaredError', 'meanAbsoluteError', 'binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'mse', 'mae' (or Keras's snake_case spelling), received 'toString'"],
    ['metric named after an Object.prototype member (sinew record)', 'adam_mix', (j) => void (j.userDefinedMetadata.sinew.compile.metrics = ['constructor']),
      "fromArtifacts: expected `userDefinedMetadata.sinew.compile.metrics[0]` to be one of 'accuracy', 'acc', 'binaryAccuracy', 'categoricalAccuracy', 'sparseCategoricalAccuracy', 'mse', 'meanSquaredError', 'mae', 'meanAbsoluteError', received 'constructor'"],
    ['metric named after an Object.prototype member (TF.js trainingConfig)', 'adam_tfjs', (j) => void (j.trainingConfig.metrics = ['constructor']),
      "fromArtifacts: expected `trainingConfig.metrics[0]` to be one of 'accuracy', 'acc', 'binaryAccuracy', 'categoricalAccuracy', 'sparseCategoricalAccuracy', 'mse', 'meanSquaredError', 'mae', 'meanAbsoluteError' (or Keras's snake_case spelling), received 'constructor'"],
    ['TF.js loss __proto__', 'adam_tfjs', (j) => void (j.trainingConfig.loss = '__proto__'),
      "fromArtifacts: expected `trainingConfig.loss` to be one of 'meanSquaredError', 'meanAbsoluteError', 'binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'mse', 'mae' (or Keras's snake_case spelling), received '__proto__'"],
    ['accuracy with a regression loss', 'adam_tfjs', (j) => void (j.trainingConfig.loss = 'mean_squared_error'),
      "fromArtifacts: `trainingConfig.metrics` is not a valid configuration: compile: metric 'accuracy' needs a classification loss to choose binary or categorical accuracy, received loss 'mean_squared_error'; name it explicitly ('binaryAccuracy', 'categoricalAccuracy')"],
    ['a bad number inside the TF.js optimizer config', 'adam_tfjs', (j) => void (j.trainingConfig.optimizer_config.config.beta1 = 'x'),
      "fromArtifacts: expected `trainingConfig.optimizer_config.config.beta1` to be a finite number, received 'x'"],
  ])('%s', (_name, b, edit, message) => {
    expect(refusal(b, edit)).toBe(message);
  });

  it('artifacts or a model.json that is not an object are refused at the top level', async () => {
    expect(() => fromArtifacts(42 as never)).toThrow('fromArtifacts: expected the top level to be model artifacts { modelTopology, weightSpecs, weightData }, received 42');
    const dir = join(scratch, 'not-an-object');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.json'), '[1, 2]');
    await expect(loadModel(dir)).rejects.toThrow('loadModel: expected the top level to be a model.json object, received [1, 2]');
  });

  it('an initializer class named after an Object.prototype member is kept by name (it was a TypeError)', () => {
    const m = mutant(bases[0].json, bases[0].bytes);
    (m.holder.root as Json).modelTopology.config.layers[0].config.kernel_initializer = { class_name: 'hasOwnProperty', config: {} };
    const model = fromArtifacts(artifactsOf(m).artifacts as ModelArtifacts);
    expect((model.layers[0] as Dense).kernelInitializer.name).toBe('hasOwnProperty');
    expect(model.predict(X).data).toEqual(bases[0].predictions.wasm);
    model.dispose();
  });

  it('junk keys cost one look-up per read, not a scan (200,000 keys in a layer config load in milliseconds)', () => {
    const m = mutant(bases[0].json, bases[0].bytes);
    const config = (m.holder.root as Json).modelTopology.config.layers[0].config;
    for (let i = 0; i < 200_000; i++) config[`junk${i}`] = i;
    const { artifacts } = artifactsOf(m);
    const t0 = performance.now();
    fromArtifacts(artifacts as ModelArtifacts, { backend: createJsBackend() }).dispose();
    // Scanning every key on every read took about 1.2 s here; one look-up per read takes about 1 ms.
    expect(performance.now() - t0).toBeLessThan(250);
  });
});

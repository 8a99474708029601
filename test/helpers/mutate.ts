// Seeded mutations of a saved model for the loader fuzz (test/io/fuzz.test.ts): operators on the
// parsed model.json tree, on the weight bytes and on the model.json text, each drawn from `Rng`.
// Nothing here knows what the loader accepts; operators only say whether they are meant to keep the
// model's meaning (`neutral`: key order, name scopes, data split into parts…), which the test checks.
// Walks are iterative and depth-bounded, because mutants hold 10,000-level nests.

import { Rng } from '../../src/random.js';

export type Key = string | number;
/** A mutable JSON-like container. */
type Container = Record<string, unknown> | unknown[];

/** One place in the tree: `parent[key]` holds `value`. */
export interface Site {
  parent: Container;
  key: Key;
  value: unknown;
  path: Key[];
}

/** A model file under mutation: the model.json tree (under `root`) and the bytes of its one weights file. */
export interface Mutant {
  holder: { root: unknown };
  bytes: Uint8Array;
  /** What was done, for the failure report. */
  ops: string[];
  /** True while every operator applied is meant to keep the model's meaning. */
  neutral: boolean;
  /** In-memory only: cut weightData into a list of ArrayBuffers at these byte offsets. */
  cuts?: number[];
  /** In-memory only: hand weightData as a Uint8Array at this offset inside a larger buffer. */
  viewOffset?: number;
  /** In-memory only: weightData replaced by this value (a wrong type) instead of the bytes. */
  weightData?: { value: unknown };
  /** Paths of the model.json tree that were touched (as `a.b[2].c`). */
  touched: string[];
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer);
}

/** `modelTopology.config.layers[2].config.units` for a path. */
export function pathString(path: readonly Key[]): string {
  let s = '';
  for (const k of path) s += typeof k === 'number' ? `[${k}]` : s === '' ? k : `.${k}`;
  return s;
}

/** Every site of the tree down to `maxDepth` (iterative, so deep nests cost nothing beyond the bound). */
export function sites(holder: { root: unknown }, maxDepth = 40): Site[] {
  const out: Site[] = [];
  const stack: Site[] = [{ parent: holder as Record<string, unknown>, key: 'root', value: holder.root, path: [] }];
  while (stack.length > 0) {
    const s = stack.pop()!;
    out.push(s);
    if (s.path.length >= maxDepth) continue;
    const v = s.value;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0 && i >= v.length - 64; i--) stack.push({ parent: v, key: i, value: v[i], path: [...s.path, i] });
    } else if (isObject(v)) {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0 && i >= keys.length - 64; i--) stack.push({ parent: v, key: keys[i], value: v[keys[i]], path: [...s.path, keys[i]] });
    }
  }
  return out;
}

/** Sets parent[key] as an own data property, also when key is '__proto__' (no prototype change). */
export function setOwn(parent: Container, key: Key, value: unknown): void {
  if (Array.isArray(parent) && typeof key === 'number') parent[key] = value;
  else Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
}

function replace(site: Site, value: unknown): void {
  setOwn(site.parent, site.key, value);
}

/** A copy of a JSON-like tree, iterative; own '__proto__' keys stay plain keys. */
export function deepCopy<T>(value: T): T {
  const copyOf = (v: unknown): unknown => (Array.isArray(v) ? new Array(v.length) : isObject(v) ? {} : v);
  const top = { root: copyOf(value) };
  const stack: [unknown, unknown][] = [[value, top.root]];
  while (stack.length > 0) {
    const [from, to] = stack.pop()!;
    if (Array.isArray(from)) {
      from.forEach((item, i) => {
        (to as unknown[])[i] = copyOf(item);
        stack.push([item, (to as unknown[])[i]]);
      });
    } else if (isObject(from)) {
      for (const k of Object.keys(from)) {
        const c = copyOf(from[k]);
        setOwn(to as Record<string, unknown>, k, c);
        stack.push([from[k], c]);
      }
    }
  }
  return top.root as T;
}

/** [[[…leaf…]]] or {a:{a:…leaf…}}, `depth` levels, built iteratively. */
export function nested(depth: number, kind: 'array' | 'object', leaf: unknown = 1): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}

// ---- value pools -----------------------------------------------------------------------------

export const EDGE_NUMBERS: readonly number[] = [NaN, Infinity, -Infinity, -1, 0, 1, 1e9, 2 ** 31, 2 ** 31 - 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1.5, -0, 1e-300, 5e-324, Number.MAX_VALUE, 0.999999, 1 << 20, (1 << 20) + 1];
/** Strings that are also names of Object.prototype members: a lookup table indexed by them without hasOwn finds a function. */
export const PROTO_STRINGS: readonly string[] = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'];
const WRONG_TYPES: readonly (() => unknown)[] = [
  () => null,
  () => undefined,
  () => 'x',
  () => '',
  () => true,
  () => false,
  () => 0,
  () => 7,
  () => [],
  () => ({}),
  () => [1, 2],
  () => ({ a: 1 }),
  () => [null],
  () => ['relu'],
  () => JSON.parse('{"__proto__":{"polluted":true,"units":3}}'), // an own '__proto__' key, as in a parsed file
];
const LAYER_CLASSES = ['Dense', 'Dropout', 'Activation', 'LeakyReLU', 'ELU', 'ReLU', 'Softmax', 'InputLayer', 'Conv2D', 'LSTM', 'BatchNormalization', 'Flatten', 'Lambda', 'dense', 'DENSE', 'PReLU', 'Functional', 'Model', 'Sequential', ...PROTO_STRINGS];
const ACTIVATIONS = ['relu', 'gelu', 'gelu_new', 'swish', 'silu', 'selu', 'softplus', 'hard_sigmoid', 'exponential', 'RELU', 'Relu', '', ' ', 'linear', 'softmax', 'leaky_relu', 'leakyRelu', 'elu', 'tanh', 'sigmoid', 'relu6', ...PROTO_STRINGS];
const DTYPES = ['float16', 'int32', 'uint8', 'int8', 'bool', 'string', 'complex64', 'float64', 'bfloat16', 'FLOAT32', 'float32 ', ...PROTO_STRINGS];
const HUGE_SHAPES: readonly unknown[] = [[], [0], [2 ** 28], [2 ** 28 + 1], [2 ** 31], [1e9], [65536, 65536], [16384, 16384], [2, 2, 2, 2, 2, 2, 2, 2, 2], [-1, 3], [1.5], [NaN], [Infinity], ['4'], [null], [[4]], [2 ** 53], [1, 1, 1, 1, 1, 1, 1, 1], [0, 2 ** 31]];
const BATCH_SHAPES: readonly unknown[] = [[null, 2 ** 20], [null, 2 ** 20 + 1], [null, 0], [null], [], [null, 6, 1], [1e9, 6], [-1, 6], [0, 6], [null, 6.5], [null, '6'], null, [6], [null, 1e9], [null, NaN], [null, -6], [3, 6], [null, null], 'null,6', { 0: null, 1: 6 }];
const PATHS: readonly unknown[] = [['../weights.bin'], ['/etc/passwd'], [''], ['weights.bin', 'weights.bin'], ['sub/../weights.bin'], ['./weights.bin'], ['nonexistent.bin'], ['.'], ['subdir'], ['model.json'], ['C:\\weights.bin'], ['file:///etc/passwd'], ['http://example.com/w.bin'], ['weights.bin/'], ['a\u0000b'], ['WEIGHTS.BIN'], [], ['%2e%2e/weights.bin'], ['sub//w.bin'], ['weights.bin\\'], [7], [null], 'weights.bin', ['x'.repeat(2000)]];

// ---- JSON operators --------------------------------------------------------------------------

interface Op {
  name: string;
  neutral?: boolean;
  /** Applies the operator; returns false when it found nothing to act on. */
  apply(rng: Rng, m: Mutant): boolean;
}

/** The layer configs (`modelTopology.config.layers[i].config`), when the tree still has that shape. */
function layerEntries(m: Mutant): Record<string, unknown>[] {
  const layers = (((m.holder.root as Record<string, unknown> | undefined)?.modelTopology as Record<string, unknown> | undefined)?.config as Record<string, unknown> | undefined)?.layers;
  return Array.isArray(layers) ? layers.filter(isObject) : [];
}

/** The weight specs of the first manifest group, when present. */
function specList(m: Mutant): Record<string, unknown>[] | undefined {
  const manifest = (m.holder.root as Record<string, unknown> | undefined)?.weightsManifest;
  const weights = Array.isArray(manifest) && isObject(manifest[0]) ? manifest[0].weights : undefined;
  return Array.isArray(weights) ? (weights as Record<string, unknown>[]) : undefined;
}

/** Any site, half of the time one outside the initializers (they are a large share of the tree but matter little). */
function anySite(rng: Rng, m: Mutant): Site {
  const all = sites(m.holder);
  if (rng.uniform() < 0.5) {
    const hot = all.filter((s) => !s.path.some((k) => typeof k === 'string' && k.endsWith('_initializer')));
    if (hot.length > 0) return pick(rng, hot);
  }
  return pick(rng, all);
}

function touch(m: Mutant, site: Site): void {
  m.touched.push(pathString(site.path));
}

/** Replaces a random site by the value `make` gives (which may look at the old one). */
function replaceOp(name: string, make: (rng: Rng, old: unknown) => unknown, filter: (s: Site) => boolean = () => true): Op {
  return {
    name,
    apply(rng, m) {
      const candidates = sites(m.holder).filter(filter);
      if (candidates.length === 0) return false;
      const site = rng.uniform() < 0.5 ? pick(rng, candidates) : anySite(rng, m);
      if (!filter(site)) return false;
      replace(site, make(rng, site.value));
      touch(m, site);
      return true;
    },
  };
}

/** Replaces `key` of a random layer config (or of the layer entry itself when `onEntry`). */
function layerFieldOp(name: string, key: string, values: readonly unknown[], onEntry = false): Op {
  return {
    name,
    apply(rng, m) {
      const entries = layerEntries(m);
      if (entries.length === 0) return false;
      const i = rng.int(entries.length);
      const target = onEntry ? entries[i] : entries[i].config;
      if (!isObject(target)) return false;
      setOwn(target, key, deepCopy(pick(rng, values)));
      m.touched.push(`modelTopology.config.layers[${i}]${onEntry ? '' : '.config'}.${key}`);
      return true;
    },
  };
}

/** Replaces `key` of a random weight spec. */
function specFieldOp(name: string, key: string, make: (rng: Rng, spec: Record<string, unknown>, all: Record<string, unknown>[]) => unknown): Op {
  return {
    name,
    apply(rng, m) {
      const specs = specList(m);
      if (!specs || specs.length === 0) return false;
      const i = rng.int(specs.length);
      if (!isObject(specs[i])) return false;
      setOwn(specs[i], key, make(rng, specs[i], specs));
      m.touched.push(`weightsManifest[0].weights[${i}].${key}`);
      return true;
    },
  };
}

const HOSTILE_JSON: Op[] = [
  {
    name: 'delete',
    apply(rng, m) {
      const site = anySite(rng, m);
      if (Array.isArray(site.parent) && typeof site.key === 'number') site.parent.splice(site.key, 1);
      else delete (site.parent as Record<string, unknown>)[site.key];
      touch(m, site);
      return true;
    },
  },
  replaceOp('wrong type', (rng) => pick(rng, WRONG_TYPES)()),
  replaceOp('edge number', (rng) => pick(rng, EDGE_NUMBERS), (s) => typeof s.value === 'number' || s.value === null),
  replaceOp('nearby number', (rng, old) => (old as number) + pick(rng, [-1, 1, 0.5, -0.5]) * (rng.uniform() < 0.5 ? 1 : (old as number)), (s) => typeof s.value === 'number'),
  replaceOp('long string', (rng) => pick(rng, ['A'.repeat(300), 'B'.repeat(100_000), 'é'.repeat(2000), '\u0000'.repeat(10)])),
  replaceOp('prototype-named string', (rng) => pick(rng, PROTO_STRINGS), (s) => typeof s.value === 'string'),
  replaceOp('string case', (rng, old) => pick(rng, [(old as string).toUpperCase(), (old as string).toLowerCase(), ` ${old as string}`, `${old as string}\u0000`, (old as string).slice(1)]), (s) => typeof s.value === 'string'),
  replaceOp('deep nest', (rng) => nested(10_000, pick(rng, ['array', 'object'] as const), pick(rng, [1, 'x', null]))),
  replaceOp('huge array', (rng) => new Array(pick(rng, [1001, 200_000])).fill(pick(rng, [1, 'x', null])), (s) => Array.isArray(s.value)),
  {
    name: 'swap entries',
    apply(rng, m) {
      const arrays = sites(m.holder).filter((s) => Array.isArray(s.value) && s.value.length >= 2);
      if (arrays.length === 0) return false;
      const site = pick(rng, arrays);
      const a = site.value as unknown[];
      const i = rng.int(a.length);
      const j = (i + 1 + rng.int(a.length - 1)) % a.length;
      [a[i], a[j]] = [a[j], a[i]];
      touch(m, site);
      return true;
    },
  },
  {
    name: 'duplicate entry',
    apply(rng, m) {
      const arrays = sites(m.holder).filter((s) => Array.isArray(s.value) && s.value.length >= 1);
      if (arrays.length === 0) return false;
      const site = pick(rng, arrays);
      const a = site.value as unknown[];
      const i = rng.int(a.length);
      a.splice(rng.int(a.length + 1), 0, deepCopy(a[i]));
      touch(m, site);
      return true;
    },
  },
  {
    name: 'truncate array',
    apply(rng, m) {
      const arrays = sites(m.holder).filter((s) => Array.isArray(s.value) && s.value.length >= 1);
      if (arrays.length === 0) return false;
      const site = pick(rng, arrays);
      (site.value as unknown[]).length = rng.int((site.value as unknown[]).length);
      touch(m, site);
      return true;
    },
  },
  {
    name: 'add forbidden key',
    apply(rng, m) {
      const objects = sites(m.holder).filter((s) => isObject(s.value));
      if (objects.length === 0) return false;
      const site = pick(rng, objects);
      // As JSON.parse makes it: an own enumerable '__proto__' property, the prototype untouched.
      const key = pick(rng, ['__proto__', 'constructor', 'prototype']);
      setOwn(site.value as Record<string, unknown>, key, pick(rng, [{ polluted: true }, 'x', null, { name: 'Evil' }]));
      m.touched.push(`${pathString(site.path)}.${key}`);
      return true;
    },
  },
  {
    name: 'add unknown key',
    apply(rng, m) {
      const objects = sites(m.holder).filter((s) => isObject(s.value));
      if (objects.length === 0) return false;
      const site = pick(rng, objects);
      const key = pick(rng, ['extra', 'units', 'name', 'alpha', 'sinew_activation_alpha', 'quantization', 'group', 'model_config', 'noise_shape', 'max_value']);
      setOwn(site.value as Record<string, unknown>, key, pick(rng, [1, 'x', null, { dtype: 'uint8', min: 0, scale: 1 }, 0.5]));
      m.touched.push(`${pathString(site.path)}.${key}`);
      return true;
    },
  },
  {
    name: 'many keys',
    apply(rng, m) {
      const objects = sites(m.holder).filter((s) => isObject(s.value));
      if (objects.length === 0) return false;
      const site = pick(rng, objects);
      const o = site.value as Record<string, unknown>;
      for (let i = 0; i < 20_000; i++) o[`k${i}`] = i;
      touch(m, site);
      return true;
    },
  },
  layerFieldOp('layer class', 'class_name', LAYER_CLASSES, true),
  layerFieldOp('activation', 'activation', ACTIVATIONS),
  layerFieldOp('units', 'units', [...EDGE_NUMBERS, 3, 8, 16, '8', null]),
  layerFieldOp('batch shape', 'batch_input_shape', BATCH_SHAPES),
  layerFieldOp('batch shape (Keras 3 key)', 'batch_shape', BATCH_SHAPES),
  layerFieldOp('layer name', 'name', ['dense', 'dense_1', 'dropout', '', 'x'.repeat(257), 'a/b', '__proto__', 7, null]),
  layerFieldOp('dropout rate', 'rate', [0, 0.5, 1, -0.1, 1.5, NaN, '0.5', null]),
  layerFieldOp('alpha', 'alpha', [0, 0.3, -1, 1e6, 1e7, NaN, Infinity, '0.1', null]),
  layerFieldOp('sinew alpha', 'sinew_activation_alpha', [0, 0.3, -1, 1e6, 1e7, NaN, null, 'x']),
  layerFieldOp('layer dtype', 'dtype', ['float16', 'int32', 'float32', { class_name: 'DTypePolicy', config: { name: 'float32' } }, { class_name: 'DTypePolicy', config: { name: 'mixed_float16' } }, { class_name: 'DTypePolicy' }, 7]),
  layerFieldOp('trainable', 'trainable', [false, true, 'yes', 0, null]),
  layerFieldOp('use_bias', 'use_bias', [false, true, 'yes', 0, null]),
  specFieldOp('rename weight', 'name', (rng, spec, all) => {
    const name = String(spec.name);
    return pick(rng, [String(pick(rng, all).name), `${name}x`, name.toUpperCase(), '', `other/${name}`, name.replace('kernel', 'bias'), name.replace(/\/[^/]*$/, ''), `${name}/m`, 'iter', '__proto__', 7]);
  }),
  specFieldOp('spec shape', 'shape', (rng, spec) => {
    const shape = Array.isArray(spec.shape) ? (spec.shape as unknown[]) : [];
    return deepCopy(pick(rng, [...HUGE_SHAPES, [...shape].reverse(), shape.map((d) => (typeof d === 'number' ? d + 1 : d)), [...shape, 1], shape.slice(1)]));
  }),
  specFieldOp('spec dtype', 'dtype', (rng) => pick(rng, DTYPES)),
  specFieldOp('spec group', 'group', (rng) => pick(rng, ['optimizer', 'model', '', undefined, 7])),
  specFieldOp('spec quantization', 'quantization', (rng) => pick(rng, [{ dtype: 'uint8', scale: 1, min: 0 }, null, {}])),
  {
    name: 'move batch shape to a later layer',
    apply(rng, m) {
      const entries = layerEntries(m).filter((e) => isObject(e.config));
      if (entries.length < 2) return false;
      const first = entries[0].config as Record<string, unknown>;
      const later = entries[1 + rng.int(entries.length - 1)].config as Record<string, unknown>;
      later.batch_input_shape = first.batch_input_shape;
      if (rng.uniform() < 0.5) delete first.batch_input_shape;
      m.touched.push('modelTopology.config.layers[*].config.batch_input_shape');
      return true;
    },
  },
];

// ---- neutral operators (the model must load and predict exactly as before) ----------------------

/** Shuffles the key order of an object in place. */
function shuffleKeys(rng: Rng, o: Record<string, unknown>): void {
  const keys = Object.keys(o);
  const order = Int32Array.from(keys.keys());
  rng.shuffle(order);
  const entries = Array.from(order, (i) => [keys[i], o[keys[i]]] as const);
  for (const k of keys) delete o[k];
  for (const [k, v] of entries) setOwn(o, k, v);
}

function elementCount(shape: unknown): number {
  return Array.isArray(shape) ? shape.reduce((n: number, d) => n * (d as number), 1) : 0;
}

const NEUTRAL: Op[] = [
  {
    name: 'reorder keys',
    neutral: true,
    apply(rng, m) {
      const objects = sites(m.holder).filter((s) => isObject(s.value));
      for (let k = 0; k < 4; k++) {
        const site = pick(rng, objects);
        shuffleKeys(rng, site.value as Record<string, unknown>);
        touch(m, site);
      }
      return true;
    },
  },
  {
    name: 'permute weight specs with their bytes',
    neutral: true,
    apply(rng, m) {
      const specs = specList(m);
      if (!specs || specs.length < 2) return false;
      const offsets: number[] = [];
      let at = 0;
      for (const s of specs) {
        offsets.push(at);
        at += elementCount(s.shape) * 4;
      }
      if (at !== m.bytes.length) return false;
      const order = Int32Array.from(specs.keys());
      rng.shuffle(order);
      const bytes = new Uint8Array(m.bytes.length);
      let to = 0;
      const permuted = Array.from(order, (i) => {
        const n = elementCount(specs[i].shape) * 4;
        bytes.set(m.bytes.subarray(offsets[i], offsets[i] + n), to);
        to += n;
        return specs[i];
      });
      specs.splice(0, specs.length, ...permuted);
      m.bytes = bytes;
      m.touched.push('weightsManifest[0].weights');
      return true;
    },
  },
  {
    name: 'scope weight names',
    neutral: true,
    apply(_rng, m) {
      const specs = specList(m);
      if (!specs) return false;
      // Keras 3's converter writes 'sequential/dense/kernel'; slots follow their weight's name.
      for (const s of specs) if (s.name !== 'iter') s.name = `sequential/${String(s.name)}`;
      m.touched.push('weightsManifest[0].weights[*].name');
      return true;
    },
  },
  {
    name: 'Keras 3 batch_shape key',
    neutral: true,
    apply(_rng, m) {
      const first = layerEntries(m)[0]?.config;
      if (!isObject(first) || !('batch_input_shape' in first)) return false;
      first.batch_shape = first.batch_input_shape;
      delete first.batch_input_shape;
      m.touched.push('modelTopology.config.layers[0].config.batch_shape');
      return true;
    },
  },
  {
    name: 'InputLayer first',
    neutral: true,
    apply(_rng, m) {
      const first = layerEntries(m)[0]?.config;
      if (!isObject(first)) return false;
      const layers = ((m.holder.root as Record<string, Record<string, unknown>>).modelTopology.config as Record<string, unknown>).layers as unknown[];
      const shape = first.batch_input_shape ?? first.batch_shape;
      delete first.batch_input_shape;
      delete first.batch_shape;
      delete first.dtype;
      layers.unshift({ class_name: 'InputLayer', config: { batch_input_shape: shape, dtype: 'float32', sparse: false, name: 'input_1' } });
      m.touched.push('modelTopology.config.layers[0]');
      return true;
    },
  },
  {
    name: 'converter model_config wrapper',
    neutral: true,
    apply(_rng, m) {
      const root = m.holder.root as Record<string, unknown>;
      if (!isObject(root.modelTopology) || 'model_config' in root.modelTopology) return false; // the loader unwraps one level
      root.modelTopology = { model_config: root.modelTopology, keras_version: '2.15.0', backend: 'tensorflow' };
      m.touched.push('modelTopology.model_config');
      return true;
    },
  },
  {
    name: 'drop null options',
    neutral: true,
    apply(_rng, m) {
      for (const e of layerEntries(m)) {
        if (!isObject(e.config)) continue;
        for (const k of Object.keys(e.config)) if (e.config[k] === null) delete e.config[k];
      }
      m.touched.push('modelTopology.config.layers[*].config');
      return true;
    },
  },
  {
    name: 'weightData in parts',
    neutral: true,
    apply(rng, m) {
      const n = 1 + rng.int(4);
      m.cuts = Array.from({ length: n }, () => rng.int(m.bytes.length + 1)).sort((a, b) => a - b);
      return true;
    },
  },
  {
    name: 'weightData as an offset Uint8Array',
    neutral: true,
    apply(rng, m) {
      m.viewOffset = 1 + rng.int(13);
      return true;
    },
  },
];

// ---- byte operators ------------------------------------------------------------------------

/** Byte offset of the first spec named `name` in the current manifest, when the specs are well-formed. */
function offsetOf(m: Mutant, name: string): number | undefined {
  let at = 0;
  for (const s of specList(m) ?? []) {
    if (!isObject(s)) return undefined;
    if (s.name === name) return at;
    at += elementCount(s.shape) * 4;
  }
  return undefined;
}

const NON_FINITE = [0x7fc00000, 0x7f800000, 0xff800000, 0xffffffff, 0x7f800001];

const BYTES: Op[] = [
  {
    name: 'truncate bytes',
    apply(rng, m) {
      const cut = pick(rng, [rng.int(m.bytes.length), m.bytes.length - 1, m.bytes.length - 4, 0]);
      m.bytes = m.bytes.slice(0, Math.max(0, cut));
      return true;
    },
  },
  {
    name: 'extend bytes',
    apply(rng, m) {
      const extra = pick(rng, [1, 3, 4, 8, 4096]);
      const out = new Uint8Array(m.bytes.length + extra);
      out.set(m.bytes);
      m.bytes = out;
      return true;
    },
  },
  {
    name: 'zero-length bytes',
    apply(_rng, m) {
      m.bytes = new Uint8Array(0);
      return true;
    },
  },
  {
    name: 'flip bytes',
    apply(rng, m) {
      if (m.bytes.length === 0) return false;
      const n = 1 + rng.int(4);
      for (let k = 0; k < n; k++) m.bytes[rng.int(m.bytes.length)] ^= 1 + rng.int(255);
      return true;
    },
  },
  {
    name: 'non-finite float32',
    apply(rng, m) {
      if (m.bytes.length < 4) return false;
      const at = rng.int(m.bytes.length >> 2) * 4;
      new DataView(m.bytes.buffer, m.bytes.byteOffset).setUint32(at, pick(rng, NON_FINITE), true);
      return true;
    },
  },
  {
    name: 'huge finite float32',
    apply(rng, m) {
      if (m.bytes.length < 4) return false;
      const at = rng.int(m.bytes.length >> 2) * 4;
      new DataView(m.bytes.buffer, m.bytes.byteOffset).setFloat32(at, pick(rng, [3.4e38, -3.4e38, 1e30, 1e-45]), true);
      return true;
    },
  },
  {
    name: 'iter value',
    apply(rng, m) {
      const at = offsetOf(m, 'iter');
      if (at === undefined || at + 4 > m.bytes.length) return false;
      new DataView(m.bytes.buffer, m.bytes.byteOffset).setInt32(at, pick(rng, [-1, 2 ** 31 - 1, -(2 ** 31), 0x7fc00000, 0, 3]), true);
      return true;
    },
  },
  {
    name: 'shift bytes by one',
    apply(_rng, m) {
      if (m.bytes.length === 0) return false;
      const out = new Uint8Array(m.bytes.length);
      out.set(m.bytes.subarray(1));
      m.bytes = out;
      return true;
    },
  },
];

/** In-memory weightData of the wrong kind. */
const WEIGHT_DATA: Op = {
  name: 'weightData type',
  apply(rng, m) {
    const n = m.bytes.length;
    const value = pick(rng, [
      () => null,
      () => undefined,
      () => 'bytes',
      () => n,
      () => Array.from(m.bytes.subarray(0, 8)),
      () => [new ArrayBuffer(4), 'x'],
      () => [m.bytes.slice().buffer, null],
      () => new Float32Array(m.bytes.slice().buffer), // a view of the same bytes: reads as those bytes
      () => new DataView(m.bytes.slice().buffer), // likewise
      () => new Float64Array(Math.ceil(n / 8)),
      () => ({ byteLength: n }),
      () => new SharedArrayBuffer(n),
      () => nested(10_000, 'array', new ArrayBuffer(4)),
    ])();
    m.weightData = { value };
    return true;
  },
};

// ---- driving ---------------------------------------------------------------------------------

export interface MutateOptions {
  /** In-memory artifacts (weightData forms apply) rather than files. */
  inMemory: boolean;
}

/** A fresh mutant of a base file. */
export function mutant(json: unknown, bytes: Uint8Array): Mutant {
  return { holder: { root: deepCopy(json) }, bytes: bytes.slice(), ops: [], neutral: true, touched: [] };
}

function run(rng: Rng, m: Mutant, op: Op): void {
  if (op.apply(rng, m)) {
    m.ops.push(op.name);
    if (BYTES.includes(op) || op === WEIGHT_DATA) m.touched.push('<weight bytes>');
    if (!op.neutral) m.neutral = false;
  }
}

/** Applies 1–3 neutral operators (a semantic no-op). */
export function mutateNeutral(rng: Rng, m: Mutant, options: MutateOptions): void {
  const pool = options.inMemory ? NEUTRAL : NEUTRAL.filter((op) => !op.name.startsWith('weightData'));
  const n = 1 + rng.int(3);
  for (let k = 0; k < n; k++) run(rng, m, pick(rng, pool));
}

/** Applies 1–3 hostile operators on the tree and/or the bytes (sometimes after a neutral one). */
export function mutateHostile(rng: Rng, m: Mutant, options: MutateOptions): void {
  if (rng.uniform() < 0.15) mutateNeutral(rng, m, options);
  const n = 1 + (rng.uniform() < 0.3 ? rng.int(3) : 0);
  for (let k = 0; k < n; k++) {
    const r = rng.uniform();
    if (r < 0.7) run(rng, m, pick(rng, options.inMemory ? HOSTILE_JSON : HOSTILE_JSON.filter((op) => op.name !== 'deep nest')));
    else if (r < 0.95 || !options.inMemory) run(rng, m, pick(rng, BYTES));
    else run(rng, m, WEIGHT_DATA);
  }
  if (m.ops.length === 0) run(rng, m, HOSTILE_JSON[0]);
}

/** Replaces the weightsManifest paths by an oddity (file tests). */
export function mutatePaths(rng: Rng, m: Mutant): void {
  const manifest = (m.holder.root as Record<string, unknown>).weightsManifest;
  if (!Array.isArray(manifest) || !isObject(manifest[0])) return;
  manifest[0].paths = deepCopy(pick(rng, PATHS));
  m.ops.push(`paths ${JSON.stringify(manifest[0].paths).slice(0, 40)}`);
  m.neutral = false;
}

// ---- model.json text -------------------------------------------------------------------------

/** Mutates the serialised model.json: cuts, garbage, BOM, duplicate or '__proto__' keys, deep nests. */
export function mutateText(rng: Rng, text: string): { text: string; op: string; neutral: boolean } {
  const at = rng.int(text.length + 1);
  const variants: (() => { text: string; op: string; neutral?: boolean })[] = [
    () => ({ text: text.slice(0, rng.int(text.length)), op: 'truncate text' }),
    () => {
      const junk = pick(rng, ['{', '}', ',', '"', ':', 'NaN', 'Infinity', '\u0000', '\\', '💥', ' garbage ', '[', ']', '\ud800', '/*x*/', '1e999']);
      return { text: text.slice(0, at) + junk + text.slice(at), op: `insert ${JSON.stringify(junk)}` };
    },
    () => ({ text: '', op: 'empty text' }),
    () => ({ text: `\ufeff${text}`, op: 'BOM' }),
    () => ({ text: pick(rng, ['null', '[]', '42', '"model"', 'true', '{}']), op: 'other JSON' }),
    () => ({ text: `${text}${pick(rng, ['x', '{}', '\n', ' '])}`, op: 'trailing data', neutral: false }),
    () => ({ text: text.replace('{', '{"__proto__":{"polluted":true},'), op: "leading '__proto__' key" }),
    () => ({ text: text.replace('{', '{"format":"graph-model",'), op: 'duplicate key, the later (valid) one wins', neutral: true }),
    () => ({ text: text.replace(/\}\s*$/, ',"format":"graph-model"}'), op: 'duplicate key, the later (invalid) one wins' }),
    () => ({ text: text.replace(/"units":\s*\d+/, `"units":${'['.repeat(100_000)}${']'.repeat(100_000)}`), op: 'nest 100,000 levels' }),
    () => ({ text: text.replace(/"units":\s*\d+/, `"units":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`), op: 'nest 10,000 objects' }),
    () => ({ text: text.replace(/"units":\s*(\d+)/, '"units":$1.0'), op: 'units as 8.0 (the same number)', neutral: true }),
    () => ({ text: text.replace(/"units":\s*(\d+)/, '"units":$1e0'), op: 'units in exponent form', neutral: true }),
    () => ({ text: text.replace(/"units":\s*\d+/, '"units":1e400'), op: 'units 1e400 (Infinity after parsing)' }),
  ];
  const v = pick(rng, variants)();
  return { text: v.text, op: v.op, neutral: v.neutral ?? false };
}

// Weight bytes in TF.js's layout: tensors in manifest order, each row-major little-endian float32
// (the optimizer's step counter `iter` is int32, as TF.js writes it), no padding. Encoding builds the
// specs and one buffer; decoding checks the specs of an untrusted file and that the data is exactly
// as long as they say before anything reads a value.

import { Untrusted } from './untrusted.js';

export type WeightDtype = 'float32' | 'int32';

/** One entry of a weights manifest (TF.js WeightsManifestEntry). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: WeightDtype;
  /** 'optimizer' for optimizer state (TF.js); absent (or 'model') for model weights. */
  group?: 'model' | 'optimizer';
}

/** A tensor to encode. */
export interface NamedTensor {
  name: string;
  shape: number[];
  values: ArrayLike<number>;
  dtype?: WeightDtype;
  group?: 'model' | 'optimizer';
}

/** Elements per tensor and in all: 2^28 floats is 1 GiB, beyond any WebAssembly heap a model could use. */
export const MAX_ELEMENTS = 2 ** 28;
const MAX_RANK = 8;
export const MAX_TENSORS = 100_000;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Specs and one buffer holding every tensor, in order. */
export function encodeWeights(tensors: readonly NamedTensor[]): { specs: WeightSpec[]; data: ArrayBuffer } {
  const total = tensors.reduce((s, t) => s + t.values.length, 0);
  const data = new ArrayBuffer(total * 4);
  const view = new DataView(data);
  const f32 = LITTLE_ENDIAN ? new Float32Array(data) : undefined;
  const i32 = LITTLE_ENDIAN ? new Int32Array(data) : undefined;
  const specs: WeightSpec[] = [];
  let at = 0;
  for (const t of tensors) {
    const dtype = t.dtype ?? 'float32';
    specs.push({ name: t.name, shape: [...t.shape], dtype, ...(t.group === undefined ? {} : { group: t.group }) });
    const v = t.values;
    if (dtype === 'int32') {
      for (let i = 0; i < v.length; i++) (i32 ? (i32[at + i] = v[i]) : view.setInt32((at + i) * 4, v[i], true));
    } else if (f32) {
      f32.set(v, at);
    } else {
      for (let i = 0; i < v.length; i++) view.setFloat32((at + i) * 4, v[i], true);
    }
    at += v.length;
  }
  return { specs, data };
}

/** Checks an untrusted list of specs (names, shapes bounded, dtypes sinew reads) and returns copies. */
export function readWeightSpecs(field: Untrusted): WeightSpec[] {
  let total = 0;
  return field.array(MAX_TENSORS, 'an array of weight specs').map((entry) => {
    entry.object();
    const name = entry.get('name').string(1024);
    const dims = entry.get('shape').array(MAX_RANK, 'an array of dimensions');
    const shape = dims.map((d) => d.int(0, MAX_ELEMENTS));
    const count = elementCount(shape);
    if (count > MAX_ELEMENTS) entry.get('shape').fail(`a shape of at most ${MAX_ELEMENTS} elements`, `[${shape.join(', ')}]`);
    total += count;
    if (total > MAX_ELEMENTS) entry.get('shape').fail(`a shape that keeps the whole file under ${MAX_ELEMENTS} elements`, `[${shape.join(', ')}] after ${total - count} elements`);
    const dtypeField = entry.get('dtype');
    const dtype = dtypeField.optional((f) => f.string(32), 'float32') as WeightDtype;
    if (dtype !== 'float32' && dtype !== 'int32') dtypeField.fail(`'float32' (sinew stores weights as float32; convert other dtypes before loading)`);
    for (const key of ['quantization']) entry.get(key).unsupported('quantized weights');
    // TF.js reads every group but 'optimizer' as model weights; so does sinew.
    const named = entry.get('group').optional((f) => f.string(64), undefined);
    const group = named === undefined ? undefined : named === 'optimizer' ? 'optimizer' : 'model';
    return { name, shape, dtype, ...(group === undefined ? {} : { group }) };
  });
}

/** Byte offset of each spec's data; throws unless the data holds exactly the specs' bytes. */
export function layoutWeightData(specs: readonly WeightSpec[], byteLength: number, where: Untrusted): number[] {
  const offsets: number[] = [];
  let at = 0;
  for (const spec of specs) {
    offsets.push(at);
    at += elementCount(spec.shape) * 4;
  }
  if (at !== byteLength) {
    where.fail(`${at} bytes (the sum of the manifest's tensors: ${specs.length} tensors, 4 bytes per value)`, `${byteLength} bytes`);
  }
  return offsets;
}

/** Reads `count` little-endian float32 values at `offset` (a copy), rejecting non-finite ones. */
export function readFloats(bytes: Uint8Array, offset: number, count: number, where: () => Untrusted): Float32Array {
  const out = new Float32Array(count);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + count * 4));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 4);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  }
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(out[i])) {
      const spec = where();
      new Untrusted(undefined, `${spec.path} (${String((spec.value as { name?: unknown }).name)}) values`, spec.owner).fail('finite numbers', `${out[i]} at index ${i}`);
    }
  }
  return out;
}

/** Reads one scalar (int32 or float32, as the spec says). */
export function readScalar(bytes: Uint8Array, offset: number, dtype: WeightDtype): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 4);
  return dtype === 'int32' ? view.getInt32(0, true) : view.getFloat32(0, true);
}

/** weightData as TF.js hands it (an ArrayBuffer, or a list of them) or any byte view → one Uint8Array. */
export function readWeightData(field: Untrusted): Uint8Array {
  const v = field.value;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) {
    const parts = field.array(MAX_TENSORS, 'an ArrayBuffer or a list of ArrayBuffers');
    return concatBytes(parts.map((p) => (p.value instanceof ArrayBuffer ? new Uint8Array(p.value) : p.fail('an ArrayBuffer'))));
  }
  return field.fail('an ArrayBuffer (or a list of them, or a Uint8Array)');
}

/** The parts one after another in one new buffer (weights split over shards or a list of buffers). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, b) => s + b.length, 0));
  let at = 0;
  for (const b of parts) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

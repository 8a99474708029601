// What model.json records of its single weights file so a reader can tell the committed weights
// from a torn or foreign file: userDefinedMetadata.sinew.weightsCrc32 (CRC-32, crc32.ts) and
// weightsBytes. Read (untrusted) by file_system.ts, written by atomic_save.ts.

import { SinewError } from '../errors.js';

export const MODEL_JSON = 'model.json';
/** model.json holds only JSON (topology and manifest); anything larger is refused before reading. */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function hex(crc: number): string {
  return `0x${crc.toString(16).padStart(8, '0')}`;
}

/** The weights check a model.json records, or undefined when it records none. */
export function recordedCheck(json: unknown): { crc: number; bytes: number | undefined } | undefined {
  if (!isObject(json) || !isObject(json.userDefinedMetadata)) return undefined;
  const sinew = json.userDefinedMetadata.sinew;
  if (!isObject(sinew) || sinew.weightsCrc32 === undefined) return undefined;
  const { weightsCrc32: crc, weightsBytes: bytes } = sinew;
  if (typeof crc !== 'number' || !Number.isInteger(crc) || crc < 0 || crc > 0xffffffff) {
    throw new SinewError(`sinew: model.json userDefinedMetadata.sinew.weightsCrc32 must be an unsigned 32-bit integer, got ${JSON.stringify(crc)}`);
  }
  if (bytes === undefined) return { crc, bytes: undefined };
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) {
    throw new SinewError(`sinew: model.json userDefinedMetadata.sinew.weightsBytes must be a non-negative integer, got ${JSON.stringify(bytes)}`);
  }
  return { crc, bytes };
}

export function hasCheckField(json: Record<string, unknown>): boolean {
  return isObject(json.userDefinedMetadata) && isObject(json.userDefinedMetadata.sinew) && json.userDefinedMetadata.sinew.weightsCrc32 !== undefined;
}

/** All weightsManifest paths in order, or undefined when the manifest is not the expected shape. */
export function manifestPaths(json: unknown): unknown[] | undefined {
  if (!isObject(json) || !Array.isArray(json.weightsManifest)) return undefined;
  const paths: unknown[] = [];
  for (const group of json.weightsManifest) {
    if (!isObject(group) || !Array.isArray(group.paths)) return undefined;
    paths.push(...group.paths);
  }
  return paths;
}

/** A copy of `json` with the weights' CRC and length merged into userDefinedMetadata.sinew. */
export function withWeightsCheck(json: Record<string, unknown>, crc: number, bytes: number): Record<string, unknown> {
  const metadata = json.userDefinedMetadata ?? {};
  if (!isObject(metadata)) throw new SinewError('sinew: modelJson.userDefinedMetadata must be an object when present');
  const sinew = metadata.sinew ?? {};
  if (!isObject(sinew)) throw new SinewError('sinew: modelJson.userDefinedMetadata.sinew must be an object when present');
  // Spread (not Object.assign) so that an own "__proto__" key stays a plain key.
  return { ...json, userDefinedMetadata: { ...metadata, sinew: { ...sinew, weightsCrc32: crc, weightsBytes: bytes } } };
}

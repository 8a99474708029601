// Reading a model file, which is input from outside: a cursor over parsed JSON that knows the path
// it stands at (`modelTopology.config.layers[2].config.units`) and checks every value it hands out.
// Only own properties are read, keys that could reach a prototype are refused, and a failure is an
// Error naming the path, the expectation and (abridged) the value. Nothing here changes any state.

import { describe, SinewError } from '../errors.js';

/** Keys a model file has no business using; refusing them keeps prototype tricks out. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * describe(), bounded for hostile values: long strings are cut, arrays are shown two levels deep at
 * most (describe() recurses, so a 10,000-level nest overflowed the stack) and within 120 characters,
 * and a plain object's own `constructor` key is not taken for its class.
 */
function brief(value: unknown, depth = 0): string {
  if (typeof value === 'string') return value.length > 60 ? `'${value.slice(0, 57)}…' (${value.length} characters)` : describe(value);
  if (Array.isArray(value)) {
    if (value.length > 6 || depth >= 2) return `an array of length ${value.length}`;
    const shown = `[${value.map((v) => brief(v, depth + 1)).join(', ')}]`;
    return shown.length <= 120 ? shown : `an array of length ${value.length}`;
  }
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return 'an object';
  }
  return describe(value);
}

export class Untrusted {
  constructor(
    readonly value: unknown,
    readonly path: string,
    readonly owner: string,
  ) {}

  /** Throws ``owner: expected `path` to be <expected>, received <value>`` ('the top level' for the root). */
  fail(expected: string, received = brief(this.value)): never {
    const where = this.path === '' ? 'the top level' : `\`${this.path}\``;
    throw new SinewError(`${this.owner}: expected ${where} to be ${expected}, received ${received}`);
  }

  isMissing(): boolean {
    return this.value === undefined || this.value === null;
  }

  /** A plain object (not an array, not null) without prototype-reaching keys. */
  object(expected = 'an object'): this {
    const v = this.value;
    if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) this.fail(expected);
    // Three look-ups, not a scan of every key: a config is read key by key through here, and a
    // scan made a layer config with 200,000 junk keys cost over a second to load.
    for (const key of FORBIDDEN_KEYS) {
      if (Object.prototype.hasOwnProperty.call(v, key)) this.fail(`${expected} without a '${key}' key`, `one with '${key}'`);
    }
    return this;
  }

  /** The own property `key` (its value undefined when absent). */
  get(key: string): Untrusted {
    this.object();
    const v = this.value as Record<string, unknown>;
    const child = Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
    return new Untrusted(child, this.path === '' ? key : `${this.path}.${key}`, this.owner);
  }

  /** The first of `keys` that is present and not null (Keras versions spell some keys differently). */
  getAny(keys: readonly string[]): Untrusted {
    for (const key of keys) {
      const child = this.get(key);
      if (!child.isMissing()) return child;
    }
    return this.get(keys[0]);
  }

  /** Own keys of an object. */
  keys(): string[] {
    return Object.keys(this.object().value as object);
  }

  array(maxLength: number, expected = 'an array'): Untrusted[] {
    const v = this.value;
    if (!Array.isArray(v)) this.fail(expected);
    if (v.length > maxLength) this.fail(`${expected} of at most ${maxLength} entries`, `${v.length} entries`);
    return v.map((item, i) => new Untrusted(item, `${this.path}[${i}]`, this.owner));
  }

  string(maxLength = 256): string {
    const v = this.value;
    if (typeof v !== 'string' || v.length === 0 || v.length > maxLength) this.fail(`a non-empty string of at most ${maxLength} characters`);
    return v;
  }

  /** One of the given strings. */
  oneOf<T extends string>(choices: readonly T[]): T {
    const v = this.value;
    if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) this.fail(choices.map((c) => `'${c}'`).join(' or '));
    return v as T;
  }

  int(min: number, max: number): number {
    const v = this.value;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(`an integer in [${min}, ${max}]`);
    return v;
  }

  number(min = -Infinity, max = Infinity): number {
    const v = this.value;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      this.fail(min === -Infinity && max === Infinity ? 'a finite number' : `a finite number in [${min}, ${max}]`);
    }
    return v;
  }

  boolean(): boolean {
    if (typeof this.value !== 'boolean') this.fail('true or false');
    return this.value;
  }

  /** The value when present, else `fallback` (null counts as absent, as Keras writes it). */
  optional<T>(read: (u: Untrusted) => T, fallback: T): T {
    return this.isMissing() ? fallback : read(this);
  }

  /** Throws unless the value is absent or null: for Keras options sinew does not implement. */
  unsupported(what: string): void {
    if (!this.isMissing()) this.fail(`null (${what} is not supported by sinew)`);
  }
}

// Error messages in one voice: every thrown message names the argument, what was expected and what
// was received, and unknown names suggest the closest known one (edit distance). Validation code
// all over the library calls these helpers; nothing here changes any state.

/**
 * The one error class sinew throws for bad input and failed calls: `owner` (the public function or
 * class: 'fit', 'Dense', 'loadModel'), and where the message has that form, the `field` it names,
 * what was `expected` and what was `received`. The message reads `owner: detail`.
 */
export class SinewError extends Error {
  override name = 'SinewError';
  owner: string;
  readonly detail: string;
  readonly field: string | undefined;
  readonly expected: string | undefined;
  readonly received: string | undefined;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const colon = message.indexOf(': ');
    this.owner = colon > 0 ? message.slice(0, colon) : '';
    this.detail = colon > 0 ? message.slice(colon + 2) : message;
    // "expected `field` to be …, received …" (the usual shape) gives the three parts.
    const m = /^expected (?:`([^`]+)`|(the top level)) to (?:be |have |hold )?(.*), received (.*)$/s.exec(this.detail);
    this.field = m ? (m[1] ?? m[2]) : undefined;
    this.expected = m?.[3];
    this.received = m?.[4];
  }

  /** The same error told from the public entry point that was called (the file layer speaks as 'sinew'). */
  withOwner(owner: string): this {
    this.owner = owner;
    this.message = `${owner}: ${this.detail}`;
    return this;
  }
}

/** Runs `work`; an error the inner layers raised as 'sinew' is re-told as the entry point's own. */
export async function ownedBy<T>(owner: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof SinewError && e.owner === 'sinew') throw e.withOwner(owner);
    throw e;
  }
}

/** A short, readable rendering of a received value for an error message. */
export function describe(value: unknown, depth = 0): string {
  if (typeof value === 'string') return value.length > 80 ? `'${value.slice(0, 77)}…' (${value.length} characters)` : `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  // Short arrays are shown, two levels deep at most (a hostile value may nest thousands of levels).
  if (Array.isArray(value)) return value.length <= 6 && depth < 2 ? `[${value.map((v) => describe(v, depth + 1)).join(', ')}]` : `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/** Levenshtein distance, case-insensitive (names are short; O(a·b) is fine). */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The known name closest to `name`, if it is close enough to be a plausible typo. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** ``unknown activation 'rleu'; did you mean 'relu'? Known: linear, relu, …`` */
export function unknownNameError(kind: string, name: unknown, known: readonly string[]): Error {
  const guess = typeof name === 'string' ? closestName(name, known) : undefined;
  const hint = guess ? `; did you mean '${guess}'?` : ';';
  return new SinewError(`unknown ${kind} ${describe(name)}${hint} Known: ${known.join(', ')}`);
}

/** Throws unless `value` is an integer ≥ `min` (default 1). `owner` is the function or class, `arg` the argument. */
export function checkInteger(owner: string, arg: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const what = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`;
    throw new SinewError(`${owner}: expected \`${arg}\` to be ${what}, received ${describe(value)}`);
  }
  return value;
}

/** Seeds are integers in [0, 2³² − 1] (the generators' 32-bit state): larger ones would alias. */
export const MAX_SEED = 2 ** 32 - 1;

/** An integer seed in [0, 2³² − 1]. */
export function checkSeed(owner: string, arg: string, value: unknown): number {
  const seed = checkInteger(owner, arg, value, 0);
  if (seed > MAX_SEED) throw new SinewError(`${owner}: expected \`${arg}\` to be an integer in [0, ${MAX_SEED}], received ${seed}`);
  return seed;
}

/**
 * Throws unless `value` is a finite number in the range. `lowOpen`/`highOpen` exclude the ends.
 * Example message: ``SGD: expected `learningRate` to be a number > 0, received -1``.
 */
export function checkNumber(owner: string, arg: string, value: unknown, range: { min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean } = {}): number {
  const { min, max, minOpen = false, maxOpen = false } = range;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (min === undefined || (minOpen ? value > min : value >= min)) &&
    (max === undefined || (maxOpen ? value < max : value <= max));
  if (!ok) {
    const parts: string[] = [];
    if (min !== undefined) parts.push(`${minOpen ? '>' : '≥'} ${min}`);
    if (max !== undefined) parts.push(`${maxOpen ? '<' : '≤'} ${max}`);
    const expected = parts.length === 0 ? 'a finite number' : parts.length === 1 ? `a number ${parts[0]}` : `a number ${parts[0]} and ${parts[1]}`;
    throw new SinewError(`${owner}: expected \`${arg}\` to be ${expected}, received ${describe(value)}`);
  }
  return value as number;
}

/** Throws when `options` has a key not in `known` (catches `learning_rate` vs `learningRate` typos). */
export function checkOptionKeys(owner: string, options: object | undefined, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new SinewError(`${owner}: expected an options object, received ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const guess = closestName(key, known);
      throw new SinewError(`${owner}: unknown option \`${key}\`${guess ? `; did you mean \`${guess}\`?` : ''} Known: ${known.join(', ')}`);
    }
  }
}

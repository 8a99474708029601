// What a layer needs to read its own Keras config from a model file: a cursor over untrusted JSON
// that names the field it stands on in every error. The io folder implements it (io/untrusted.ts);
// layers see only this shape, so reading a file stays io's business and layers depend on nothing above.

export interface ConfigReader {
  readonly value: unknown;
  readonly path: string;
  fail(expected: string, received?: string): never;
  isMissing(): boolean;
  object(expected?: string): this;
  get(key: string): ConfigReader;
  getAny(keys: readonly string[]): ConfigReader;
  array(maxLength: number, expected?: string): ConfigReader[];
  string(maxLength?: number): string;
  oneOf<T extends string>(choices: readonly T[]): T;
  int(min: number, max: number): number;
  number(min?: number, max?: number): number;
  boolean(): boolean;
  optional<T>(read: (u: ConfigReader) => T, fallback: T): T;
  /** Fails unless the field is absent or null: sinew does not implement what it would configure. */
  unsupported(what: string): void;
}

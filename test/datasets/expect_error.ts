import { expect } from 'vitest';
import { SinewError } from '../../src/errors.js';

/** `f` throws a SinewError whose message is exactly `message`. */
export function expectError(f: () => unknown, message: string): void {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected to throw: ${message}`).toBeInstanceOf(SinewError);
  expect((thrown as SinewError).message).toBe(message);
}

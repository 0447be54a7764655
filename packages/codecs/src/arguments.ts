/**
 * Argument guards for the public entry points: API misuse (a plain array
 * where PCM is expected, a missing buffer) throws a TypeError that names the
 * argument, instead of being silently coerced or failing deep inside a loop.
 *
 * @module
 */

/** A short description of what was passed, for error messages. */
function kind(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'object';
}

/** @throws TypeError naming `name` unless `value` is an Int16Array */
export function requireInt16Array(value: unknown, name: string): asserts value is Int16Array {
  if (!(value instanceof Int16Array)) throw new TypeError(`${name} must be an Int16Array, got ${kind(value)}`);
}

/** @throws TypeError naming `name` unless `value` is a Uint8Array (a Buffer is one) */
export function requireUint8Array(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array, got ${kind(value)}`);
}

/** @throws TypeError naming `name` unless `value` is a string */
export function requireString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${kind(value)}`);
}

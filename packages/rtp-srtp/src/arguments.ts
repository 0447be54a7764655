/**
 * Argument guards for the public entry points: API misuse (a number or plain
 * array where packet bytes are expected) throws a TypeError that names the
 * argument, never a parse error (which means bad input) or a Node-internal one.
 *
 * @module
 */

/** A short description of what was passed, for error messages. */
function kind(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'object';
}

/** @throws TypeError naming `name` unless `value` is a Uint8Array (a Buffer is one) */
export function requireBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array, got ${kind(value)}`);
}

/** @throws TypeError naming `name` unless `value` is a string */
export function requireString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${kind(value)}`);
}

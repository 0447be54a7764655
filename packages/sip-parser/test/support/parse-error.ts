/**
 * Assertions on the parser's one error type, shared by the table tests: each
 * bad input is a row keyed by its expected `code` (STYLE.md §13).
 */
import { expect } from 'vitest';
import { SipParseError } from '../../src/errors.js';

/** What a test expects of a SipParseError beyond its code; unset fields are not checked. */
export interface ExpectedParseError {
  /** The offset the error points at. */
  readonly offset?: number | undefined;
  /** The header named by the error; the message must then read `<header>: … at offset N`. */
  readonly header?: string | undefined;
  /** The status the error suggests answering with. */
  readonly statusHint?: number | undefined;
}

/**
 * Run `f`, expecting it to throw a SipParseError with `code` whose message ends
 * with the offset (and starts with the header, when one is expected). Returns
 * the error for further checks; fails when `f` throws nothing.
 */
export function expectParseError(f: () => unknown, code: string, expected: ExpectedParseError = {}): SipParseError {
  const { offset, header, statusHint } = expected;
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SipParseError);
    const err = e as SipParseError;
    expect(err.code).toBe(code);
    if (offset !== undefined) expect(err.offset).toBe(offset);
    if (header !== undefined) expect(err.header).toBe(header);
    if (statusHint !== undefined) expect(err.statusHint).toBe(statusHint);
    if (header === undefined) expect(err.message).toMatch(/at offset \d+/);
    else expect(err.message).toMatch(new RegExp(`^${header.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .* at offset \\d+$`));
    return err;
  }
  throw new Error('expected a SipParseError');
}

/**
 * Call each of `fs`: it may return anything, but the only thing it may throw is
 * a SipParseError (untrusted text never throws anything else, STYLE.md §7).
 */
export function expectOnlySipParseErrors(...fs: Array<() => unknown>): void {
  for (const f of fs) {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(SipParseError);
    }
  }
}

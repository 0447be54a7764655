/**
 * Printing strings that came from the network (From, To, UUI text, reason
 * phrases, Warning text) without letting them move the cursor, clear the
 * screen or forge extra lines.
 *
 * @module
 */

// C0 and C1 controls, DEL, and the Unicode line/paragraph separators.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const escapeChar = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * A logfmt value: bare when it is plain, else a JSON string literal with
 * every control character escaped.
 *
 * @param value - any text
 */
export function logfmtValue(value: string): string {
  if (value !== '' && !/[\s"=\\]/.test(value) && !new RegExp(UNSAFE.source).test(value)) return value;
  return JSON.stringify(value).replace(UNSAFE, escapeChar);
}

/**
 * `JSON.stringify`, with the C1 controls and line separators JSON leaves raw escaped too.
 *
 * @param value - anything JSON can hold
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, escapeChar);
}

/**
 * Text with control characters escaped (`\u001b`), for free-form lines.
 *
 * @param value - any text
 */
export function printable(value: string): string {
  return value.replace(UNSAFE, escapeChar);
}

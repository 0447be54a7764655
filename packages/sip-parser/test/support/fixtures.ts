/**
 * Loading the checked-in torture corpora (`test/fixtures/rfc4475`,
 * `test/fixtures/rfc5118`): the raw bytes, and for tests of one header parser,
 * a fixture's start line and unfolded header values.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Read a fixture file as bytes. */
export function fixture(dir: 'rfc4475' | 'rfc5118', file: string): Uint8Array {
  return new Uint8Array(readFileSync(`${FIXTURES}${dir}/${file}`));
}

/** The head of a message: its start line, and each header as `[name as written, unfolded value]`. */
export interface FixtureHead {
  readonly startLine: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

/**
 * Start line and unfolded headers of fixture `<name>.dat` (RFC 4475 unless `dir` says), read as
 * UTF-8. Folded lines (leading SP/HTAB) join the previous value with one space (RFC 3261 §7.3.1).
 */
export function fixtureHead(name: string, dir: 'rfc4475' | 'rfc5118' = 'rfc4475'): FixtureHead {
  const text = readFileSync(`${FIXTURES}${dir}/${name}.dat`).toString('utf8');
  const endOfHead = text.indexOf('\r\n\r\n');
  const lines = (endOfHead === -1 ? text : text.slice(0, endOfHead)).split('\r\n');
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    const last = headers[headers.length - 1];
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      last[1] = `${last[1]} ${line.trim()}`.trim();
    } else if (line.length > 0) {
      const colon = line.indexOf(':');
      headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
  }
  return { startLine: lines[0] ?? '', headers };
}

/**
 * Unfolded values, in order, of the headers of fixture `<file>.dat` (RFC 4475 unless `dir` says)
 * named any of `names` (case-insensitive; a compact form is a name of its own).
 */
export function fixtureHeaderValues(
  file: string,
  names: string | readonly string[],
  dir: 'rfc4475' | 'rfc5118' = 'rfc4475',
): string[] {
  const wanted = new Set((typeof names === 'string' ? [names] : names).map((n) => n.toLowerCase()));
  return fixtureHead(file, dir)
    .headers.filter(([n]) => wanted.has(n.toLowerCase()))
    .map(([, v]) => v);
}

/** The first unfolded value of header `name` in RFC 4475 fixture `<file>.dat`; throws when absent. */
export function fixtureHeaderValue(file: string, name: string): string {
  const value = fixtureHeaderValues(file, name)[0];
  if (value === undefined) throw new Error(`${name} not in ${file}`);
  return value;
}

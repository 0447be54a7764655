/**
 * Shared helpers for the torture-corpus tests (RFC 4475, RFC 5118): loading
 * the byte-exact fixtures and running a message through the parser and the
 * validator the way a receiving element would.
 */
import { readFileSync } from 'node:fs';
import { SipParseError } from '../../src/errors.js';
import type { SipRequest, SipResponse } from '../../src/message.js';
import { parseMessage } from '../../src/parse.js';
import { validateMessage, type ValidateOptions, type ValidationResult } from '../../src/validate.js';
import { FIXTURES, fixture } from './fixtures.js';

export { fixture };

/** One RFC 4475 entry of `fixtures/rfc4475/index.json`. */
export interface Rfc4475Entry {
  readonly file: string;
  readonly name: string;
  readonly section: string;
  readonly title: string;
  readonly rfc_says: string;
  readonly parser_should: 'accept' | 'reject' | 'accept-or-reject';
  readonly element_should: string;
  readonly notes: string;
  readonly kind: 'request' | 'response';
  readonly bytes: number;
  readonly header_bytes: number | null;
  readonly sha256: string;
}

/** One RFC 5118 entry of `fixtures/rfc5118/index.json`. */
export interface Rfc5118Entry {
  readonly file: string;
  readonly name: string;
  readonly section: string;
  readonly title: string;
  readonly verdict: 'accept' | 'reject';
  readonly status?: number;
  readonly notes: string;
  readonly content_length?: number;
  readonly content_length_printed_in_rfc?: number;
  readonly bytes: number;
  readonly sha256: string;
}

/** The `messages` array of a corpus index. */
export function corpusIndex(dir: 'rfc4475'): Rfc4475Entry[];
export function corpusIndex(dir: 'rfc5118'): Rfc5118Entry[];
export function corpusIndex(dir: 'rfc4475' | 'rfc5118'): Rfc4475Entry[] | Rfc5118Entry[] {
  const doc = JSON.parse(readFileSync(`${FIXTURES}${dir}/index.json`, 'utf8')) as {
    messages: Rfc4475Entry[] | Rfc5118Entry[];
  };
  return doc.messages;
}

/** A corpus by its entries' names, for the conformance tests. */
export interface Corpus<E extends Rfc4475Entry | Rfc5118Entry> {
  /** Every entry of the corpus index, in order. */
  readonly index: E[];
  /** The entry named `name`; throws when there is none. */
  entry(name: string): E;
  /** The bytes of the entry named `name`. */
  bytesOf(name: string): Uint8Array;
  /** A test title: `RFC <n> §<section> <name>: <title>`, then ` — <what>` when given. */
  title(name: string, what?: string): string;
}

/** One torture corpus, loaded from its index. */
export function corpus(dir: 'rfc4475'): Corpus<Rfc4475Entry>;
export function corpus(dir: 'rfc5118'): Corpus<Rfc5118Entry>;
export function corpus(dir: 'rfc4475' | 'rfc5118'): Corpus<Rfc4475Entry> | Corpus<Rfc5118Entry> {
  return dir === 'rfc4475' ? corpusOf(dir, corpusIndex(dir)) : corpusOf(dir, corpusIndex(dir));
}

function corpusOf<E extends Rfc4475Entry | Rfc5118Entry>(dir: 'rfc4475' | 'rfc5118', index: E[]): Corpus<E> {
  const rfc = dir.slice(3);
  const byName = new Map(index.map((e) => [e.name, e]));
  const entry = (name: string): E => {
    const e = byName.get(name);
    if (e === undefined) throw new Error(`no RFC ${rfc} fixture ${name}`);
    return e;
  };
  return {
    index,
    entry,
    bytesOf: (name) => fixture(dir, entry(name).file),
    title: (name, what = '') => {
      const e = entry(name);
      return `RFC ${rfc} §${e.section} ${e.name}: ${e.title}${what === '' ? '' : ` — ${what}`}`;
    },
  };
}

/** What became of a message at a receiving element. */
export type Outcome =
  | { readonly kind: 'parse-error'; readonly error: SipParseError }
  | { readonly kind: 'message'; readonly message: SipRequest | SipResponse; readonly verdict: ValidationResult };

/**
 * Parse (as a UDP datagram) and validate, as a UAS or proxy would. Anything
 * thrown that is not a SipParseError escapes, failing the test.
 */
export function receive(bytes: Uint8Array, options: ValidateOptions = {}): Outcome {
  let message: SipRequest | SipResponse;
  try {
    message = parseMessage(bytes);
  } catch (e) {
    if (e instanceof SipParseError) return { kind: 'parse-error', error: e };
    throw e;
  }
  return { kind: 'message', message, verdict: validateMessage(message, options) };
}

/** True when the element refuses the message (parse error, or validation says no). */
export function isRejected(o: Outcome): boolean {
  return o.kind === 'parse-error' || !o.verdict.ok;
}

/** The status the element answers with (a parse error's hint, or the validator's status); null when accepted. */
export function rejectionStatus(o: Outcome): number | null {
  if (o.kind === 'parse-error') return o.error.statusHint;
  return o.verdict.ok ? null : o.verdict.status;
}

/** The parsed message, failing loudly when the parser refused it. */
export function accepted(o: Outcome): SipRequest | SipResponse {
  if (o.kind === 'parse-error') throw new Error(`parser rejected the message: ${o.error.code} ${o.error.message}`);
  return o.message;
}

/** The parsed request, failing loudly when it is a response or was refused. */
export function acceptedRequest(o: Outcome): SipRequest {
  const m = accepted(o);
  if (!m.isRequest) throw new Error('expected a request');
  return m;
}

/** The parsed response, failing loudly when it is a request or was refused. */
export function acceptedResponse(o: Outcome): SipResponse {
  const m = accepted(o);
  if (m.isRequest) throw new Error('expected a response');
  return m;
}

/** Bytes as latin1 text (one char per byte), for building expectations. */
export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

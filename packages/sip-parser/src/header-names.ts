/**
 * Header names: canonical spelling, compact forms and which headers carry a
 * comma-separated list of values.
 *
 * RFC 3261 §7.3.1: field names are case-insensitive. §7.3.3: compact forms
 * (one letter) are equivalent to the long names; later RFCs add more letters
 * (RFC 3265 `o`/`u`, RFC 3515 `r`, RFC 3892 `b`, RFC 4028 `x`, RFC 3841
 * `a`/`j`/`d`, RFC 4474 `y`/`n`).
 *
 * The scanner resolves a name to a small integer id without allocating a
 * string (see {@link NAME_TRANS}). Unknown names get id 0.
 */
import { TOKEN } from './charset.js';


/** Small integer identifying a known header; 0 is "unknown". */
export type HeaderId = number;

/** Id of any header not in the table. */
export const H_UNKNOWN = 0;
export const H_VIA = 1;
export const H_FROM = 2;
export const H_TO = 3;
export const H_CALL_ID = 4;
export const H_CSEQ = 5;
export const H_CONTACT = 6;
export const H_CONTENT_LENGTH = 7;
export const H_CONTENT_TYPE = 8;
export const H_MAX_FORWARDS = 9;
export const H_ROUTE = 10;
export const H_RECORD_ROUTE = 11;
export const H_TIMESTAMP = 12;

interface HeaderSpec {
  /** Canonical capitalisation, as RFC 3261 §20 (and the defining RFC) spell it. */
  readonly name: string;
  /** Compact form, if any. */
  readonly compact?: string;
  /**
   * True when the grammar is `header = name HCOLON value *(COMMA value)` so
   * several values may share a line (RFC 3261 §7.3.1) and a comma at the top
   * level separates values.
   */
  readonly list: boolean;
}

/**
 * Index = header id. The first entries match the `H_*` constants above; the
 * order of the rest does not matter.
 */
const SPECS: readonly HeaderSpec[] = [
  { name: '', list: false }, // H_UNKNOWN
  { name: 'Via', compact: 'v', list: true }, // §20.42
  { name: 'From', compact: 'f', list: false }, // §20.20
  { name: 'To', compact: 't', list: false }, // §20.39
  { name: 'Call-ID', compact: 'i', list: false }, // §20.8
  { name: 'CSeq', list: false }, // §20.16
  { name: 'Contact', compact: 'm', list: true }, // §20.10
  { name: 'Content-Length', compact: 'l', list: false }, // §20.14
  { name: 'Content-Type', compact: 'c', list: false }, // §20.15
  { name: 'Max-Forwards', list: false }, // §20.22
  { name: 'Route', list: true }, // §20.34
  { name: 'Record-Route', list: true }, // §20.30
  { name: 'Timestamp', list: false }, // §20.38
  // RFC 3261 §20, the rest in alphabetical order.
  { name: 'Accept', list: true }, // §20.1
  { name: 'Accept-Encoding', list: true }, // §20.2
  { name: 'Accept-Language', list: true }, // §20.3
  { name: 'Alert-Info', list: true }, // §20.4
  { name: 'Allow', list: true }, // §20.5
  { name: 'Authentication-Info', list: false }, // §20.6 (its commas separate auth params)
  { name: 'Authorization', list: false }, // §20.7
  { name: 'Call-Info', list: true }, // §20.9
  { name: 'Content-Disposition', list: false }, // §20.11
  { name: 'Content-Encoding', compact: 'e', list: true }, // §20.12
  { name: 'Content-Language', list: true }, // §20.13
  { name: 'Date', list: false }, // §20.17 (rfc1123-date has a comma)
  { name: 'Error-Info', list: true }, // §20.18
  { name: 'Expires', list: false }, // §20.19
  { name: 'In-Reply-To', list: true }, // §20.21
  { name: 'MIME-Version', list: false }, // §20.24
  { name: 'Min-Expires', list: false }, // §20.23
  { name: 'Organization', list: false }, // §20.25
  { name: 'Priority', list: false }, // §20.26
  { name: 'Proxy-Authenticate', list: false }, // §20.27
  { name: 'Proxy-Authorization', list: false }, // §20.28
  { name: 'Proxy-Require', list: true }, // §20.29
  { name: 'Reply-To', list: false }, // §20.31
  { name: 'Require', list: true }, // §20.32
  { name: 'Retry-After', list: false }, // §20.33
  { name: 'Server', list: false }, // §20.35
  { name: 'Subject', compact: 's', list: false }, // §20.36
  { name: 'Supported', compact: 'k', list: true }, // §20.37
  { name: 'Unsupported', list: true }, // §20.40
  { name: 'User-Agent', list: false }, // §20.41
  { name: 'Warning', list: true }, // §20.43
  { name: 'WWW-Authenticate', list: false }, // §20.44
  // Extensions.
  { name: 'Event', compact: 'o', list: false }, // RFC 6665 §8.2.1 (was RFC 3265)
  { name: 'Allow-Events', compact: 'u', list: true }, // RFC 6665 §8.2.2
  { name: 'Subscription-State', list: false }, // RFC 6665 §8.2.3
  { name: 'Refer-To', compact: 'r', list: false }, // RFC 3515 §2.1
  { name: 'Referred-By', compact: 'b', list: false }, // RFC 3892 §3
  { name: 'Refer-Sub', list: false }, // RFC 4488
  { name: 'Session-Expires', compact: 'x', list: false }, // RFC 4028 §4
  { name: 'Min-SE', list: false }, // RFC 4028 §5
  { name: 'Accept-Contact', compact: 'a', list: true }, // RFC 3841 §9.2
  { name: 'Reject-Contact', compact: 'j', list: true }, // RFC 3841 §9.2
  { name: 'Request-Disposition', compact: 'd', list: true }, // RFC 3841 §9.1
  { name: 'Identity', compact: 'y', list: false }, // RFC 4474 (RFC 8224 drops the compact form)
  { name: 'Identity-Info', compact: 'n', list: false }, // RFC 4474
  { name: 'RSeq', list: false }, // RFC 3262 §7.1
  { name: 'RAck', list: false }, // RFC 3262 §7.2
  { name: 'Reason', list: true }, // RFC 3326 §2
  { name: 'Replaces', list: false }, // RFC 3891 §6.1
  { name: 'Join', list: false }, // RFC 3911
  { name: 'Path', list: true }, // RFC 3327
  { name: 'Service-Route', list: true }, // RFC 3608
  { name: 'Privacy', list: false }, // RFC 3323 (values separated by ";")
  { name: 'P-Asserted-Identity', list: true }, // RFC 3325
  { name: 'P-Preferred-Identity', list: true }, // RFC 3325
  { name: 'History-Info', list: true }, // RFC 7044
  { name: 'Diversion', list: true }, // RFC 5806
  { name: 'User-to-User', list: false }, // RFC 7433 (one value per header field)
  { name: 'Security-Client', list: true }, // RFC 3329
  { name: 'Security-Server', list: true }, // RFC 3329
  { name: 'Security-Verify', list: true }, // RFC 3329
  { name: 'Target-Dialog', list: false }, // RFC 4538
  { name: 'Max-Breadth', list: false }, // RFC 5393
  { name: 'Recv-Info', list: true }, // RFC 6086
  { name: 'Info-Package', list: false }, // RFC 6086
  { name: 'Resource-Priority', list: true }, // RFC 4412
  { name: 'Accept-Resource-Priority', list: true }, // RFC 4412
  { name: 'Geolocation', list: true }, // RFC 6442
  { name: 'Geolocation-Routing', list: false }, // RFC 6442
  { name: 'Feature-Caps', list: true }, // RFC 6809
  { name: 'P-Access-Network-Info', list: true }, // RFC 7315
  { name: 'P-Charging-Vector', list: false }, // RFC 7315
  { name: 'P-Called-Party-ID', list: false }, // RFC 7315
  { name: 'P-Visited-Network-ID', list: true }, // RFC 7315
  { name: 'P-Associated-URI', list: true }, // RFC 7315
  { name: 'Session-ID', list: false }, // RFC 7989
];

/** Number of known header ids (ids are `0 .. HEADER_ID_COUNT - 1`). */
export const HEADER_ID_COUNT = SPECS.length;

const CANONICAL: readonly string[] = SPECS.map((s) => s.name);
const COMPACT: readonly (string | undefined)[] = SPECS.map((s) => s.compact);
/** 1 where the header is a comma-separated list (RFC 3261 §7.3.1). */
const LIST = Uint8Array.from(SPECS, (s) => (s.list ? 1 : 0));

/** ASCII lower-case of every byte value; other bytes map to themselves. */
export const LOWER: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
  return t;
})();

// Header names are recognised by a small DFA over case-folded characters, so
// the scanner resolves a name in the same pass that checks it is a token:
// one table load per character, no string allocation, no second compare.
// (Measured: about as fast as the bare token check; a hash plus a confirming
// compare cost twice as much.)
//
// Character classes: 0 = not a token character (ends the name), 1..26 =
// letters (either case), 27 = "-", 28 = any other token character (digits,
// "!", "%", ...: no known name has one, so it leads to the dead state).
/** log2 of the row width of {@link NAME_TRANS}: `next = NAME_TRANS[(state << NAME_SHIFT) | class]`. */
export const NAME_SHIFT = 5;
/** Byte -> character class (0 for non-token bytes). */
export const NAME_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) {
    if (TOKEN[c] !== 1) continue;
    const l = LOWER[c]!;
    t[c] = l >= 0x61 && l <= 0x7a ? l - 0x60 : c === 0x2d ? 27 : 28;
  }
  return t;
})();
/** Start state of {@link NAME_TRANS}; state 0 is dead (unknown name). */
export const NAME_START = 1;

const dfa = (() => {
  const width = 1 << NAME_SHIFT;
  const rows: number[][] = [new Array<number>(width).fill(0), new Array<number>(width).fill(0)];
  const accept: number[] = [0, 0];
  const add = (key: string, id: number): void => {
    let st = NAME_START;
    for (let i = 0; i < key.length; i++) {
      const k = NAME_CLASS[key.charCodeAt(i)]!;
      let next = rows[st]![k]!;
      if (next === 0) {
        next = rows.length;
        rows.push(new Array<number>(width).fill(0));
        accept.push(0);
        rows[st]![k] = next;
      }
      st = next;
    }
    accept[st] = id;
  };
  for (let id = 1; id < SPECS.length; id++) {
    add(CANONICAL[id]!.toLowerCase(), id);
    const c = COMPACT[id];
    if (c !== undefined) add(c, id);
  }
  const trans = new Uint16Array(rows.length * width);
  rows.forEach((r, st) => trans.set(r, st * width));
  return { trans, accept: Uint8Array.from(accept) };
})();

/** Transition table of the name DFA. */
export const NAME_TRANS: Uint16Array = dfa.trans;
/** Header id reached in each state (0 when the state ends no known name). */
export const NAME_ACCEPT: Uint8Array = dfa.accept;

/** Header id for a name given as a string (long or compact, any case); 0 when unknown. */
export function headerId(name: string): HeaderId {
  let st = NAME_START;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const k = c < 256 ? NAME_CLASS[c]! : 0;
    if (k === 0) return H_UNKNOWN;
    st = NAME_TRANS[(st << NAME_SHIFT) | k]!;
  }
  return NAME_ACCEPT[st]!;
}

/** True when header `id` is a comma-separated list (RFC 3261 §7.3.1). */
export function isListHeaderId(id: HeaderId): boolean {
  return LIST[id] === 1;
}

/**
 * True when the header named `name` may carry several comma-separated values
 * on one line (Via, Contact, Route, Allow, Supported, ...). Single-value
 * headers (From, To, Call-ID, CSeq, Date, the authentication headers,
 * Subject, unknown headers) are never split on commas.
 */
export function isListHeader(name: string): boolean {
  return LIST[headerId(name)] === 1;
}

/** Canonical spelling of header `id` (`''` for {@link H_UNKNOWN}). */
export function canonicalNameOfId(id: HeaderId): string {
  return CANONICAL[id] ?? '';
}

/**
 * Canonical capitalisation of a header name: compact forms expand to the
 * long name (`i` → `Call-ID`), known names take the spelling of their RFC
 * (`call-id` → `Call-ID`, `cseq` → `CSeq`), unknown names are returned as given.
 */
export function canonicalHeaderName(name: string): string {
  const id = headerId(name);
  return id === H_UNKNOWN ? name : CANONICAL[id]!;
}

/** The compact form of a header (RFC 3261 §7.3.3), if it has one: `Via` → `v`. */
export function compactHeaderName(name: string): string | undefined {
  return COMPACT[headerId(name)];
}

// Exact-case fast path. Names on the wire are almost always spelled as their
// RFC spells them, so the scanner first looks the name's first four bytes up
// in a small hash table of canonical spellings and confirms the rest with a
// byte compare (independent loads, where the DFA's are a chain), then falls
// back to the case-insensitive DFA on a miss. A confirmed canonical name is a
// token by construction (RFC 3261 §7.3.1). Names shorter than four bytes are
// keyed with the `:` (and for two-byte names the SP) that follows them in
// canonical form, `Via:` and `To: `; the compact forms are left to the DFA.

/** @internal Bucket of a name's first four bytes read little-endian, `b0 | b1 << 8 | b2 << 16 | b3 << 24`. */
export function exactBucket(w0: number): number {
  return Math.imul(w0, 0x9e3779b1) >>> (32 - EXACT_BITS);
}
/** log2 of the number of buckets. */
const EXACT_BITS = 8;

const exact = (() => {
  const keyed: { name: string; id: number; w0: number; bucket: number }[] = [];
  for (let id = 1; id < SPECS.length; id++) {
    const name = CANONICAL[id]!;
    const key = name.length >= 4 ? name : name.length === 3 ? `${name}:` : name.length === 2 ? `${name}: ` : null;
    if (key === null) continue;
    const w0 = (key.charCodeAt(0) | (key.charCodeAt(1) << 8) | (key.charCodeAt(2) << 16) | (key.charCodeAt(3) << 24)) | 0;
    keyed.push({ name, id, w0, bucket: exactBucket(w0) });
  }
  // Stable sort: within a bucket, ids keep the table order (common names first).
  keyed.sort((a, b) => a.bucket - b.bucket);
  const buckets = 1 << EXACT_BITS;
  const start = new Uint16Array(buckets + 1);
  for (const k of keyed) start[k.bucket + 1]!++;
  for (let h = 0; h < buckets; h++) start[h + 1]! += start[h]!;
  const chars: number[] = [];
  const off = new Uint16Array(keyed.length);
  keyed.forEach((k, j) => {
    off[j] = chars.length;
    for (let i = 0; i < k.name.length; i++) chars.push(k.name.charCodeAt(i));
  });
  return {
    start,
    w0: Int32Array.from(keyed, (k) => k.w0),
    id: Uint8Array.from(keyed, (k) => k.id),
    len: Uint8Array.from(keyed, (k) => k.name.length),
    off,
    chars: Uint8Array.from(chars),
  };
})();

/** @internal Bucket `h` holds candidates `EXACT_START[h] .. EXACT_START[h + 1] - 1`. */
export const EXACT_START: Uint16Array = exact.start;
/** Per candidate: its key's first four bytes, as {@link exactBucket} takes them. */
export const EXACT_W0: Int32Array = exact.w0;
/** Per candidate: the header id. */
export const EXACT_ID: Uint8Array = exact.id;
/** Per candidate: the length of the canonical name. */
export const EXACT_LEN: Uint8Array = exact.len;
/** Per candidate: where its canonical name starts in {@link EXACT_CHARS}. */
export const EXACT_OFF: Uint16Array = exact.off;
/** The canonical names' bytes, back to back. */
export const EXACT_CHARS: Uint8Array = exact.chars;

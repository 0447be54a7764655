/**
 * Via header values — RFC 3261 §20.42, §25.1; `rport` RFC 3581; IPv6
 * sent-by and `received` RFC 5118.
 */
import { SipParseError } from './errors.js';
import {
  describeChar,
  findParam,
  isTokenChar,
  opts,
  parseParams,
  skipLws,
  splitHeaderValueSpans,
  trimLwsEnd,
} from './header-values.js';
import { asciiLower } from './charset.js';
import { ipv6Groups, isIPv4, scanHost, scanPort, scannedPort } from './uri.js';
import type { Param, Via } from './types.js';

const H = 'Via';

function bad(i: number, what: string): SipParseError {
  return new SipParseError('BAD_VIA', `${H}: ${what} at offset ${i}`, opts(i, H));
}

/** token at `i`; returns its end (=== i when none). */
function token(text: string, i: number, end: number): number {
  while (i < end && isTokenChar(text.charCodeAt(i))) i++;
  return i;
}

/**
 * A {@link Via} exactly as parsed; `formatVia` trusts its `raw`. An edited
 * copy (`{ ...via, received }`) is a plain object, formatted from its parts.
 */
class ParsedVia implements Via {
  constructor(
    readonly protocol: string,
    readonly transport: string,
    readonly host: string,
    readonly port: number | null,
    readonly sentBy: string,
    readonly branch: string | null,
    readonly received: string | null,
    readonly rport: number | true | null,
    readonly params: readonly Param[],
    readonly raw: string,
  ) {}
}

/**
 * Parse one via-parm (split a multi-value Via with {@link parseViaList}).
 *
 * ```abnf
 * via-parm      = sent-protocol LWS sent-by *( SEMI via-params )     ; §25.1
 * sent-protocol = protocol-name SLASH protocol-version SLASH transport
 * SLASH         = SWS "/" SWS
 * sent-by       = host [ COLON port ]        ; COLON = SWS ":" SWS
 * via-params    = via-ttl / via-maddr / via-received / via-branch / via-extension
 * via-ttl       = "ttl" EQUAL ttl             ; 1*3DIGIT, 0-255
 * via-maddr     = "maddr" EQUAL host
 * via-received  = "received" EQUAL (IPv4address / IPv6address)   ; RFC 5118 §4.5: no brackets
 * via-branch    = "branch" EQUAL token
 * response-port = "rport" [EQUAL 1*DIGIT]     ; RFC 3581 §3
 * ```
 *
 * `protocol` is `name/version` as written without the LWS; `transport` is
 * upper-cased; everything else is kept as written.
 *
 * @throws SipParseError BAD_VIA for structural errors and bad branch/received/rport/ttl/maddr
 *   values, BAD_PARAMETER for an empty parameter (`;;`), BAD_QUOTED_STRING.
 * @example
 * parseVia('SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds').branch // 'z9hG4bK776asdhds'
 */
export function parseVia(text: string): Via {
  return parseViaRange(text, 0, text.length);
}

/**
 * {@link parseVia} over `text[start, end)`; offsets index into `text`.
 *
 * @internal
 */
export function parseViaRange(text: string, start: number, end: number): Via {
  let i = skipLws(text, start, end);
  end = trimLwsEnd(text, i, end);
  const rawStart = i;
  // protocol-name SLASH protocol-version SLASH transport
  const n0 = i;
  i = token(text, i, end);
  if (i === n0) throw bad(i, `expected protocol name but found ${describeChar(text, i)}`);
  const n1 = i;
  i = slash(text, i, end, 'protocol name');
  const v0 = i;
  i = token(text, i, end);
  if (i === v0) throw bad(i, `expected protocol version but found ${describeChar(text, i)}`);
  const v1 = i;
  i = slash(text, i, end, 'protocol version');
  const t0 = i;
  i = token(text, i, end);
  if (i === t0) throw bad(i, `expected transport but found ${describeChar(text, i)}`);
  const transport = text.slice(t0, i).toUpperCase();
  // LWS sent-by
  const h0 = skipLws(text, i, end);
  if (h0 === i) throw bad(i, `expected whitespace before sent-by but found ${describeChar(text, i)}`);
  const host = scanHost(text, h0, end, H, 'BAD_VIA');
  i = host.end;
  let port: number | null = null;
  const c0 = skipLws(text, i, end);
  if (c0 < end && text.charCodeAt(c0) === 0x3a) {
    const p0 = skipLws(text, c0 + 1, end);
    i = scanPort(text, p0, end, H, 'BAD_VIA');
    port = scannedPort();
  }
  const sentBy = text.slice(h0, i);
  const { params, end: pe } = parseParams(text, i, end, H);
  if (pe < end) throw bad(pe, `unexpected ${describeChar(text, pe)} after sent-by and parameters`);

  let branch: string | null = null;
  let received: string | null = null;
  let rport: number | true | null = null;
  for (const p of params) {
    switch (asciiLower(p.name)) {
      case 'branch':
        if (branch === null) branch = checkBranch(p, text, rawStart);
        break;
      case 'received':
        if (received === null) received = checkReceived(p, text, rawStart);
        break;
      case 'rport':
        if (rport === null) rport = checkRport(p, text, rawStart);
        break;
      case 'ttl':
        checkTtl(p, text, rawStart);
        break;
      case 'maddr':
        checkMaddr(p, text, rawStart);
        break;
      default:
        break;
    }
  }
  return new ParsedVia(
    text.slice(n0, n1) + '/' + text.slice(v0, v1),
    transport,
    text.slice(host.start, host.end),
    port,
    sentBy,
    branch,
    received,
    rport,
    params,
    rawStart === 0 && end === text.length ? text : text.slice(rawStart, end),
  );
}

/** SLASH = SWS "/" SWS — returns the index after it. */
function slash(text: string, i: number, end: number, after: string): number {
  const j = skipLws(text, i, end);
  if (j >= end || text.charCodeAt(j) !== 0x2f) throw bad(j, `expected "/" after ${after} but found ${describeChar(text, j)}`);
  return skipLws(text, j + 1, end);
}

/** Offset of a parameter in the value, for error messages (first occurrence of its name). */
function paramOffset(p: Param, text: string, from: number): number {
  const k = text.indexOf(p.name, from);
  return k === -1 ? from : k;
}

function checkBranch(p: Param, text: string, from: number): string {
  const v = p.value;
  if (v === null || token(v, 0, v.length) !== v.length) {
    throw bad(paramOffset(p, text, from), 'branch needs a token value');
  }
  return v;
}

function checkReceived(p: Param, text: string, from: number): string {
  const v = p.value;
  if (v !== null) {
    if (isIPv4(v, 0, v.length)) return v;
    // RFC 5118 §4.5 writes it bare; a bracketed form is tolerated
    const inner = v.charCodeAt(0) === 0x5b && v.charCodeAt(v.length - 1) === 0x5d ? v.slice(1, -1) : v;
    if (ipv6Groups(inner, 0, inner.length) !== null) return v;
  }
  throw bad(paramOffset(p, text, from), `received needs an IPv4 or IPv6 address, got ${JSON.stringify(v)}`);
}

function checkRport(p: Param, text: string, from: number): number | true {
  const v = p.value;
  if (v === null) return true;
  let n = 0;
  for (let k = 0; k < v.length; k++) {
    const c = v.charCodeAt(k);
    if (c < 0x30 || c > 0x39 || (n = n * 10 + (c - 0x30)) > 65535) {
      throw bad(paramOffset(p, text, from), `rport needs a port number 0-65535, got ${JSON.stringify(v)}`);
    }
  }
  return n;
}

function checkTtl(p: Param, text: string, from: number): void {
  const v = p.value;
  let ok = v !== null && v.length >= 1 && v.length <= 3;
  if (v !== null && ok) {
    let n = 0;
    for (let k = 0; k < v.length; k++) {
      const c = v.charCodeAt(k);
      if (c < 0x30 || c > 0x39) ok = false;
      n = n * 10 + (c - 0x30);
    }
    if (n > 255) ok = false;
  }
  if (!ok) throw bad(paramOffset(p, text, from), `ttl needs a number 0-255, got ${JSON.stringify(v)}`);
}

function checkMaddr(p: Param, text: string, from: number): void {
  const v = p.value;
  if (v === null) throw bad(paramOffset(p, text, from), 'maddr needs a host value');
  try {
    const h = scanHost(v, 0, v.length, H, 'BAD_VIA');
    if (h.end === v.length) return;
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
  }
  throw bad(paramOffset(p, text, from), `maddr needs a host, got ${JSON.stringify(v)}`);
}

/**
 * Parse a Via header value holding one or more comma-separated via-parms.
 *
 * ```abnf
 * Via = ( "Via" / "v" ) HCOLON via-parm *(COMMA via-parm)     ; §25.1
 * ```
 *
 * @throws SipParseError BAD_VIA when empty; BAD_HEADER_VALUE on an empty element (RFC 4475 badinv01).
 */
export function parseViaList(text: string): Via[] {
  const spans = splitHeaderValueSpans(text, H);
  if (spans.length === 0) throw bad(0, 'expected at least one via-parm');
  const out: Via[] = [];
  for (const [s, e] of spans) out.push(parseViaRange(text, s, e));
  return out;
}

/**
 * Write one via-parm. A value returned by the parser (unchanged) gives back
 * its `raw`; otherwise `protocol/transport host[:port]` and the params.
 * `branch`/`received`/`rport` fields are authoritative over `params` entries.
 */
export function formatVia(v: Via): string {
  if (v instanceof ParsedVia) return v.raw;
  const h = v.host;
  let out = `${v.protocol}/${v.transport} ${h.indexOf(':') !== -1 && h.charCodeAt(0) !== 0x5b ? `[${h}]` : h}`;
  if (v.port !== null) out += ':' + String(v.port);
  let wb = false;
  let wr = false;
  let wp = false;
  for (const p of v.params) {
    const n = p.name.toLowerCase();
    if (n === 'branch') {
      if (v.branch !== null && !wb) out += `;${p.name}=${v.branch}`;
      wb = true;
    } else if (n === 'received') {
      if (v.received !== null && !wr) out += `;${p.name}=${v.received}`;
      wr = true;
    } else if (n === 'rport') {
      if (v.rport !== null && !wp) out += v.rport === true ? `;${p.name}` : `;${p.name}=${v.rport}`;
      wp = true;
    } else {
      out += p.value === null ? `;${p.name}` : `;${p.name}=${p.value}`;
    }
  }
  if (!wb && v.branch !== null) out += `;branch=${v.branch}`;
  if (!wr && v.received !== null) out += `;received=${v.received}`;
  if (!wp && v.rport !== null) out += v.rport === true ? ';rport' : `;rport=${v.rport}`;
  return out;
}

/**
 * Via header values — RFC 3261 §20.42, §25.1; `rport` RFC 3581; IPv6
 * sent-by and `received` RFC 5118.
 */
import { SipParseError } from './errors.js';
import {
  GEN_VALUE,
  NO_PARAMS,
  paramName,
  describeChar,
  opts,
  quotedStringEnd,
  skipLws,
  splitHeaderValueSpans,
  trimLwsEnd,
} from './header-values.js';
import { TOKEN } from './charset.js';
import { digitsEnd, ipv6Groups, isIPv4, portValue, scanHost } from './uri.js';
import type { Param, Via } from './types.js';
import { requireString } from './arguments.js';

const H = 'Via';

function bad(i: number, what: string): SipParseError {
  return new SipParseError('BAD_VIA', `${H}: ${what} at offset ${i}`, opts(i, H));
}

/** token at `i`; returns its end (=== i when none). */
function token(text: string, i: number, end: number): number {
  let c = 0;
  while (i < end && (c = text.charCodeAt(i)) < 256 && TOKEN[c] === 1) i++;
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
  requireString(text, 'parseVia: text');
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
  const transport = transportName(text, t0, i);
  // LWS sent-by
  const h0 = skipLws(text, i, end);
  if (h0 === i) throw bad(i, `expected whitespace before sent-by but found ${describeChar(text, i)}`);
  const hs = scanHost(text, h0, end, H, 'BAD_VIA');
  const hostE = hs.end;
  i = hostE;
  let port: number | null = null;
  const c0 = skipLws(text, i, end);
  if (c0 < end && text.charCodeAt(c0) === 0x3a) {
    const p0 = skipLws(text, c0 + 1, end);
    i = digitsEnd(text, p0, end);
    port = portValue(text, p0, i, H, 'BAD_VIA');
  }
  const host = text.slice(h0, hostE);
  // Without a port sent-by is the host: one string for both.
  const sentBy = i === hostE ? host : text.slice(h0, i);
  // Parameters are collected in a reused scratch array, then copied at their exact size.
  const params = SCRATCH;
  const pe = scanViaParams(text, i, end, params);
  const count = scratchCount;
  if (pe < end) throw bad(pe, `unexpected ${describeChar(text, pe)} after sent-by and parameters`);

  let branch: string | null = null;
  let received: string | null = null;
  let rport: number | true | null = null;
  for (let k = 0; k < count; k++) {
    const p = params[k]!;
    switch (viaParamKind(p.name)) {
      case K_BRANCH:
        if (branch === null) branch = checkBranch(p, text, rawStart);
        break;
      case K_RECEIVED:
        if (received === null) received = checkReceived(p, text, rawStart);
        break;
      case K_RPORT:
        if (rport === null) rport = checkRport(p, text, rawStart);
        break;
      case K_TTL:
        checkTtl(p, text, rawStart);
        break;
      case K_MADDR:
        checkMaddr(p, text, rawStart);
        break;
      default:
        break;
    }
  }
  return new ParsedVia(
    protocolName(text, n0, n1, v0, v1),
    transport,
    host,
    port,
    sentBy,
    branch,
    received,
    rport,
    count === 0 ? NO_PARAMS : params.slice(0, count), // exact size: kept as long as the message
    rawStart === 0 && end === text.length ? text : text.slice(rawStart, end),
  );
}

/** `name/version` without the SWS; the constant `SIP/2.0` when that is what is written (no allocation). */
function protocolName(text: string, n0: number, n1: number, v0: number, v1: number): string {
  if (
    n1 - n0 === 3 &&
    v1 - v0 === 3 &&
    text.charCodeAt(n0) === 0x53 && // S
    text.charCodeAt(n0 + 1) === 0x49 && // I
    text.charCodeAt(n0 + 2) === 0x50 && // P
    text.charCodeAt(v0) === 0x32 && // 2
    text.charCodeAt(v0 + 1) === 0x2e && // .
    text.charCodeAt(v0 + 2) === 0x30 // 0
  ) {
    return 'SIP/2.0';
  }
  return text.slice(n0, n1) + '/' + text.slice(v0, v1);
}

/** Transport upper-cased; the common ones (§18, RFC 7118) come back as constants. */
function transportName(text: string, s: number, e: number): string {
  const n = e - s;
  if (n === 3) {
    const a = text.charCodeAt(s) | 0x20;
    const b = text.charCodeAt(s + 1) | 0x20;
    const c = text.charCodeAt(s + 2) | 0x20;
    if (a === 0x75 && b === 0x64 && c === 0x70) return 'UDP';
    if (a === 0x74 && b === 0x63 && c === 0x70) return 'TCP';
    if (a === 0x74 && b === 0x6c && c === 0x73) return 'TLS';
    if (a === 0x77 && b === 0x73 && c === 0x73) return 'WSS';
  } else if (n === 2 && (text.charCodeAt(s) | 0x20) === 0x77 && (text.charCodeAt(s + 1) | 0x20) === 0x73) {
    return 'WS';
  }
  return text.slice(s, e).toUpperCase();
}

const K_OTHER = 0;
const K_BRANCH = 1;
const K_RECEIVED = 2;
const K_RPORT = 3;
const K_TTL = 4;
const K_MADDR = 5;

/** Which via-params rule a parameter name falls under (ASCII case-insensitive, no allocation). */
function viaParamKind(name: string): number {
  switch (name.length) {
    case 3:
      return eqLower(name, 'ttl') ? K_TTL : K_OTHER;
    case 5:
      return name === 'rport' || eqLower(name, 'rport') ? K_RPORT : eqLower(name, 'maddr') ? K_MADDR : K_OTHER;
    case 6:
      return name === 'branch' || eqLower(name, 'branch') ? K_BRANCH : K_OTHER;
    case 8:
      return name === 'received' || eqLower(name, 'received') ? K_RECEIVED : K_OTHER;
    default:
      return K_OTHER;
  }
}

/** `s` equals the lower-case ASCII word `lower`, ignoring ASCII case (same length assumed). */
function eqLower(s: string, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) {
    const c = s.charCodeAt(k);
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== lower.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * `*( SEMI via-params )` from `i`, into `out`; the same grammar, tolerance and
 * errors as `parseParams` (which it replaces here to skip its result
 * object and helper calls). Returns the first index not consumed.
 *
 * ```abnf
 * via-extension = generic-param ; generic-param = token [ EQUAL gen-value ]   ; §25.1
 * gen-value     = token / host / quoted-string
 * ```
 */
function scanViaParams(text: string, i: number, end: number, out: Param[]): number {
  scratchCount = 0;
  for (;;) {
    let j = i;
    let c = 0;
    while (j < end && ((c = text.charCodeAt(j)) === 0x20 || c === 0x09)) j++;
    if (j >= end || c !== 0x3b) return j;
    j++;
    while (j < end && ((c = text.charCodeAt(j)) === 0x20 || c === 0x09)) j++;
    const ns = j;
    while (j < end && (c = text.charCodeAt(j)) < 256 && TOKEN[c] === 1) j++;
    if (j === ns) {
      throw new SipParseError(
        'BAD_PARAMETER',
        `${H}: expected parameter name after ";" but found ${describeChar(text, j)} at offset ${j}`,
        opts(j, H),
      );
    }
    const name = paramName(text, ns, j);
    let value: string | null = null;
    let k = j;
    while (k < end && ((c = text.charCodeAt(k)) === 0x20 || c === 0x09)) k++;
    if (k < end && c === 0x3d) {
      let vs = k + 1;
      while (vs < end && ((c = text.charCodeAt(vs)) === 0x20 || c === 0x09)) vs++;
      let ve = vs;
      if (vs < end && c === 0x22) {
        ve = quotedStringEnd(text, vs, end, H);
      } else {
        while (ve < end && (c = text.charCodeAt(ve)) < 256 && GEN_VALUE[c] === 1) ve++;
      }
      if (ve === vs) {
        throw new SipParseError(
          'BAD_PARAMETER',
          `${H}: expected value after "=" in parameter "${name}" but found ${describeChar(text, vs)} at offset ${vs}`,
          opts(vs, H),
        );
      }
      value = text.slice(vs, ve);
      j = ve;
    }
    out[scratchCount++] = { name, value };
    i = j;
  }
}

/** Reused by {@link parseViaRange} (decoding is synchronous and does not re-enter). */
const SCRATCH: Param[] = [];
let scratchCount = 0;

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
  requireString(text, 'parseViaList: text');
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

/**
 * `top` with `received` set and `rport` given the value `rport`, formatted
 * exactly as {@link formatVia} formats such an edited copy, and decoded as
 * {@link parseVia} would decode that text — built in one pass from the parts,
 * without a format → parse round trip.
 *
 * @internal For {@link setTopViaReceived}; `received` must already be checked.
 */
export function viaWithReceived(top: Via, received: string, rport: number | true | null): Via {
  const h = top.host;
  const host = h.indexOf(':') !== -1 && h.charCodeAt(0) !== 0x5b ? `[${h}]` : h;
  const sentBy = top.port === null ? host : host + ':' + String(top.port);
  let out = top.protocol + '/' + top.transport + ' ' + sentBy;
  const params: Param[] = [];
  const branch = top.branch;
  const rportValue = rport === null || rport === true ? null : String(rport);
  let wb = false;
  let wr = false;
  let wp = false;
  for (const p of top.params) {
    switch (viaParamKind(p.name)) {
      case K_BRANCH:
        if (branch !== null && !wb) {
          out += ';' + p.name + '=' + branch;
          params.push(p.value === branch ? p : { name: p.name, value: branch });
        }
        wb = true;
        break;
      case K_RECEIVED:
        if (!wr) {
          out += ';' + p.name + '=' + received;
          params.push({ name: p.name, value: received });
        }
        wr = true;
        break;
      case K_RPORT:
        if (rport !== null && !wp) {
          out += rportValue === null ? ';' + p.name : ';' + p.name + '=' + rportValue;
          params.push(p.value === rportValue ? p : { name: p.name, value: rportValue });
        }
        wp = true;
        break;
      default:
        out += p.value === null ? ';' + p.name : ';' + p.name + '=' + p.value;
        params.push(p);
    }
  }
  if (!wb && branch !== null) {
    out += ';branch=' + branch;
    params.push({ name: 'branch', value: branch });
  }
  if (!wr) {
    out += ';received=' + received;
    params.push({ name: 'received', value: received });
  }
  if (!wp && rport !== null) {
    out += rportValue === null ? ';rport' : ';rport=' + rportValue;
    params.push({ name: 'rport', value: rportValue });
  }
  return new ParsedVia(top.protocol, top.transport, host, top.port, sentBy, branch, received, rport, params.slice(), out);
}

/**
 * True when `text` is what a `received` parameter may hold: an IPv4 or IPv6
 * address (RFC 3261 §20.42, RFC 5118 §4.5 writes IPv6 bare; brackets tolerated).
 * @internal
 */
export function isReceivedAddress(v: string): boolean {
  if (isIPv4(v, 0, v.length)) return true;
  const inner = v.charCodeAt(0) === 0x5b && v.charCodeAt(v.length - 1) === 0x5d ? v.slice(1, -1) : v;
  return inner.length > 0 && ipv6Groups(inner, 0, inner.length) !== null;
}

/**
 * WWW-Authenticate, Proxy-Authenticate, Authorization and
 * Proxy-Authorization values — RFC 3261 §20.7, §20.27, §20.28, §20.44, §22.4,
 * §25.1; Digest parameters per RFC 7616 §3.3-3.4 and RFC 8760 (SHA-256,
 * SHA-512-256). Also the `token68` form of RFC 7235 §2.1 (e.g. Bearer,
 * RFC 8898), which the RFC 3261 grammar predates.
 */
import { SipParseError } from './errors.js';
import {
  describeChar,
  isTokenChar,
  opts,
  quote,
  quotedStringEnd,
  skipLws,
  trimLwsEnd,
  unquoteRange,
  where,
} from './header-values.js';
import type { Credentials } from './types.js';
import { requireString } from './arguments.js';

/** A challenge or credentials value; `token68` is set for the RFC 7235 `scheme token68` form. */
export interface AuthValue extends Credentials {
  /** The token68 blob after the scheme (RFC 7235 §2.1), or null when the value has auth-params. */
  readonly token68: string | null;
}

/** token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" — RFC 7235 §2.1 */
const TOKEN68 = (() => {
  const t = new Uint8Array(256);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/') t[c.charCodeAt(0)] = 1;
  return t;
})();

function bad(code: 'BAD_HEADER_VALUE' | 'BAD_PARAMETER', i: number, what: string, header: string | undefined): SipParseError {
  return new SipParseError(code, `${where(header, 'Authorization')}: ${what} at offset ${i}`, opts(i, header));
}

/**
 * Parse a challenge (WWW-Authenticate / Proxy-Authenticate) or credentials
 * (Authorization / Proxy-Authorization) value. Parameter names are
 * lower-cased, quoted values unquoted; unknown schemes are kept as written
 * (RFC 4475 regaut01). Parameters are comma-separated, so a quoted value may
 * hold commas (`qop="auth,auth-int"`).
 *
 * ```abnf
 * challenge       = ("Digest" LWS digest-cln *(COMMA digest-cln)) / other-challenge   ; §25.1
 * other-challenge = auth-scheme LWS auth-param *(COMMA auth-param)
 * credentials     = ("Digest" LWS digest-response) / other-response
 * auth-param      = auth-param-name EQUAL ( token / quoted-string )
 * COMMA = SWS "," SWS    EQUAL = SWS "=" SWS
 * ```
 *
 * @throws SipParseError BAD_HEADER_VALUE for structure, BAD_PARAMETER for a
 *   duplicated or valueless parameter, BAD_QUOTED_STRING.
 * @example
 * parseCredentials('Digest realm="atlanta.com", nonce="84a4cc6f", qop="auth"').params.get('qop') // 'auth'
 */
export function parseCredentials(text: string, header?: string): AuthValue {
  requireString(text, 'parseCredentials: text');
  const end = trimLwsEnd(text, 0, text.length);
  let i = skipLws(text, 0, end);
  const s0 = i;
  while (i < end && isTokenChar(text.charCodeAt(i))) i++;
  if (i === s0) throw bad('BAD_HEADER_VALUE', i, `expected auth scheme but found ${describeChar(text, i)}`, header);
  const scheme = text.slice(s0, i);
  const params = new Map<string, string>();
  const result = (token68: string | null): AuthValue => ({ scheme, params, raw: text, token68 });
  if (i === end) return result(null); // a bare scheme: nothing to decode
  const p0 = skipLws(text, i, end);
  if (p0 === i) throw bad('BAD_HEADER_VALUE', i, `expected whitespace after auth scheme but found ${describeChar(text, i)}`, header);
  i = p0;

  // token68: a run of token68 characters, optional "=" padding, then the end.
  // Digest never uses it (RFC 7616 §3.3), so `Digest realm` is a broken param.
  let t = i;
  while (t < end && TOKEN68[text.charCodeAt(t)] === 1) t++;
  if (t > i && scheme.toLowerCase() !== 'digest') {
    let pad = t;
    while (pad < end && text.charCodeAt(pad) === 0x3d) pad++;
    if (pad === end && (pad > t || !isParamStart(text, t, end))) return result(text.slice(i, end));
  }

  for (;;) {
    const n0 = i;
    while (i < end && isTokenChar(text.charCodeAt(i))) i++;
    if (i === n0) {
      throw bad(
        text.charCodeAt(i) === 0x2c ? 'BAD_HEADER_VALUE' : 'BAD_PARAMETER',
        i,
        `expected auth-param name but found ${describeChar(text, i)}`,
        header,
      );
    }
    const name = text.slice(n0, i).toLowerCase();
    i = skipLws(text, i, end);
    if (i >= end || text.charCodeAt(i) !== 0x3d) {
      throw bad('BAD_PARAMETER', i, `expected "=" after auth-param "${name}" but found ${describeChar(text, i)}`, header);
    }
    i = skipLws(text, i + 1, end);
    let value: string;
    if (i < end && text.charCodeAt(i) === 0x22) {
      const qe = quotedStringEnd(text, i, end, header);
      value = unquoteRange(text, i, qe);
      i = qe;
    } else {
      const v0 = i;
      while (i < end && isTokenChar(text.charCodeAt(i))) i++;
      if (i === v0) throw bad('BAD_PARAMETER', i, `expected value for auth-param "${name}" but found ${describeChar(text, i)}`, header);
      value = text.slice(v0, i);
    }
    if (params.has(name)) throw bad('BAD_PARAMETER', n0, `auth-param "${name}" appears twice (RFC 7616 §3.3)`, header);
    params.set(name, value);
    i = skipLws(text, i, end);
    if (i === end) return result(null);
    if (text.charCodeAt(i) !== 0x2c) throw bad('BAD_HEADER_VALUE', i, `expected "," between auth-params but found ${describeChar(text, i)}`, header);
    i = skipLws(text, i + 1, end);
    if (i === end) throw bad('BAD_HEADER_VALUE', i, 'trailing "," after the last auth-param', header);
  }
}

/** True when `text[t]` (after LWS) is "=" followed by a value, i.e. an auth-param rather than token68. */
function isParamStart(text: string, t: number, end: number): boolean {
  const e = skipLws(text, t, end);
  return e < end && text.charCodeAt(e) === 0x3d;
}

/** Parameters always written as quoted-strings — RFC 3261 §25.1, RFC 7616 §3.3-3.4. */
const ALWAYS_QUOTED = new Set(['realm', 'nonce', 'uri', 'response', 'cnonce', 'opaque', 'username', 'domain', 'username*']);
/** Parameters always written as tokens. */
const NEVER_QUOTED = new Set(['algorithm', 'nc', 'stale', 'userhash', 'charset']);

/**
 * Write a challenge or credentials value: `scheme name=value, ...`.
 * realm, nonce, uri, response, cnonce, opaque, username and domain are
 * quoted; algorithm, nc, stale, userhash and charset are not; `qop` is
 * quoted in a challenge and a token in credentials (§25.1: qop-options vs
 * message-qop). `kind` defaults to credentials when `response` or `username`
 * is present. Other values are quoted unless they are tokens.
 */
export function formatCredentials(c: Credentials | AuthValue, kind?: 'challenge' | 'credentials'): string {
  const k = kind ?? (c.params.has('response') || c.params.has('username') ? 'credentials' : 'challenge');
  const token68 = 'token68' in c ? c.token68 : null;
  if (token68 !== null) return `${c.scheme} ${token68}`;
  const parts: string[] = [];
  for (const [name, value] of c.params) {
    let quoted: boolean;
    if (ALWAYS_QUOTED.has(name)) quoted = true;
    else if (NEVER_QUOTED.has(name)) quoted = !isToken(value);
    else if (name === 'qop') quoted = k === 'challenge' || !isToken(value);
    else quoted = !isToken(value);
    parts.push(`${name}=${quoted ? quote(value) : value}`);
  }
  return parts.length === 0 ? c.scheme : `${c.scheme} ${parts.join(', ')}`;
}

function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

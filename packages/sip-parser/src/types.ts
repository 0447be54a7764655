/**
 * Value types produced by the header and URI decoders. Every decoded value
 * keeps the exact text it came from in `raw`, so an element that forwards a
 * message can write it back unchanged.
 */

/** A `name[=value]` parameter, in the order received. `value` is null for a bare name. */
export interface Param {
  readonly name: string;
  readonly value: string | null;
}

/** `sip:` / `sips:` URI — RFC 3261 §19.1. `user`/`password`/param values are %-decoded once. */
export interface SipUri {
  readonly kind: 'sip';
  readonly scheme: 'sip' | 'sips';
  readonly user: string | null;
  readonly password: string | null;
  /** Hostname or IPv4 as written; IPv6 references keep their brackets: `[2001:db8::1]`. */
  readonly host: string;
  readonly hostType: 'hostname' | 'ipv4' | 'ipv6';
  readonly port: number | null;
  readonly params: readonly Param[];
  /** `?name=value&...` URI headers (§19.1.1), %-decoded. */
  readonly headers: readonly Param[];
  readonly raw: string;
}

/** `tel:` URI — RFC 3966. */
export interface TelUri {
  readonly kind: 'tel';
  readonly scheme: 'tel';
  /** The number as written, visual separators kept (e.g. `+1-201-555-0123`). */
  readonly number: string;
  /** True for a global number (leading `+`). */
  readonly global: boolean;
  readonly params: readonly Param[];
  readonly raw: string;
}

/** Any other absoluteURI (RFC 3261 §25.1), kept opaque. */
export interface AbsoluteUri {
  readonly kind: 'absolute';
  /** Lower-cased scheme. */
  readonly scheme: string;
  readonly raw: string;
}

export type Uri = SipUri | TelUri | AbsoluteUri;

/** name-addr / addr-spec with header parameters (From, To, Contact, Route, ...) — §20.10, §25.1. */
export interface NameAddr {
  /** Unquoted, with quoted-pairs resolved; null when absent. */
  readonly displayName: string | null;
  readonly uri: Uri;
  /** Header parameters (after the `>` or, in addr-spec form, after the URI). */
  readonly params: readonly Param[];
  /** Value of the `tag` parameter, if any. */
  readonly tag: string | null;
  readonly raw: string;
}

/** One Via value — §20.42, RFC 3581. */
export interface Via {
  /** `SIP/2.0` */
  readonly protocol: string;
  /** Transport as written, upper-cased: `UDP`, `TCP`, `TLS`, `SCTP`, `WS`, ... */
  readonly transport: string;
  readonly host: string;
  readonly port: number | null;
  /** `host[:port]` as written. */
  readonly sentBy: string;
  readonly branch: string | null;
  readonly received: string | null;
  /** RFC 3581: `true` when `rport` is present without a value, the number when it has one. */
  readonly rport: number | true | null;
  readonly params: readonly Param[];
  readonly raw: string;
}

/** CSeq — §20.16. `seq` is 0 .. 2^32-1. */
export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

/** WWW-Authenticate / Proxy-Authenticate / Authorization / Proxy-Authorization — §20.7, §20.27, §22.4, RFC 7616. */
export interface Credentials {
  /** Auth scheme as written (`Digest`, or an unknown one). */
  readonly scheme: string;
  /** Parameters with names lower-cased and quoted values unquoted. */
  readonly params: ReadonlyMap<string, string>;
  readonly raw: string;
}

/** Session-Expires — RFC 4028 §4. */
export interface SessionExpires {
  readonly deltaSeconds: number;
  readonly refresher: 'uac' | 'uas' | null;
  readonly params: readonly Param[];
}

/** RAck — RFC 3262 §7.2. */
export interface RAck {
  readonly rseq: number;
  readonly cseq: number;
  readonly method: string;
}

/** Reason — RFC 3326. */
export interface ReasonValue {
  readonly protocol: string;
  readonly cause: number | null;
  readonly text: string | null;
  readonly params: readonly Param[];
}

/** Replaces — RFC 3891. */
export interface Replaces {
  readonly callId: string;
  readonly toTag: string;
  readonly fromTag: string;
  readonly earlyOnly: boolean;
  readonly params: readonly Param[];
}

/**
 * Limits applied while parsing. Every field has a safe default; see
 * {@link DEFAULT_LIMITS}.
 */
export interface ParseLimits {
  /** Largest message accepted, header and body together (bytes). Default 65,535. */
  readonly maxMessageBytes: number;
  /** Most header lines accepted. Default 256. */
  readonly maxHeaders: number;
  /** Longest header line, folded continuations included (bytes). Default 16,384. */
  readonly maxHeaderLineBytes: number;
  /** Longest Request-URI / URI in a header (characters). Default 8,192. */
  readonly maxUriLength: number;
}

export const DEFAULT_LIMITS: ParseLimits = Object.freeze({
  maxMessageBytes: 65_535,
  maxHeaders: 256,
  maxHeaderLineBytes: 16_384,
  maxUriLength: 8_192,
});

/**
 * A strict reading of an SDP session description (RFC 8866, formerly RFC 4566) into what offer/answer
 * needs. The line structure (`<type>=<value>`, `v=` first, `o=`, `c=`, `m=`) is checked here;
 * attributes are read with `sdp-transform`.
 *
 * ```
 * session-description = version-field origin-field session-name-field [information-field]
 *                       [uri-field] *email-field *phone-field [connection-field] *bandwidth-field
 *                       1*time-description [key-field] *attribute-field *media-description
 * media-field         = %s"m" "=" media SP port ["/" integer] SP proto 1*(SP fmt) CRLF   ; RFC 8866 §9
 * connection-field    = %s"c" "=" nettype SP addrtype SP connection-address CRLF
 * ```
 */
import { isIP } from 'node:net';
import { parse as transformParse } from 'sdp-transform';
import type { MediaDirection } from './negotiated-media.js';
import { parseFailed } from './sdp-error.js';

/** The `o=` fields that identify a session and its version (RFC 8866 §5.2, RFC 3264 §8). */
export interface SdpOrigin {
  /** `<username>`, `-` when there is none. */
  readonly username: string;
  /** `<sess-id>`: numeric string, constant over the session. */
  readonly sessionId: string;
  /** `<sess-version>`: numeric string, incremented on each new description (RFC 3264 §8). */
  readonly sessionVersion: string;
}

/** A `c=` connection address (RFC 8866 §5.7). */
export interface SdpConnection {
  /** 4 for `IP4`, 6 for `IP6`. */
  readonly family: 4 | 6;
  /** The address as written (without a multicast `/ttl` suffix). */
  readonly address: string;
  /** Whether `address` is an IP literal of its family (not a host name). */
  readonly literal: boolean;
}

/** `a=rtpmap` (RFC 8866 §6.6). */
export interface RtpMap {
  /** Encoding name as written. */
  readonly encoding: string;
  /** Clock rate in Hz. */
  readonly clockRate: number;
  /** Encoding parameters: the channel count for audio (default 1). */
  readonly channels: number;
}

/** One media description (an `m=` section), with session-level defaults applied. */
export interface MediaDescription {
  /** `<media>`: `audio`, `video`, `application`, ... */
  readonly type: string;
  /** `<port>`; 0 means the stream is rejected or disabled (RFC 3264 §5.1, §6). */
  readonly port: number;
  /** `<proto>` as written (`RTP/AVP`, `RTP/SAVP`, `UDP/TLS/RTP/SAVPF`, ...). */
  readonly proto: string;
  /** `<fmt>` list as written (payload types for RTP profiles). */
  readonly formats: readonly string[];
  /** Media-level `c=`, else the session-level one; always present when `port` is not 0. */
  readonly connection: SdpConnection | undefined;
  /** Media-level direction attribute, else the session-level one, else `sendrecv` (RFC 3264 §5.1). */
  readonly direction: MediaDirection;
  /** `a=rtpmap` by payload type. */
  readonly rtpmap: ReadonlyMap<number, RtpMap>;
  /** `a=fmtp` parameters by payload type. */
  readonly fmtp: ReadonlyMap<number, string>;
  /** `a=ptime` (ms), when present and a positive number. */
  readonly ptime: number | undefined;
  /** `a=maxptime` (ms), when present and a positive number. */
  readonly maxptime: number | undefined;
  /** `a=rtcp` (RFC 3605): the RTCP port and optional address. */
  readonly rtcp: { readonly port: number; readonly connection: SdpConnection | undefined } | undefined;
  /** `a=rtcp-mux` (RFC 5761). */
  readonly rtcpMux: boolean;
  /** `a=crypto` values (RFC 4568) as written, media level only. */
  readonly crypto: readonly string[];
  /** DTLS-SRTP signs: `a=fingerprint` or `a=setup` here or at session level (RFC 5763, RFC 8842). */
  readonly dtls: boolean;
}

/** A parsed session description. */
export interface SessionDescription {
  /** The `o=` line. */
  readonly origin: SdpOrigin;
  /** `s=` value. */
  readonly sessionName: string;
  /** The values of the `t=` lines, in order (an answer copies them, RFC 3264 §6). */
  readonly timing: readonly string[];
  /** The session-level `c=`, if any. */
  readonly connection: SdpConnection | undefined;
  /** The media descriptions, in order. */
  readonly media: readonly MediaDescription[];
}

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
const LINE = /^([a-z])=(.*)$/;
const ORIGIN = /^(\S+) ([0-9]+) ([0-9]+) IN (IP4|IP6) (\S+)$/;
const CONNECTION = /^IN (IP4|IP6) ([^\s/]+)(?:\/[0-9]+){0,2}$/;
const MEDIA = /^([A-Za-z0-9_.-]+) ([0-9]+)(?:\/[0-9]+)? ([A-Za-z0-9_./+-]+)((?: \S+)+)$/;
const TIMING = /^[0-9]+ [0-9]+$/;
const PAYLOAD_TYPE = /^[0-9]{1,3}$/;

/**
 * Parses and checks an SDP session description.
 * @throws SdpError `SDP_PARSE_FAILED` (status hint 400) for anything that is not SDP
 */
export function parseSessionDescription(text: string): SessionDescription {
  if (typeof text !== 'string') throw new TypeError('sdp must be a string');
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== 'v=0') throw parseFailed('SDP must start with "v=0" (RFC 8866 §5.1)');

  let origin: SdpOrigin | undefined;
  let sessionName: string | undefined;
  let sessionConnection: SdpConnection | undefined;
  const timing: string[] = [];
  const session: { direction?: MediaDirection } = {};
  const sections: {
    type: string;
    port: number;
    proto: string;
    formats: string[];
    connection?: SdpConnection;
    direction?: MediaDirection;
    crypto: string[];
  }[] = [];

  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const m = LINE.exec(line);
    if (m === null) throw parseFailed(`line ${i + 1} is not "<type>=<value>": ${JSON.stringify(line.slice(0, 80))}`);
    const type = m[1]!;
    const value = m[2]!;
    const section = sections[sections.length - 1];
    switch (type) {
      case 'v':
        throw parseFailed(`line ${i + 1}: a second v= line`);
      case 'o': {
        if (origin !== undefined || section !== undefined) throw parseFailed(`line ${i + 1}: misplaced o= line`);
        const o = ORIGIN.exec(value);
        if (o === null) throw parseFailed(`line ${i + 1}: malformed o= line (RFC 8866 §5.2)`);
        origin = { username: o[1]!, sessionId: o[2]!, sessionVersion: o[3]! };
        break;
      }
      case 's':
        if (section === undefined) sessionName = value;
        break;
      case 't':
        if (section !== undefined || !TIMING.test(value)) throw parseFailed(`line ${i + 1}: malformed or misplaced t= line`);
        timing.push(value);
        break;
      case 'c': {
        // Several c= lines at one level only serve layered multicast (RFC 8866 §5.7): not for us.
        const connection = parseConnection(value, i + 1);
        if ((section === undefined ? sessionConnection : section.connection) !== undefined) {
          throw parseFailed(`line ${i + 1}: a second c= line at the same level`);
        }
        if (section === undefined) sessionConnection = connection;
        else section.connection = connection;
        break;
      }
      case 'm': {
        const mm = MEDIA.exec(value);
        if (mm === null) throw parseFailed(`line ${i + 1}: malformed m= line (RFC 8866 §5.14)`);
        const port = Number(mm[2]);
        const proto = mm[3]!;
        const formats = mm[4]!.trim().split(' ');
        if (port > 65535) throw parseFailed(`line ${i + 1}: port ${port} out of range`);
        if (/(^|\/)RTP\//i.test(proto) && !formats.every((f) => PAYLOAD_TYPE.test(f) && Number(f) <= 127)) {
          throw parseFailed(`line ${i + 1}: RTP payload types must be 0..127`);
        }
        sections.push({ type: mm[1]!, port, proto, formats, crypto: [] });
        break;
      }
      case 'a': {
        // Only what offer/answer reads is held to its grammar: the session level and audio sections.
        // Other media are refused with port 0 whatever their attributes say (RFC 3264 §6); RFC 4475's
        // valid INVITEs (esc01, longreq, baddate) carry `a=rtpmap:31 LPC`, no clock rate, on a video line.
        if (section !== undefined && section.type !== 'audio') break;
        checkAttribute(value, i + 1);
        if (DIRECTIONS.has(value)) {
          const level = section ?? session;
          if (level.direction !== undefined) throw parseFailed(`line ${i + 1}: a second direction attribute at the same level`);
          level.direction = value as MediaDirection;
        }
        if (section !== undefined && value.startsWith('crypto:')) section.crypto.push(value.slice('crypto:'.length));
        break;
      }
      default:
        // i= u= e= p= b= r= z= k= and unknown types: not needed for offer/answer.
        break;
    }
  }
  if (origin === undefined) throw parseFailed('missing o= line (RFC 8866 §5.2)');
  if (sessionName === undefined) throw parseFailed('missing s= line (RFC 8866 §5.3)');
  if (timing.length === 0) throw parseFailed('missing t= line (RFC 8866 §5.9)');
  // RFC 8866 §5.7: a c= at session level or in every media description (we let rejected, port-0 ones go without).
  if (sessionConnection === undefined && sections.some((s) => s.port !== 0 && s.connection === undefined)) {
    throw parseFailed('a media description without c= and no session-level c= (RFC 8866 §5.7)');
  }

  let parsed: ReturnType<typeof transformParse>;
  try {
    parsed = transformParse(text);
  } catch (e) {
    throw parseFailed('sdp-transform could not parse the description', e);
  }
  const sessionDtls = parsed.fingerprint !== undefined || (parsed as { setup?: unknown }).setup !== undefined;
  const media = sections.map((s, index): MediaDescription => {
    const t = parsed.media[index];
    if (t === undefined) throw parseFailed('sdp-transform disagrees on the number of m= lines');
    const rtpmap = new Map<number, RtpMap>();
    for (const r of t.rtp) {
      const pt = Number(r.payload);
      if (!Number.isInteger(pt) || rtpmap.has(pt)) continue; // a repeated rtpmap: the first one counts
      const clockRate = Number(r.rate);
      const channels = r.encoding === undefined ? 1 : Number(r.encoding);
      if (!Number.isInteger(clockRate) || clockRate <= 0 || !Number.isInteger(channels) || channels <= 0) continue;
      rtpmap.set(pt, { encoding: String(r.codec), clockRate, channels });
    }
    const fmtp = new Map<number, string>();
    for (const f of t.fmtp) {
      const pt = Number(f.payload);
      if (Number.isInteger(pt) && !fmtp.has(pt)) fmtp.set(pt, String(f.config));
    }
    let rtcp: MediaDescription['rtcp'];
    if (t.rtcp !== undefined) {
      const port = Number(t.rtcp.port);
      if (Number.isInteger(port) && port > 0 && port <= 65535) {
        const address = t.rtcp.address;
        const family = t.rtcp.ipVer === 6 ? 6 : 4;
        rtcp = {
          port,
          connection: address === undefined || address === '' ? undefined : connectionOf(family, address),
        };
      }
    }
    return {
      type: s.type,
      port: s.port,
      proto: s.proto,
      formats: s.formats,
      connection: s.connection ?? sessionConnection,
      direction: s.direction ?? session.direction ?? 'sendrecv',
      rtpmap,
      fmtp,
      ptime: positive(t.ptime),
      maxptime: positive(t.maxptime),
      rtcp,
      rtcpMux: t.rtcpMux !== undefined,
      crypto: s.crypto,
      dtls: sessionDtls || t.fingerprint !== undefined || (t as { setup?: unknown }).setup !== undefined,
    };
  });
  return { origin, sessionName, timing, connection: sessionConnection, media };
}

/** Grammar of the attributes offer/answer reads (RFC 8866 §6.4-§6.6, RFC 3605 §2.1): a malformed one fails the parse. */
const ATTRIBUTE_SYNTAX: ReadonlyMap<string, RegExp> = new Map([
  // encoding-name is a token (RFC 8866 §6.6, §9: token-char excludes controls, spaces and separators).
  ['rtpmap', /^[0-9]{1,3} [!#-'*+\-.0-9A-Z^-~]+\/[0-9]{1,9}(?:\/[0-9]{1,3})?\s*$/],
  ['fmtp', /^[0-9]{1,3}(?: .*)?$/],
  ['ptime', /^[0-9]{1,6}(?:\.[0-9]{1,6})?\s*$/],
  ['maxptime', /^[0-9]{1,6}(?:\.[0-9]{1,6})?\s*$/],
  ['rtcp', /^[0-9]{1,5}(?: IN IP[46] \S+)?\s*$/],
]);

function checkAttribute(value: string, lineNumber: number): void {
  const colon = value.indexOf(':');
  if (colon < 0) return;
  const syntax = ATTRIBUTE_SYNTAX.get(value.slice(0, colon));
  if (syntax !== undefined && !syntax.test(value.slice(colon + 1))) {
    throw parseFailed(`line ${lineNumber}: malformed a=${value.slice(0, colon)} (RFC 8866 §6)`);
  }
}

function parseConnection(value: string, lineNumber: number): SdpConnection {
  const c = CONNECTION.exec(value);
  if (c === null) throw parseFailed(`line ${lineNumber}: malformed c= line (RFC 8866 §5.7)`);
  return connectionOf(c[1] === 'IP6' ? 6 : 4, c[2]!);
}

function connectionOf(family: 4 | 6, address: string): SdpConnection {
  return { family, address, literal: isIP(address) === family };
}

function positive(value: unknown): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Whether an address means "nowhere" (RFC 3264 §8.4 hold with 0.0.0.0, or the IPv6 unspecified address). */
export function isUnspecifiedAddress(address: string): boolean {
  return address === '0.0.0.0' || (isIP(address) === 6 && /^[0:]+$/.test(address));
}

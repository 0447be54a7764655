/**
 * Reading and moving the transport address of each media stream in an SDP
 * body, line by line (RFC 8866 §5: an SDP is a list of `type=value` lines;
 * §5.7 `c=`, §5.14 `m=`), leaving every other line byte for byte — what an ALG
 * in front of a media relay does. Pure.
 *
 * ```abnf
 * media-field      = %s"m" "=" media SP port ["/" integer] SP proto 1*(SP fmt) CRLF
 * connection-field = %s"c" "=" nettype SP addrtype SP connection-address CRLF
 * ```
 * A media-level `c=` overrides the session-level one (§5.7).
 */
import { isIP } from 'node:net';

/** One `m=` section's transport address, as the SDP states it. */
export interface SdpMediaEndpoint {
  /** Index of the `m=` line, from 0. */
  readonly index: number;
  /** `audio`, `video`, ... */
  readonly media: string;
  /** Effective connection address (media-level `c=`, else session-level), null when there is none. */
  readonly address: string | null;
  /** The `m=` port; 0 is a rejected or disabled stream (RFC 3264 §6). */
  readonly port: number;
  /** `a=rtcp-mux` present in the section (RFC 5761 §5.1.1): RTCP shares the RTP port. */
  readonly rtcpMux: boolean;
}

interface Section {
  readonly mLine: number;
  cLine: number;
  readonly media: string;
  readonly port: number;
  address: string | null;
  rtcpMux: boolean;
}

const M_LINE = /^m=(\S+) (\d+)(\/\d+)? (.*)$/;
const C_LINE = /^c=IN IP[46] ([^/\s]+)(.*)$/;

/** Splits keeping each line's own terminator (CRLF or LF), so a rewrite changes only what it must. */
function lines(sdp: string): { text: string[]; ends: string[] } {
  const text: string[] = [];
  const ends: string[] = [];
  for (const m of sdp.matchAll(/([^\r\n]*)(\r\n|\n|$)/g)) {
    if (m[1] === '' && m[2] === '') break;
    text.push(m[1]!);
    ends.push(m[2]!);
  }
  return { text, ends };
}

function parse(text: readonly string[]): { sessionAddress: string | null; sections: Section[] } {
  let sessionAddress: string | null = null;
  const sections: Section[] = [];
  for (let i = 0; i < text.length; i++) {
    const line = text[i]!;
    const m = M_LINE.exec(line);
    if (m !== null) {
      sections.push({ mLine: i, cLine: -1, media: m[1]!, port: Number(m[2]), address: null, rtcpMux: false });
      continue;
    }
    const s = sections.at(-1);
    const c = C_LINE.exec(line);
    if (c !== null) {
      if (s === undefined) sessionAddress = c[1]!;
      else {
        s.cLine = i;
        s.address = c[1]!;
      }
    } else if (s !== undefined && line === 'a=rtcp-mux') s.rtcpMux = true;
  }
  return { sessionAddress, sections };
}

/** The transport address of every `m=` section of `sdp`. */
export function readSdpEndpoints(sdp: string): SdpMediaEndpoint[] {
  const { sessionAddress, sections } = parse(lines(sdp).text);
  return sections.map((s, index) => ({ index, media: s.media, address: s.address ?? sessionAddress, port: s.port, rtcpMux: s.rtcpMux }));
}

/**
 * Moves media streams: for each `m=` section, `to(endpoint)` gives the new address and port, or
 * null to leave it alone. A moved section gets the port on its `m=` line and a media-level `c=`
 * (rewritten, or inserted after the `m=` line and any `i=`, RFC 8866 §5 order); the session-level
 * `c=` and every other line are kept as they were.
 *
 * @throws TypeError when `to` returns an address that is not an IP literal
 */
export function rewriteSdpEndpoints(sdp: string, to: (endpoint: SdpMediaEndpoint) => { readonly address: string; readonly port: number } | null): string {
  const { text, ends } = lines(sdp);
  const { sessionAddress, sections } = parse(text);
  const eol = ends.find((e) => e !== '') ?? '\r\n';
  const inserts = new Map<number, string>(); // line index → c= line to insert after it
  sections.forEach((s, index) => {
    const target = to({ index, media: s.media, address: s.address ?? sessionAddress, port: s.port, rtcpMux: s.rtcpMux });
    if (target === null) return;
    const family = isIP(target.address);
    if (family === 0) throw new TypeError(`rewriteSdpEndpoints: ${JSON.stringify(target.address)} is not an IP address`);
    text[s.mLine] = text[s.mLine]!.replace(M_LINE, (_all, media: string, _port: string, count: string | undefined, rest: string) => `m=${media} ${target.port}${count ?? ''} ${rest}`);
    const c = `c=IN IP${family} ${target.address}`;
    if (s.cLine >= 0) text[s.cLine] = c;
    else inserts.set(text[s.mLine + 1]?.startsWith('i=') === true ? s.mLine + 1 : s.mLine, c);
  });
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = inserts.get(i);
    if (c === undefined) out += text[i]! + ends[i]!;
    else if (ends[i] === '') out += text[i]! + eol + c; // only the last line may lack its terminator
    else out += text[i]! + ends[i]! + c + eol;
  }
  return out;
}

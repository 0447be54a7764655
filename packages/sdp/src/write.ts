/** Writing our own SDP (RFC 8866 §5): fixed line order, CRLF line ends. */
import { rtpmapValue } from './codecs.js';
import type { MediaDirection, NegotiatedCodec } from './negotiated-media.js';
import { originLine } from './origin.js';
import type { SdpOrigin } from './session-description.js';

/** Our audio media description. */
export interface AudioSection {
  readonly port: number;
  readonly proto: string;
  /** Codecs in preference order (one in an answer). */
  readonly codecs: readonly NegotiatedCodec[];
  /** `a=fmtp` values of codecs, by payload type (Opus, RFC 7587 §7). */
  readonly codecFmtp: ReadonlyMap<number, string>;
  /** telephone-event payload types, one per codec clock rate (RFC 4733 §2.1), with their events. */
  readonly telephoneEvents: readonly { readonly payloadType: number; readonly clockRate: number; readonly events: string }[];
  readonly ptime: number;
  readonly rtcpMux: boolean;
  /** `a=crypto` values. */
  readonly crypto: readonly string[];
  readonly direction: MediaDirection;
}

/** Lines of an audio media description. */
export function audioSectionLines(s: AudioSection): string[] {
  const formats = [...s.codecs.map((c) => c.payloadType), ...s.telephoneEvents.map((te) => te.payloadType)];
  const lines = [`m=audio ${s.port} ${s.proto} ${formats.join(' ')}`];
  for (const c of s.codecs) {
    lines.push(`a=rtpmap:${rtpmapValue(c)}`);
    const fmtp = s.codecFmtp.get(c.payloadType);
    if (fmtp !== undefined) lines.push(`a=fmtp:${c.payloadType} ${fmtp}`);
  }
  for (const te of s.telephoneEvents) lines.push(`a=rtpmap:${te.payloadType} telephone-event/${te.clockRate}`, `a=fmtp:${te.payloadType} ${te.events}`);
  lines.push(`a=ptime:${s.ptime}`);
  if (s.rtcpMux) lines.push('a=rtcp-mux');
  for (const c of s.crypto) lines.push(`a=crypto:${c}`);
  lines.push(`a=${s.direction}`);
  return lines;
}

/** A whole description: session part, then the media sections in order. */
export function writeDescription(d: {
  readonly origin: SdpOrigin;
  readonly family: 4 | 6;
  readonly address: string;
  readonly sessionName: string;
  readonly timing: readonly string[];
  readonly sections: readonly (readonly string[])[];
}): string {
  const lines = [
    'v=0',
    originLine(d.origin, d.family, d.address),
    `s=${d.sessionName}`,
    `c=IN IP${d.family} ${d.address}`,
    ...d.timing.map((t) => `t=${t}`),
    ...d.sections.flat(),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

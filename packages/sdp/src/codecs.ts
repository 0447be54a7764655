/**
 * The audio codecs Trunkline's media layer can run, their RTP payload formats (RFC 3551 §6), and
 * RFC 4733 telephone-event lists.
 */
import type { NegotiatedCodec } from './negotiated-media.js';
import { opusFmtpValue, parseOpusFmtp, type OpusSdpOptions } from './opus-fmtp.js';
import type { MediaDescription } from './session-description.js';

/** An audio codec name Trunkline can negotiate. */
export type AudioCodecName = 'PCMU' | 'PCMA' | 'G722' | 'OPUS';

interface CodecInfo {
  readonly name: AudioCodecName;
  /** The encoding name in `a=rtpmap` (matched case-insensitively, RFC 8866 §6.6). */
  readonly encoding: string;
  /** The static payload type (RFC 3551 §6, Table 4), or the dynamic one we offer (96..127). */
  readonly payloadType: number;
  /** Whether {@link payloadType} is static, i.e. means this codec without an `a=rtpmap`. */
  readonly isStatic: boolean;
  readonly clockRate: number;
  readonly channels: number;
}

const CODECS: Readonly<Record<AudioCodecName, CodecInfo>> = {
  PCMU: { name: 'PCMU', encoding: 'PCMU', payloadType: 0, isStatic: true, clockRate: 8000, channels: 1 },
  PCMA: { name: 'PCMA', encoding: 'PCMA', payloadType: 8, isStatic: true, clockRate: 8000, channels: 1 },
  // RFC 3551 §4.5.2: G.722 samples at 16 kHz but its RTP clock rate is 8000 (kept from RFC 1890
  // for compatibility), so `a=rtpmap:9 G722/8000` and timestamps advance 160 per 20 ms.
  G722: { name: 'G722', encoding: 'G722', payloadType: 9, isStatic: true, clockRate: 8000, channels: 1 },
  // RFC 7587 §7: `opus/48000/2` on a dynamic payload type, whatever the audio rate and channels
  // (the clock is always 48000, §4.1; mono is signalled with stereo=0 in a=fmtp). 111 is the
  // number most peers use.
  OPUS: { name: 'OPUS', encoding: 'opus', payloadType: 111, isStatic: false, clockRate: 48000, channels: 2 },
};

/** Every codec name Trunkline can negotiate. */
export const AUDIO_CODECS: readonly AudioCodecName[] = Object.freeze(['PCMU', 'PCMA', 'G722', 'OPUS']);

/** The codecs offered and accepted when the options name none: G.711 only, as every trunk has it. */
export const DEFAULT_AUDIO_CODECS: readonly AudioCodecName[] = Object.freeze(['PCMU', 'PCMA']);

/** Whether `name` is a codec Trunkline can negotiate. */
export function isAudioCodecName(name: unknown): name is AudioCodecName {
  return typeof name === 'string' && Object.hasOwn(CODECS, name);
}

/** A codec as we offer it: its payload type (static, RFC 3551 §6, or our dynamic one), RTP clock rate and channels. */
export function offeredCodec(name: AudioCodecName): NegotiatedCodec {
  const info = CODECS[name];
  return { name, payloadType: info.payloadType, clockRate: info.clockRate, channels: info.channels };
}

/** `a=rtpmap` value of a codec at a payload type (with the registered encoding name, e.g. `opus`). */
export function rtpmapValue(codec: NegotiatedCodec): string {
  const encoding = isAudioCodecName(codec.name) ? CODECS[codec.name].encoding : codec.name;
  return `${codec.payloadType} ${encoding}/${codec.clockRate}${codec.channels === 1 ? '' : `/${codec.channels}`}`;
}

/** Our `a=fmtp` values for `codecs`, by payload type: Opus has one (RFC 7587 §7), the others none. */
export function codecFmtp(codecs: readonly NegotiatedCodec[], opus: Required<OpusSdpOptions>): Map<number, string> {
  return new Map(codecs.filter((c) => c.name === 'OPUS').map((c) => [c.payloadType, opusFmtpValue(opus)]));
}

/** The telephone-event payload type we offer at each clock rate (dynamic, RFC 4733 §7.1.1). */
export const OFFER_TELEPHONE_EVENT_PTS: Readonly<Record<number, number>> = Object.freeze({ 8000: 101, 48000: 110 });

/** The distinct RTP clock rates of `codecs`, in their order: one telephone-event each (RFC 4733 §2.1). */
export function clockRatesOf(codecs: readonly NegotiatedCodec[]): number[] {
  return [...new Set(codecs.map((c) => c.clockRate))];
}

/**
 * The codec a payload type of `media` stands for: its `a=rtpmap`, else the static assignment of
 * RFC 3551 §6 (an rtpmap overrides a static number, RFC 8866 §6.6). Undefined when it is none of ours.
 */
export function codecOfPayloadType(media: MediaDescription, payloadType: number): NegotiatedCodec | undefined {
  const map = media.rtpmap.get(payloadType);
  for (const info of Object.values(CODECS)) {
    const matches =
      map === undefined
        ? info.isStatic && payloadType === info.payloadType
        : map.encoding.toUpperCase() === info.name && map.clockRate === info.clockRate && map.channels === info.channels;
    if (!matches) continue;
    const codec = { name: info.name, payloadType, clockRate: info.clockRate, channels: info.channels };
    // RFC 7587 §6.1: the peer's Opus parameters shape what we send it.
    return info.name === 'OPUS' ? { ...codec, opus: parseOpusFmtp(media.fmtp.get(payloadType)) } : codec;
  }
  return undefined;
}

/**
 * The first codec of `preference` that `media` lists, whatever the order of the offer
 * (RFC 3264 §6.1 lets the answerer choose), with the payload type the offer gave it.
 */
export function chooseCodec(media: MediaDescription, preference: readonly AudioCodecName[]): NegotiatedCodec | undefined {
  for (const name of preference) {
    for (const format of media.formats) {
      const codec = codecOfPayloadType(media, Number(format));
      if (codec?.name === name) return codec;
    }
  }
  return undefined;
}

/** The RFC 4733 events we can send and receive: DTMF 0-9 * # A-D (0-15) and flash (16). */
export const SUPPORTED_EVENTS = '0-16';

/**
 * The `telephone-event` payload type of `media` at `clockRate`, with the events both sides support
 * (RFC 4733 §7.1.1: without `a=fmtp` the events are 0-15). Undefined when the offer has none at that
 * rate or no event in common.
 */
export function telephoneEventOf(
  media: MediaDescription,
  clockRate: number,
): { readonly payloadType: number; readonly events: string } | undefined {
  for (const format of media.formats) {
    const pt = Number(format);
    const map = media.rtpmap.get(pt);
    if (map === undefined || map.encoding.toLowerCase() !== 'telephone-event' || map.clockRate !== clockRate) continue;
    const events = intersectEvents(media.fmtp.get(pt) ?? '0-15', SUPPORTED_EVENTS);
    return events === '' ? undefined : { payloadType: pt, events };
  }
  return undefined;
}

/** Intersects two RFC 4733 event lists (`0-15,16`), written back in canonical range form. */
export function intersectEvents(a: string, b: string): string {
  const sa = eventSet(a);
  const sb = eventSet(b);
  const common = [...sa].filter((e) => sb.has(e)).sort((x, y) => x - y);
  const parts: string[] = [];
  for (let i = 0; i < common.length; ) {
    let j = i;
    while (j + 1 < common.length && common[j + 1] === common[j]! + 1) j++;
    parts.push(i === j ? `${common[i]}` : `${common[i]}-${common[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Parses an event list (RFC 4733 §7.1.1 `events = event-list`, values 0..255); bad items are skipped. */
function eventSet(list: string): Set<number> {
  const out = new Set<number>();
  for (const item of list.replace(/\s+/g, '').split(',')) {
    const m = /^([0-9]{1,3})(?:-([0-9]{1,3}))?$/.exec(item);
    if (m === null) continue;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    for (let e = lo; e <= Math.min(hi, 255); e++) out.add(e);
  }
  return out;
}

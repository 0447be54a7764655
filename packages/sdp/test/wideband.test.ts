/**
 * RFC 3551 §4.5.2 G.722 negotiated by local preference (RFC 3264 §6.1: the answerer chooses
 * among the offered formats), with RFC 4733 telephone-event at the codec's RTP clock rate
 * (8000 for G.722, whose audio is 16 kHz). Every answer is also run through the rule checker.
 */
import { describe, expect, it } from 'vitest';
import { AUDIO_CODECS, DEFAULT_AUDIO_CODECS, answerOffer, applyAnswer, createOffer, type AnswerOptions, type AudioCodecName } from '../src/index.js';
import { checkAnswer } from './support/check-answer.js';
import { offerWith } from './support/offers.js';

const BASE = { srtp: 'off', signalling: 'udp', address: '203.0.113.10', port: 30000 } as const;

/** An audio m-section with the given formats and their rtpmap lines. */
function audioWith(formats: readonly [pt: number, rtpmap: string | null][], extra: readonly string[] = []): string[] {
  return [
    `m=audio 20000 RTP/AVP ${formats.map(([pt]) => pt).join(' ')}`,
    ...formats.flatMap(([pt, map]) => (map === null ? [] : [`a=rtpmap:${pt} ${map}`])),
    ...extra,
  ];
}

const G722_FIRST = audioWith([[9, 'G722/8000'], [0, 'PCMU/8000'], [8, 'PCMA/8000'], [101, 'telephone-event/8000']]);
const G722_LAST = audioWith([[0, 'PCMU/8000'], [8, 'PCMA/8000'], [9, 'G722/8000'], [101, 'telephone-event/8000']]);

interface Case {
  readonly offer: readonly string[];
  readonly codecs: readonly AudioCodecName[];
  /** Expected codec and payload type, telephone-event PT, or the Warning code of a 488. */
  readonly expect: { readonly codec: string; readonly pt: number; readonly te: number | null } | { readonly warning: number };
}

const CASES: Record<string, Case> = {
  'offer lists G722 first, we prefer G722': { offer: G722_FIRST, codecs: ['G722', 'PCMU', 'PCMA'], expect: { codec: 'G722', pt: 9, te: 101 } },
  'offer lists G722 first, we prefer G.711': { offer: G722_FIRST, codecs: ['PCMU', 'PCMA', 'G722'], expect: { codec: 'PCMU', pt: 0, te: 101 } },
  'offer lists G722 last, we prefer G722': { offer: G722_LAST, codecs: ['G722', 'PCMA'], expect: { codec: 'G722', pt: 9, te: 101 } },
  'offer lists G722 last, default preference (G.711 only)': { offer: G722_LAST, codecs: DEFAULT_AUDIO_CODECS, expect: { codec: 'PCMU', pt: 0, te: 101 } },
  'static PT 9 without rtpmap is G722 (RFC 3551 §6)': { offer: audioWith([[9, null], [0, null]]), codecs: ['G722', 'PCMU'], expect: { codec: 'G722', pt: 9, te: null } },
  'G722/16000 is not RFC 3551 G.722: skipped for the next preference': {
    offer: audioWith([[96, 'G722/16000'], [8, 'PCMA/8000']]),
    codecs: ['G722', 'PCMA'],
    expect: { codec: 'PCMA', pt: 8, te: null },
  },
  'telephone-event at 16000 and 48000 too: the 8000 one goes with G722 (RFC 4733 §7.1.1)': {
    offer: audioWith([[9, 'G722/8000'], [102, 'telephone-event/48000'], [100, 'telephone-event/16000'], [101, 'telephone-event/8000']]),
    codecs: ['G722'],
    expect: { codec: 'G722', pt: 9, te: 101 },
  },
  'telephone-event only at 48000 (an Opus rate): none for G722': {
    offer: audioWith([[9, 'G722/8000'], [102, 'telephone-event/48000']]),
    codecs: ['G722'],
    expect: { codec: 'G722', pt: 9, te: null },
  },
  'G.711-only offer, G722 only locally: 488 with 305': {
    offer: audioWith([[0, 'PCMU/8000'], [8, 'PCMA/8000']]),
    codecs: ['G722'],
    expect: { warning: 305 },
  },
};

describe('RFC 3551 §4.5.2 G722 answered by local preference (RFC 3264 §6.1)', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(name, () => {
      const offer = offerWith(c.offer);
      const options: AnswerOptions = { ...BASE, codecs: c.codecs };
      const r = answerOffer(offer, options);
      checkAnswer(offer, options, r);
      if ('warning' in c.expect) {
        expect(r.ok ? null : r.warning?.slice(0, 3)).toBe(String(c.expect.warning));
        return;
      }
      if (!r.ok) throw new Error(`refused: ${r.reason}`);
      expect(r.media.codec).toEqual({ name: c.expect.codec, payloadType: c.expect.pt, clockRate: 8000, channels: 1 });
      expect(r.media.telephoneEventPayloadType).toBe(c.expect.te);
      if (c.expect.codec === 'G722') expect(r.answer).toContain('a=rtpmap:9 G722/8000\r\n');
      if (c.expect.te !== null) expect(r.answer).toContain(`a=rtpmap:${c.expect.te} telephone-event/8000\r\n`);
    });
  }
});

describe('RFC 3264 §5 offers with G722', () => {
  it('G722 first: m-line 9 0 101, a=rtpmap:9 G722/8000, telephone-event/8000', () => {
    const { sdp } = createOffer({ ...BASE, codecs: ['G722', 'PCMU'] });
    expect(sdp).toContain('m=audio 30000 RTP/AVP 9 0 101\r\n');
    expect(sdp).toContain('a=rtpmap:9 G722/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n');
  });

  it('G722 last: m-line 0 8 9 101', () => {
    expect(createOffer({ ...BASE, codecs: ['PCMU', 'PCMA', 'G722'] }).sdp).toContain('m=audio 30000 RTP/AVP 0 8 9 101\r\n');
  });

  it('the default offer stays G.711 only', () => {
    expect(createOffer(BASE).sdp).toContain('m=audio 30000 RTP/AVP 0 8 101\r\n');
  });

  it('RFC 3264 §7: an answer choosing G722 (rtpmap or static 9) is applied with clock 8000', () => {
    const { state, sdp } = createOffer({ ...BASE, codecs: ['PCMU', 'G722'] });
    const peer = answerOffer(sdp, { ...BASE, address: '198.51.100.7', port: 40000, codecs: ['G722'] });
    if (!peer.ok) throw new Error(peer.reason);
    const media = applyAnswer(state, peer.answer);
    expect(media.codec).toEqual({ name: 'G722', payloadType: 9, clockRate: 8000, channels: 1 });
    expect(media.telephoneEventPayloadType).toBe(101);
  });

  it('AUDIO_CODECS names every negotiable codec; an unknown name is API misuse', () => {
    expect(AUDIO_CODECS).toEqual(['PCMU', 'PCMA', 'G722']);
    expect(() => createOffer({ ...BASE, codecs: ['OPUS' as AudioCodecName] })).toThrow(TypeError);
  });
});

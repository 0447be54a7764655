/**
 * RFC 3551 §4.5.2 G.722 and RFC 7587 Opus negotiated by local preference (RFC 3264 §6.1: the answerer chooses
 * among the offered formats), with RFC 4733 telephone-event at the codec's RTP clock rate
 * (8000 for G.722, whose audio is 16 kHz; 48000 for Opus). Every answer is also run through the rule checker.
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
/** Opus first, as WebRTC gateways and softphones offer it, with telephone-event at both clocks. */
const OPUS_FIRST = audioWith(
  [[111, 'opus/48000/2'], [9, 'G722/8000'], [0, 'PCMU/8000'], [126, 'telephone-event/48000'], [101, 'telephone-event/8000']],
  ['a=fmtp:111 minptime=10;useinbandfec=1', 'a=fmtp:126 0-16', 'a=fmtp:101 0-16'],
);
/** Opus last, on another dynamic number. */
const OPUS_LAST = audioWith([[0, 'PCMU/8000'], [9, 'G722/8000'], [96, 'opus/48000/2'], [101, 'telephone-event/8000'], [97, 'telephone-event/48000']], [
  'a=fmtp:96 stereo=1;maxaveragebitrate=64000;maxplaybackrate=48000',
]);

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
  'offer lists Opus first, we prefer Opus: telephone-event/48000 goes with it (RFC 4733 §2.1)': {
    offer: OPUS_FIRST, codecs: ['OPUS', 'G722', 'PCMU', 'PCMA'], expect: { codec: 'OPUS', pt: 111, te: 126 },
  },
  'offer lists Opus first, we prefer G722: telephone-event/8000': { offer: OPUS_FIRST, codecs: ['G722', 'OPUS'], expect: { codec: 'G722', pt: 9, te: 101 } },
  'offer lists Opus first, G.711 only locally (the default)': { offer: OPUS_FIRST, codecs: DEFAULT_AUDIO_CODECS, expect: { codec: 'PCMU', pt: 0, te: 101 } },
  'offer lists Opus last on PT 96, we prefer Opus': { offer: OPUS_LAST, codecs: ['OPUS', 'PCMU'], expect: { codec: 'OPUS', pt: 96, te: 97 } },
  'offer lists Opus last, we prefer G722 then Opus': { offer: OPUS_LAST, codecs: ['G722', 'OPUS'], expect: { codec: 'G722', pt: 9, te: 101 } },
  'Opus with telephone-event only at 8000: Opus answered without telephone-event': {
    offer: audioWith([[111, 'opus/48000/2'], [101, 'telephone-event/8000']]),
    codecs: ['OPUS'],
    expect: { codec: 'OPUS', pt: 111, te: null },
  },
  'opus/48000 without the /2 of RFC 7587 §7 is skipped for the next preference': {
    offer: audioWith([[111, 'opus/48000'], [8, 'PCMA/8000']]),
    codecs: ['OPUS', 'PCMA'],
    expect: { codec: 'PCMA', pt: 8, te: null },
  },
  'static PT 111 without rtpmap is not Opus (no static number, RFC 7587 §7)': {
    offer: audioWith([[111, null], [0, null]]),
    codecs: ['OPUS', 'PCMU'],
    expect: { codec: 'PCMU', pt: 0, te: null },
  },
  'G.711-only offer, Opus only locally: 488 with 305': { offer: audioWith([[0, 'PCMU/8000'], [8, 'PCMA/8000']]), codecs: ['OPUS'], expect: { warning: 305 } },
  'G.711-only offer, G722 only locally: 488 with 305': {
    offer: audioWith([[0, 'PCMU/8000'], [8, 'PCMA/8000']]),
    codecs: ['G722'],
    expect: { warning: 305 },
  },
};

describe('RFC 3551 §4.5.2 G722 and RFC 7587 Opus answered by local preference (RFC 3264 §6.1)', () => {
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
      const opus = c.expect.codec === 'OPUS';
      const clock = opus ? 48000 : 8000;
      expect(r.media.codec).toMatchObject({ name: c.expect.codec, payloadType: c.expect.pt, clockRate: clock, channels: opus ? 2 : 1 });
      expect(r.media.telephoneEventPayloadType).toBe(c.expect.te);
      if (c.expect.codec === 'G722') expect(r.answer).toContain('a=rtpmap:9 G722/8000\r\n');
      if (opus) {
        // RFC 7587 §7: opus/48000/2 with our a=fmtp (mono both ways, FEC wanted, our bit rate and 16 kHz audio).
        expect(r.answer).toContain(
          `a=rtpmap:${c.expect.pt} opus/48000/2\r\na=fmtp:${c.expect.pt} maxplaybackrate=16000;sprop-maxcapturerate=16000;stereo=0;sprop-stereo=0;useinbandfec=1;maxaveragebitrate=32000\r\n`,
        );
      }
      if (c.expect.te !== null) expect(r.answer).toContain(`a=rtpmap:${c.expect.te} telephone-event/${clock}\r\n`);
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
    expect(AUDIO_CODECS).toEqual(['PCMU', 'PCMA', 'G722', 'OPUS']);
    expect(() => createOffer({ ...BASE, codecs: ['SILK' as AudioCodecName] })).toThrow(TypeError);
    expect(() => createOffer({ ...BASE, codecs: ['OPUS'], opus: { maxAverageBitrate: 5000 } })).toThrow(/options\.opus\.maxAverageBitrate/);
    expect(() => createOffer({ ...BASE, codecs: ['OPUS'], opus: { audioRate: 44100 as 48000 } })).toThrow(/options\.opus\.audioRate/);
  });
});

describe('RFC 7587 §7 offers with Opus', () => {
  it('Opus first: opus/48000/2 on 111 with a=fmtp, telephone-event at 48000 (110) and 8000 (101)', () => {
    const { sdp } = createOffer({ ...BASE, codecs: ['OPUS', 'G722', 'PCMU', 'PCMA'] });
    expect(sdp).toContain('m=audio 30000 RTP/AVP 111 9 0 8 110 101\r\n');
    expect(sdp).toContain(
      'a=rtpmap:111 opus/48000/2\r\na=fmtp:111 maxplaybackrate=16000;sprop-maxcapturerate=16000;stereo=0;sprop-stereo=0;useinbandfec=1;maxaveragebitrate=32000\r\n' +
        'a=rtpmap:9 G722/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n' +
        'a=rtpmap:110 telephone-event/48000\r\na=fmtp:110 0-16\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n',
    );
  });

  it('Opus last, Opus only, options, and no telephone-event', () => {
    expect(createOffer({ ...BASE, codecs: ['PCMU', 'OPUS'] }).sdp).toContain('m=audio 30000 RTP/AVP 0 111 101 110\r\n');
    expect(createOffer({ ...BASE, codecs: ['OPUS'] }).sdp).toContain('m=audio 30000 RTP/AVP 111 110\r\n');
    expect(createOffer({ ...BASE, codecs: ['OPUS'], telephoneEvent: false }).sdp).toContain('m=audio 30000 RTP/AVP 111\r\n');
    expect(createOffer({ ...BASE, codecs: ['OPUS'], opus: { audioRate: 48000, useInbandFec: false, maxAverageBitrate: 64000 } }).sdp).toContain(
      'a=fmtp:111 maxplaybackrate=48000;sprop-maxcapturerate=48000;stereo=0;sprop-stereo=0;useinbandfec=0;maxaveragebitrate=64000\r\n',
    );
  });

  it('RFC 3264 §7: an answer choosing Opus is applied at clock 48000 with the peer\'s parameters and telephone-event/48000', () => {
    const { state, sdp } = createOffer({ ...BASE, codecs: ['PCMU', 'OPUS'] });
    const peer = answerOffer(sdp, { ...BASE, address: '198.51.100.7', port: 40000, codecs: ['OPUS'], opus: { maxAverageBitrate: 24000 } });
    if (!peer.ok) throw new Error(peer.reason);
    const media = applyAnswer(state, peer.answer);
    expect(media.codec).toEqual({
      name: 'OPUS', payloadType: 111, clockRate: 48000, channels: 2,
      opus: { useInbandFec: true, maxAverageBitrate: 24000, maxPlaybackRate: 16000, stereo: false },
    });
    expect(media.telephoneEventPayloadType).toBe(110);
  });

  it('the peer\'s Opus a=fmtp: absent parameters take RFC 7587 §6.1 defaults, out-of-range bit rates are clamped', () => {
    const answerWith = (fmtp: string | null) => {
      const r = answerOffer(offerWith(audioWith([[111, 'opus/48000/2']], fmtp === null ? [] : [`a=fmtp:111 ${fmtp}`])), { ...BASE, codecs: ['OPUS'] });
      if (!r.ok) throw new Error(r.reason);
      return r.media.codec.opus;
    };
    expect(answerWith(null)).toEqual({ useInbandFec: false, maxAverageBitrate: null, maxPlaybackRate: null, stereo: false });
    expect(answerWith('maxaveragebitrate=1000000; USEINBANDFEC=1; stereo=1')).toEqual({ useInbandFec: true, maxAverageBitrate: 510000, maxPlaybackRate: null, stereo: true });
    expect(answerWith('maxaveragebitrate=100;maxplaybackrate=bogus;=;x')).toEqual({ useInbandFec: false, maxAverageBitrate: 6000, maxPlaybackRate: null, stereo: false });
  });
});

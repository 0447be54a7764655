/**
 * RFC 3264 §6 answers to offers of real systems, each × the three SRTP policies × each signalling
 * transport, asserted field by field and against the rule checker. The offers are written from the
 * public documentation and captures cited per row (keys replaced by fresh random ones); the baresip
 * ones were captured from baresip 1.0 by `captureBaresipOffer` (and are re-captured live in
 * `baresip-offer.interop.test.ts`).
 *
 * Grid cells, for udp / tcp / tls: `P` = 200 plain RTP, `S` = 200 with SRTP, `30x` = 488 with that
 * Warning code (RFC 3261 §20.43).
 */
import { describe, expect, it } from 'vitest';
import type { SrtpProfile } from '@trunkline/rtp-srtp';
import { answerOffer, type AnswerOptions, type MediaDirection, type MediaEndpoint, type OpusPeerParameters } from '../src/index.js';
import { checkAnswer } from './support/check-answer.js';
import { offerFixture } from './support/fixtures.js';

interface Row {
  readonly name: string;
  readonly file: string;
  /** Where the offer's shape comes from. */
  readonly source: string;
  /** Rows off / optional / mandatory; columns udp tcp tls. */
  readonly grid: readonly [string, string, string];
  readonly options?: Partial<AnswerOptions>;
  readonly expect?: {
    readonly codec: 'PCMU' | 'PCMA' | 'G722' | 'OPUS';
    /** For Opus: the peer's a=fmtp as read (RFC 7587 §6.1). */
    readonly opus?: OpusPeerParameters;
    readonly payloadType: number;
    readonly telephoneEvent: number | null;
    readonly fmtpEvents?: string;
    readonly ptime: number;
    readonly maxptime: number | null;
    readonly direction: MediaDirection;
    readonly remoteHold: boolean;
    readonly remoteRtp: MediaEndpoint;
    readonly remoteRtcp: MediaEndpoint;
    readonly mLines: number;
    readonly crypto?: { readonly tag: number; readonly profile: SrtpProfile; readonly lifetime?: number; readonly mki?: { value: bigint; length: number } };
  };
}

const PLAIN: Row['grid'] = ['P P P', 'P P P', '302 302 302'];
const OSRTP: Row['grid'] = ['P P P', 'P P S', '302 302 S'];
const SAVP: Row['grid'] = ['302 302 302', '302 302 S', '302 302 S'];
const NEVER = (code: number): Row['grid'] => [`${code} ${code} ${code}`, `${code} ${code} ${code}`, `${code} ${code} ${code}`];

const ROWS: readonly Row[] = [
  {
    name: 'Twilio Elastic SIP Trunking (plain)',
    file: 'twilio-elastic-sip-trunking.sdp',
    source: 'INVITE from "Twilio Gateway" in github.com/sipwise/rtpengine/issues/144; Twilio trunking docs (G.711, RFC 2833 on 101)',
    grid: PLAIN,
    expect: {
      codec: 'PCMU', payloadType: 0, telephoneEvent: 101, fmtpEvents: '0-16', ptime: 20, maxptime: 150, direction: 'sendrecv', remoteHold: false,
      remoteRtp: { address: '54.172.60.1', port: 33340 }, remoteRtcp: { address: '54.172.60.1', port: 33341 }, mLines: 1,
    },
  },
  {
    name: 'Twilio Elastic SIP Trunking, PCMA only locally: no codec in common',
    file: 'twilio-elastic-sip-trunking.sdp',
    source: 'as above',
    options: { codecs: ['PCMA'] },
    grid: ['305 305 305', '305 305 305', '302 302 302'],
  },
  {
    name: 'Twilio Secure Trunking (TLS + SRTP)',
    file: 'twilio-secure-trunking.sdp',
    source: 'Twilio "Secure Trunking" docs: RTP/SAVP with one AES_CM_128_HMAC_SHA1_80 line over TLS',
    grid: SAVP,
    expect: {
      codec: 'PCMU', payloadType: 0, telephoneEvent: 101, ptime: 20, maxptime: 150, direction: 'sendrecv', remoteHold: false,
      remoteRtp: { address: '54.172.60.3', port: 17424 }, remoteRtcp: { address: '54.172.60.3', port: 17425 }, mLines: 1,
      crypto: { tag: 1, profile: 'AES_CM_128_HMAC_SHA1_80' },
    },
  },
  {
    name: 'Microsoft Teams Direct Routing (SILK first, ICE, MKI, a=rtcp)',
    file: 'teams-direct-routing.sdp',
    source: 'learn.microsoft.com Direct Routing media protocols and [MS-SDPEXT] §4.1.3 (crypto |2^31|1:1, maxptime 200, a=rtcp, ICE candidates)',
    grid: SAVP,
    expect: {
      codec: 'PCMU', payloadType: 0, telephoneEvent: 101, ptime: 20, maxptime: 200, direction: 'sendrecv', remoteHold: false,
      remoteRtp: { address: '52.114.14.70', port: 52818 }, remoteRtcp: { address: '52.114.14.70', port: 52819 }, mLines: 1,
      crypto: { tag: 2, profile: 'AES_CM_128_HMAC_SHA1_80', lifetime: 2 ** 31, mki: { value: 1n, length: 1 } },
    },
  },
  {
    name: 'FreeSWITCH, every suite incl. AEAD_*_GCM_8, AES_192 and NULL_AUTH look-alikes',
    file: 'freeswitch-sdes-all-suites.sdp',
    source: 'FreeSWITCH offer in github.com/sipwise/rtpengine/issues/929',
    grid: SAVP,
    expect: {
      codec: 'PCMA', payloadType: 8, telephoneEvent: 101, ptime: 20, maxptime: null, direction: 'sendrecv', remoteHold: false,
      remoteRtp: { address: '198.51.100.20', port: 32288 }, remoteRtcp: { address: '198.51.100.20', port: 32289 }, mLines: 1,
      crypto: { tag: 3, profile: 'AES_256_CM_HMAC_SHA1_80' },
    },
  },
  {
    name: 'FreeSWITCH, only AES_CM_128_HMAC_SHA1_80 allowed locally',
    file: 'freeswitch-sdes-all-suites.sdp',
    source: 'as above',
    options: { suites: ['AES_CM_128_HMAC_SHA1_80'] },
    grid: SAVP,
    expect: {
      codec: 'PCMA', payloadType: 8, telephoneEvent: 101, ptime: 20, maxptime: null, direction: 'sendrecv', remoteHold: false,
      remoteRtp: { address: '198.51.100.20', port: 32288 }, remoteRtcp: { address: '198.51.100.20', port: 32289 }, mLines: 1,
      crypto: { tag: 5, profile: 'AES_CM_128_HMAC_SHA1_80' },
    },
  },
  {
    name: 'FreeSWITCH, tags 5 and 7, G722 first',
    file: 'freeswitch-odd-tags.sdp',
    source: 'FreeSWITCH INVITE in github.com/emiago/diago/issues/49 (a plain RTP/AVP answer got BYE 950 INCOMPATIBLE_DESTINATION)',
    grid: SAVP,
    expect: {
      codec: 'PCMU', payloadType: 0, telephoneEvent: 101, fmtpEvents: '0-15', ptime: 20, maxptime: null, direction: 'sendrecv', remoteHold: false,
      remoteRtp: { address: '198.51.100.21', port: 31890 }, remoteRtcp: { address: '198.51.100.21', port: 31891 }, mLines: 1,
      crypto: { tag: 5, profile: 'AES_256_CM_HMAC_SHA1_80' },
    },
  },
  {
    name: 'Asterisk 11 chan_sip, audio + video',
    file: 'asterisk-chan-sip-audio-video.sdp',
    source: 'Asterisk PBX 11.16.0 offer in github.com/sipwise/rtpengine/issues/203',
    grid: PLAIN,
    expect: {
      codec: 'PCMU', payloadType: 0, telephoneEvent: 101, ptime: 20, maxptime: null, direction: 'sendrecv', remoteHold: false,
      remoteRtp: { address: '172.16.52.203', port: 17562 }, remoteRtcp: { address: '172.16.52.203', port: 17563 }, mLines: 2,
    },
  },
  {
    name: 'Asterisk PJSIP media_encryption=sdes, on hold (sendonly)',
    file: 'asterisk-pjsip-sdes.sdp',
    source: 'Asterisk res_pjsip SDES offers (s=Asterisk, maxptime 150); hold as Asterisk sends it (a=sendonly)',
    grid: SAVP,
    expect: {
      codec: 'PCMU', payloadType: 0, telephoneEvent: 101, ptime: 20, maxptime: 150, direction: 'recvonly', remoteHold: true,
      remoteRtp: { address: '192.0.2.33', port: 10116 }, remoteRtcp: { address: '192.0.2.33', port: 10117 }, mLines: 1,
      crypto: { tag: 1, profile: 'AES_CM_128_HMAC_SHA1_80' },
    },
  },
  {
    name: 'Cisco CUBE, _32 before _80, media-level c=',
    file: 'cisco-cube.sdp',
    source: 'Cisco Unified Border Element SRTP configuration guide (o=CiscoSystemsSIP-GW-UserAgent, s=SIP Call, CN on 19)',
    grid: SAVP,
    expect: {
      codec: 'PCMU', payloadType: 0, telephoneEvent: 101, ptime: 20, maxptime: null, direction: 'sendrecv', remoteHold: false,
      remoteRtp: { address: '192.0.2.51', port: 16438 }, remoteRtcp: { address: '192.0.2.51', port: 16439 }, mLines: 1,
      crypto: { tag: 1, profile: 'AES_CM_128_HMAC_SHA1_32' },
    },
  },
  {
    name: 'AudioCodes Mediant SBC, a=rtcp with an address',
    file: 'audiocodes-mediant.sdp',
    source: 'AudioCodes Mediant configuration notes (o=AudiocodesGW, s=Phone-Call, G.729 annexb=no)',
    grid: PLAIN,
    expect: {
      codec: 'PCMU', payloadType: 0, telephoneEvent: 101, fmtpEvents: '0-15', ptime: 20, maxptime: null, direction: 'sendrecv', remoteHold: false,
      remoteRtp: { address: '203.0.113.77', port: 6010 }, remoteRtcp: { address: '203.0.113.78', port: 6011 }, mLines: 1,
    },
  },
  {
    name: 'LiveKit SIP, media encryption "allow" (OSRTP)',
    file: 'livekit-sip-osrtp.sdp',
    source: 'livekit/sip outbound offers (s=LiveKit, G722 first) with SDES on RTP/AVP as RFC 8643 OSRTP',
    grid: OSRTP,
    expect: {
      codec: 'PCMU', payloadType: 0, telephoneEvent: 101, ptime: 20, maxptime: null, direction: 'sendrecv', remoteHold: false,
      remoteRtp: { address: '203.0.113.200', port: 14022 }, remoteRtcp: { address: '203.0.113.200', port: 14023 }, mLines: 1,
      crypto: { tag: 1, profile: 'AES_CM_128_HMAC_SHA1_80' },
    },
  },
  {
    name: 'IPv6 trunk offer, ptime 30, our address IPv6',
    file: 'ipv6-carrier.sdp',
    source: 'RFC 8866 §5.7 IP6 connection data as carriers with IPv6 trunks send it (RFC 6157)',
    options: { address: '2001:db8:20::a' },
    grid: PLAIN,
    expect: {
      codec: 'PCMU', payloadType: 0, telephoneEvent: 101, ptime: 30, maxptime: null, direction: 'sendrecv', remoteHold: false,
      remoteRtp: { address: '2001:db8:10::5', port: 21000 }, remoteRtcp: { address: '2001:db8:10::5', port: 21001 }, mLines: 1,
    },
  },
  {
    name: 'IPv6 trunk offer, our address IPv4',
    file: 'ipv6-carrier.sdp',
    source: 'as above',
    grid: NEVER(301),
  },
  {
    name: 'Yealink phone, F8_128_HMAC_SHA1_80 offered too',
    file: 'yealink-srtp.sdp',
    source: 'Yealink SIP-T4x administrator guide, SRTP INVITE example',
    grid: SAVP,
    expect: {
      codec: 'PCMU', payloadType: 0, telephoneEvent: 101, fmtpEvents: '0-15', ptime: 20, maxptime: null, direction: 'sendrecv', remoteHold: false,
      remoteRtp: { address: '10.2.1.48', port: 11780 }, remoteRtcp: { address: '10.2.1.48', port: 11781 }, mLines: 1,
      crypto: { tag: 1, profile: 'AES_CM_128_HMAC_SHA1_80' },
    },
  },
  {
    name: 'Zoiper, opus and telephone-event/48000 first, AES_CM_256 look-alike first',
    file: 'zoiper-opus-te48k.sdp',
    source: 'Zoiper offer in github.com/sipwise/rtpengine/issues/736',
    grid: SAVP,
    expect: {
      codec: 'PCMU', payloadType: 0, telephoneEvent: 101, ptime: 20, maxptime: null, direction: 'sendrecv', remoteHold: false,
      remoteRtp: { address: '10.77.79.194', port: 62816 }, remoteRtcp: { address: '10.77.79.194', port: 62817 }, mLines: 1,
      crypto: { tag: 5, profile: 'AES_256_CM_HMAC_SHA1_80' },
    },
  },
  {
    name: 'Zoiper, Opus preferred locally: opus/48000/2 on 106, telephone-event/48000 on 98 (RFC 7587 §7, RFC 4733 §2.1)',
    file: 'zoiper-opus-te48k.sdp',
    source: 'as above',
    grid: SAVP,
    options: { codecs: ['OPUS', 'G722', 'PCMU', 'PCMA'] },
    expect: {
      codec: 'OPUS', payloadType: 106, telephoneEvent: 98, fmtpEvents: '0-16', ptime: 20, maxptime: null, direction: 'sendrecv', remoteHold: false,
      opus: { useInbandFec: true, maxAverageBitrate: 20000, maxPlaybackRate: 16000, stereo: false },
      remoteRtp: { address: '10.77.79.194', port: 62816 }, remoteRtcp: { address: '10.77.79.194', port: 62817 }, mLines: 1,
      crypto: { tag: 5, profile: 'AES_256_CM_HMAC_SHA1_80' },
    },
  },
  {
    name: 'Zoiper, G722 preferred over Opus: G722 on 9, telephone-event/8000 on 101',
    file: 'zoiper-opus-te48k.sdp',
    source: 'as above',
    grid: SAVP,
    options: { codecs: ['G722', 'OPUS'] },
    expect: {
      codec: 'G722', payloadType: 9, telephoneEvent: 101, fmtpEvents: '0-16', ptime: 20, maxptime: null, direction: 'sendrecv', remoteHold: false,
      remoteRtp: { address: '10.77.79.194', port: 62816 }, remoteRtcp: { address: '10.77.79.194', port: 62817 }, mLines: 1,
      crypto: { tag: 5, profile: 'AES_256_CM_HMAC_SHA1_80' },
    },
  },
  {
    name: 'Chrome WebRTC (DTLS-SRTP, ICE)',
    file: 'chrome-webrtc-dtls.sdp',
    source: 'browser offer in github.com/havfo/WEBRTC-to-SIP/issues/42',
    grid: NEVER(302),
  },
  {
    name: 'baresip 1.0 plain',
    file: 'baresip-plain.sdp',
    source: 'captured from Debian baresip 1.0.0 (test/support/baresip-offer.ts)',
    grid: PLAIN,
    expect: {
      codec: 'PCMU', payloadType: 0, telephoneEvent: 101, fmtpEvents: '0-15', ptime: 20, maxptime: null, direction: 'sendrecv', remoteHold: false,
      remoteRtp: { address: '127.0.0.1', port: 4554 }, remoteRtcp: { address: '127.0.0.1', port: 4555 }, mLines: 1,
    },
  },
  {
    name: 'baresip 1.0 mediaenc=srtp (RTP/AVP + a=crypto)',
    file: 'baresip-srtp.sdp',
    source: 'captured from Debian baresip 1.0.0',
    grid: OSRTP,
    expect: {
      codec: 'PCMU', payloadType: 0, telephoneEvent: 101, ptime: 20, maxptime: null, direction: 'sendrecv', remoteHold: false,
      remoteRtp: { address: '127.0.0.1', port: 20814 }, remoteRtcp: { address: '127.0.0.1', port: 20815 }, mLines: 1,
      crypto: { tag: 1, profile: 'AES_CM_128_HMAC_SHA1_80' },
    },
  },
  {
    name: 'baresip 1.0 mediaenc=srtp-mand (RTP/SAVP)',
    file: 'baresip-srtp-mand.sdp',
    source: 'captured from Debian baresip 1.0.0',
    grid: SAVP,
    expect: {
      codec: 'PCMU', payloadType: 0, telephoneEvent: 101, ptime: 20, maxptime: null, direction: 'sendrecv', remoteHold: false,
      remoteRtp: { address: '127.0.0.1', port: 38224 }, remoteRtcp: { address: '127.0.0.1', port: 38225 }, mLines: 1,
      crypto: { tag: 1, profile: 'AES_CM_128_HMAC_SHA1_80' },
    },
  },
];

const POLICIES = ['off', 'optional', 'mandatory'] as const;
const TRANSPORTS = ['udp', 'tcp', 'tls'] as const;

describe('RFC 3264 §6 answers to real offers (× srtp policy × signalling transport)', () => {
  for (const row of ROWS) {
    POLICIES.forEach((srtp, p) => {
      const cells = row.grid[p]!.split(' ');
      TRANSPORTS.forEach((signalling, t) => {
        const cell = cells[t]!;
        it(`${row.name} — srtp ${srtp} over ${signalling}: ${cell === 'P' ? '200 plain' : cell === 'S' ? '200 SRTP' : `488 (${cell})`}`, () => {
          const offer = offerFixture(row.file);
          const options: AnswerOptions = { srtp, signalling, address: '203.0.113.10', port: 40000, ...row.options };
          const r = answerOffer(offer, options);
          checkAnswer(offer, options, r);
          if (cell !== 'P' && cell !== 'S') {
            expect(r).toMatchObject({ ok: false, status: 488 });
            if (!r.ok) expect(r.warning?.startsWith(`${cell} `)).toBe(true);
            return;
          }
          if (!r.ok) throw new Error(`expected an answer, got ${JSON.stringify(r)}`);
          const e = row.expect!;
          const m = r.media;
          const opus = e.codec === 'OPUS';
          expect(m.codec).toEqual({
            name: e.codec, payloadType: e.payloadType, clockRate: opus ? 48000 : 8000, channels: opus ? 2 : 1, ...(e.opus === undefined ? {} : { opus: e.opus }),
          });
          expect(m.telephoneEventPayloadType).toBe(e.telephoneEvent);
          expect(m.ptime).toBe(e.ptime);
          expect(m.maxptime).toBe(e.maxptime);
          expect(m.direction).toBe(e.direction);
          expect(m.remoteHold).toBe(e.remoteHold);
          expect(m.remoteRtp).toEqual(e.remoteRtp);
          expect(m.remoteRtcp).toEqual(e.remoteRtcp);
          expect(m.rtcpMux).toBe(false);
          const lines = r.answer.split('\r\n');
          expect(lines.filter((l) => l.startsWith('m=')).length).toBe(e.mLines);
          expect(lines).toContain(`c=IN IP${options.address.includes(':') ? 6 : 4} ${options.address}`);
          expect(lines).toContain(`a=${e.direction}`);
          if (e.telephoneEvent !== null && e.fmtpEvents !== undefined) expect(lines).toContain(`a=fmtp:${e.telephoneEvent} ${e.fmtpEvents}`);
          const crypto = lines.filter((l) => l.startsWith('a=crypto:'));
          const audio = lines.find((l) => l.startsWith('m=audio'))!;
          const offeredProto = offer.split('\r\n').find((l) => l.startsWith('m=audio'))!.split(' ')[2];
          expect(audio).toBe(`m=audio 40000 ${offeredProto} ${e.telephoneEvent === null ? e.payloadType : `${e.payloadType} ${e.telephoneEvent}`}`);
          if (cell === 'P') {
            expect(m.srtp).toBeNull();
            expect(crypto).toEqual([]);
          } else {
            const c = e.crypto!;
            expect(m.srtp).toMatchObject({ tag: c.tag, profile: c.profile });
            expect(crypto).toHaveLength(1);
            expect(crypto[0]!.startsWith(`a=crypto:${c.tag} ${c.profile} inline:`)).toBe(true);
            expect(m.srtp!.remoteKey.lifetime).toBe(c.lifetime);
            expect(m.srtp!.remoteKey.mki).toEqual(c.mki);
            expect(m.srtp!.localKey.lifetime).toBeUndefined();
          }
        });
      });
    });
  }

  it('the table covers every system the issue names', () => {
    const names = ROWS.map((r) => r.name).join(' ');
    for (const s of ['baresip', 'FreeSWITCH', 'Asterisk', 'Twilio', 'Teams', 'LiveKit', 'Cisco CUBE', 'AudioCodes', 'IPv6']) expect(names).toContain(s);
  });
});

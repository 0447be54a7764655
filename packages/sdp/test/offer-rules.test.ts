/**
 * Our offers (RFC 3264 §5, RFC 4568 §5.1.1, RFC 8643) and reading answers to them (RFC 3264 §7).
 */
import { describe, expect, it } from 'vitest';
import { applyAnswer, createOffer, parseSessionDescription, SdpError, type OfferOptions, type OfferState, type SdpErrorCode } from '../src/index.js';

const BASE: OfferOptions = { srtp: 'off', signalling: 'udp', address: '192.0.2.20', port: 30000 };

function answerText(lines: readonly string[], connection = 'c=IN IP4 198.51.100.5'): string {
  return ['v=0', 'o=peer 5 5 IN IP4 198.51.100.5', 's=-', connection, 't=0 0', ...lines, ''].join('\r\n');
}

function expectCode(f: () => unknown, code: SdpErrorCode): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SdpError);
    expect((e as SdpError).code).toBe(code);
    return;
  }
  throw new Error(`expected SdpError ${code}`);
}

/** Our n-th offered key as an answer would echo it, with a given peer key byte. */
function cryptoFor(state: OfferState, i: number, fill = 7): string {
  const k = state.keys[i]!;
  const len = k.key.masterKey.length + k.key.masterSalt.length;
  return `a=crypto:${k.tag} ${k.profile} inline:${Buffer.alloc(len, fill).toString('base64')}`;
}

describe('RFC 3264 §5 createOffer', () => {
  it('plain offer: one audio m-line, static PTs by preference, telephone-event 101/8000 0-16, ptime 20, rtcp-mux, sendrecv', () => {
    const { sdp, state } = createOffer({ ...BASE, codecs: ['PCMA', 'PCMU'] });
    expect(sdp.split('\r\n')).toEqual([
      'v=0',
      `o=- ${state.origin.sessionId} 1 IN IP4 192.0.2.20`,
      's=-',
      'c=IN IP4 192.0.2.20',
      't=0 0',
      'm=audio 30000 RTP/AVP 8 0 101',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
      'a=ptime:20',
      'a=rtcp-mux',
      'a=sendrecv',
      '',
    ]);
  });

  it('RFC 4568 §5.1.1: mandatory over TLS is RTP/SAVP with one a=crypto per suite, tags 1..n, distinct fresh keys', () => {
    const { sdp, state } = createOffer({ ...BASE, srtp: 'mandatory', signalling: 'tls' });
    const audio = parseSessionDescription(sdp).media[0]!;
    expect(audio.proto).toBe('RTP/SAVP');
    expect(audio.crypto.map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual([
      '1 AES_CM_128_HMAC_SHA1_80',
      '2 AES_CM_128_HMAC_SHA1_32',
      '3 AES_256_CM_HMAC_SHA1_80',
      '4 AES_256_CM_HMAC_SHA1_32',
      '5 AEAD_AES_128_GCM',
      '6 AEAD_AES_256_GCM',
    ]);
    expect(new Set(state.keys.map((k) => Buffer.from(k.key.masterKey).toString('hex'))).size).toBe(6);
    const one = createOffer({ ...BASE, srtp: 'mandatory', signalling: 'tls', suites: ['AEAD_AES_256_GCM'] });
    expect(parseSessionDescription(one.sdp).media[0]!.crypto).toHaveLength(1);
  });

  it('RFC 8643: optional over TLS is an OSRTP offer (RTP/AVP + a=crypto); over UDP/TCP no key is ever written', () => {
    expect(parseSessionDescription(createOffer({ ...BASE, srtp: 'optional', signalling: 'tls' }).sdp).media[0]).toMatchObject({ proto: 'RTP/AVP' });
    expect(createOffer({ ...BASE, srtp: 'optional', signalling: 'tls' }).sdp).toContain('a=crypto:1 ');
    for (const signalling of ['udp', 'tcp'] as const) {
      const o = createOffer({ ...BASE, srtp: 'optional', signalling });
      expect(o.sdp).not.toContain('a=crypto');
      expect(o.state.keys).toEqual([]);
    }
    expect(createOffer({ ...BASE, srtp: 'optional', allowSdesOverCleartext: true }).sdp).toContain('a=crypto:1 ');
  });

  it('RFC 4568 §8.3: mandatory SRTP over cleartext signalling throws SDP_CLEARTEXT_KEYING unless allowed', () => {
    expectCode(() => createOffer({ ...BASE, srtp: 'mandatory', signalling: 'udp' }), 'SDP_CLEARTEXT_KEYING');
    expect(createOffer({ ...BASE, srtp: 'mandatory', signalling: 'tcp', allowSdesOverCleartext: true }).state.proto).toBe('RTP/SAVP');
  });

  it('hold offers (RFC 3264 §8.4): direction sendonly / inactive; rtcpMux, telephoneEvent and ptime options', () => {
    const o = createOffer({ ...BASE, direction: 'inactive', rtcpMux: false, telephoneEvent: false, ptime: 30 });
    expect(o.sdp).toContain('a=inactive');
    expect(o.sdp).not.toContain('a=rtcp-mux');
    expect(o.sdp).not.toContain('telephone-event');
    expect(o.sdp).toContain('a=ptime:30');
    expect(() => createOffer({ ...BASE, ptime: 7 })).toThrow(TypeError);
  });
});

describe('RFC 3264 §7 applyAnswer', () => {
  const savp = () => createOffer({ ...BASE, srtp: 'mandatory', signalling: 'tls' });
  const osrtp = () => createOffer({ ...BASE, srtp: 'optional', signalling: 'tls' });

  it('reads codec, telephone-event PT, ptime, direction, RTCP and keys from the answer', () => {
    const { state } = savp();
    const m = applyAnswer(
      state,
      answerText(['m=audio 41000 RTP/SAVP 8 100', 'a=rtpmap:100 telephone-event/8000', 'a=ptime:30', 'a=recvonly', cryptoFor(state, 2)]),
    );
    expect(m).toMatchObject({
      remoteRtp: { address: '198.51.100.5', port: 41000 },
      remoteRtcp: { address: '198.51.100.5', port: 41001 },
      rtcpMux: false,
      codec: { name: 'PCMA', payloadType: 8 },
      telephoneEventPayloadType: 100,
      ptime: 30,
      direction: 'sendonly',
      remoteHold: false,
      srtp: { tag: 3, profile: 'AES_256_CM_HMAC_SHA1_80' },
    });
    expect(m.srtp!.localKey).toBe(state.keys[2]!.key);
    expect(Buffer.from(m.srtp!.remoteKey.masterKey).equals(Buffer.alloc(32, 7))).toBe(true);
  });

  it('RFC 8643 §3: an OSRTP offer answered plain gives plain RTP; answered with one crypto gives SRTP', () => {
    const { state } = osrtp();
    expect(applyAnswer(state, answerText(['m=audio 41000 RTP/AVP 0', 'a=rtcp-mux'])).srtp).toBeNull();
    expect(applyAnswer(state, answerText(['m=audio 41000 RTP/AVP 0', 'a=rtcp-mux'])).rtcpMux).toBe(true);
    expect(applyAnswer(state, answerText(['m=audio 41000 RTP/AVP 0', cryptoFor(state, 0)])).srtp?.tag).toBe(1);
  });

  it.each<[string, () => OfferState, readonly string[], SdpErrorCode, string?]>([
    ['an RTP/SAVP offer answered RTP/AVP (RFC 3264 §6.1)', () => savp().state, ['m=audio 41000 RTP/AVP 0'], 'SDP_ANSWER_MISMATCH'],
    ['an RTP/SAVP answer without a=crypto', () => savp().state, ['m=audio 41000 RTP/SAVP 0'], 'SDP_KEYING_FAILED'],
    ['two a=crypto lines', () => savp().state, ['m=audio 41000 RTP/SAVP 0', 'CRYPTO0', 'CRYPTO1'], 'SDP_KEYING_FAILED'],
    ['a tag we never offered', () => savp().state, ['m=audio 41000 RTP/SAVP 0', `a=crypto:9 AES_CM_128_HMAC_SHA1_80 inline:${Buffer.alloc(30).toString('base64')}`], 'SDP_KEYING_FAILED'],
    ['our tag with another suite', () => savp().state, ['m=audio 41000 RTP/SAVP 0', `a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:${Buffer.alloc(30).toString('base64')}`], 'SDP_KEYING_FAILED'],
    ['a malformed a=crypto', () => savp().state, ['m=audio 41000 RTP/SAVP 0', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:!!'], 'SDP_KEYING_FAILED'],
    ['keys in the answer to a plain offer', () => createOffer(BASE).state, ['m=audio 41000 RTP/AVP 0', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${Buffer.alloc(30).toString('base64')}`], 'SDP_KEYING_FAILED'],
    ['a rejected audio stream (port 0)', () => createOffer(BASE).state, ['m=audio 0 RTP/AVP 0'], 'SDP_MEDIA_REJECTED'],
    ['two m-lines for our one', () => createOffer(BASE).state, ['m=audio 41000 RTP/AVP 0', 'm=video 0 RTP/AVP 96'], 'SDP_ANSWER_MISMATCH'],
    ['a video m-line for our audio', () => createOffer(BASE).state, ['m=video 41000 RTP/AVP 96'], 'SDP_NO_AUDIO'],
    ['no codec we offered', () => createOffer({ ...BASE, codecs: ['PCMU'] }).state, ['m=audio 41000 RTP/AVP 8 18'], 'SDP_NO_COMMON_CODEC'],
    ['an IPv6 answer to our IPv4 offer', () => createOffer(BASE).state, ['m=audio 41000 RTP/AVP 0'], 'SDP_ANSWER_MISMATCH', 'c=IN IP6 2001:db8::5'],
    ['text that is not SDP', () => createOffer(BASE).state, ['garbage'], 'SDP_PARSE_FAILED'],
  ])('throws for %s', (_name, makeState, answerLines, code, connection) => {
    const state = makeState();
    const lines = answerLines.map((l) => (l === 'CRYPTO0' ? cryptoFor(state, 0) : l === 'CRYPTO1' ? cryptoFor(state, 1) : l));
    expectCode(() => applyAnswer(state, answerText(lines, connection)), code);
  });

  it('a direction wider than we offered is narrowed, not refused', () => {
    const { state } = createOffer({ ...BASE, direction: 'sendonly' });
    expect(applyAnswer(state, answerText(['m=audio 41000 RTP/AVP 0', 'a=sendrecv'])).direction).toBe('sendonly');
  });
});

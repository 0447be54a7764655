/**
 * fast-check arbitraries for SDP offers, built from the grammar (RFC 8866 §9, RFC 4568 §9.2,
 * RFC 4733 §7.1.1) with the oddities real peers send: codec lists in any order and PT, odd crypto
 * tags, look-alike suites, lifetimes, MKIs, session parameters, several keys, directions at either
 * level, extra m-lines, DTLS and ICE attributes, legacy hold, IPv6.
 */
import fc from 'fast-check';
import { SRTP_PROFILES, srtpProfileParameters, type SrtpProfile } from '@trunkline/rtp-srtp';
import type { AnswerOptions, MediaDirection } from '../../src/index.js';

const DIRECTIONS: readonly MediaDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];
const LOOKALIKES = ['AEAD_AES_128_GCM_8', 'AEAD_AES_256_GCM_8', 'AES_192_CM_HMAC_SHA1_80', 'AES_CM_256_HMAC_SHA1_80', 'F8_128_HMAC_SHA1_80', 'AES_CM_128_NULL_AUTH'];

/** `null` most of the time, else one of `values` (fc.option's `freq` is the other way round). */
const rarely = <T>(values: readonly T[], oneIn: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...values) });

const base64Of = (n: number): fc.Arbitrary<string> => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('base64'));

/** One key-param: usually the right length for the suite, sometimes not. */
function keyParam(suite: string): fc.Arbitrary<string> {
  const p = (SRTP_PROFILES as readonly string[]).includes(suite) ? srtpProfileParameters(suite as SrtpProfile) : undefined;
  const right = p === undefined ? 30 : p.keyLength + p.saltLength;
  return fc
    .tuple(
      fc.oneof({ weight: 8, arbitrary: fc.constant(right) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 50 }) }),
      rarely(['2^31', '2^20', '2^48', '1048576', '0', '2^99'], 3),
      rarely(['1:1', '2:4', '255:1', '256:1', '1:200'], 4),
    )
    .chain(([len, lifetime, mki]) =>
      base64Of(len).map((k) => `inline:${k}${lifetime === null ? '' : `|${lifetime}`}${mki === null ? '' : `|${mki}`}`),
    );
}

/** An `a=crypto` value. */
export const cryptoLine: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 999_999_999 })),
    fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...SRTP_PROFILES) }, { weight: 1, arbitrary: fc.constantFrom(...LOOKALIKES) }),
  )
  .chain(([tag, suite]) =>
    fc
      .tuple(
        fc.oneof({ weight: 6, arbitrary: keyParam(suite).map((k) => [k]) }, { weight: 1, arbitrary: fc.array(keyParam(suite), { minLength: 2, maxLength: 2 }) }),
        rarely(['UNENCRYPTED_SRTCP', 'UNENCRYPTED_SRTP', 'KDR=1', 'WSH=64', 'FEC_ORDER=FEC_SRTP'], 6),
      )
      .map(([keys, sp]) => `${tag} ${suite} ${keys.join(';')}${sp === null ? '' : ` ${sp}`}`),
  );

interface Format {
  readonly pt: number;
  readonly lines: readonly string[];
}

/** A payload format of an audio m-line, with its rtpmap/fmtp lines. */
const format: fc.Arbitrary<Format> = fc.oneof(
  fc.constantFrom<Format>(
    { pt: 0, lines: [] },
    { pt: 0, lines: ['a=rtpmap:0 PCMU/8000'] },
    { pt: 8, lines: [] },
    { pt: 8, lines: ['a=rtpmap:8 PCMA/8000'] },
    { pt: 9, lines: ['a=rtpmap:9 G722/8000'] },
    { pt: 111, lines: ['a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1'] },
    { pt: 110, lines: ['a=rtpmap:110 telephone-event/48000', 'a=fmtp:110 0-16'] },
    { pt: 18, lines: ['a=rtpmap:18 G729/8000', 'a=fmtp:18 annexb=no'] },
    { pt: 13, lines: ['a=rtpmap:13 CN/8000'] },
    { pt: 3, lines: [] },
  ),
  fc
    .tuple(
      fc.integer({ min: 96, max: 127 }),
      fc.constantFrom('PCMU/8000', 'pcma/8000', 'opus/48000/2', 'telephone-event/8000', 'telephone-event/16000', 'telephone-event/48000', 'PCMU/16000', 'SILK/16000', 'PCMA/8000/2', 'G722/16000'),
      fc.option(fc.constantFrom('0-15', '0-16', '0-11,16', '32-40', '0-15,66,70', 'bogus'), { freq: 2 }),
    )
    .map(([pt, enc, fmtp]) => ({ pt, lines: [`a=rtpmap:${pt} ${enc}`, ...(fmtp === null ? [] : [`a=fmtp:${pt} ${fmtp}`])] })),
);

const ipv4 = fc.oneof(fc.ipV4(), fc.constant('0.0.0.0'));
const ipv6 = fc.oneof(fc.constantFrom('2001:db8::1', '::', '2001:db8:10::5', 'fe80::1'), fc.ipV6());
const connection = fc.oneof({ weight: 8, arbitrary: ipv4.map((a) => `c=IN IP4 ${a}`) }, { weight: 1, arbitrary: ipv6.map((a) => `c=IN IP6 ${a}`) });

const extraAttributes = fc.subarray([
  'a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC',
  'a=setup:actpass',
  'a=ice-ufrag:kq9F',
  'a=ice-pwd:rZQ3k9Vw0m3u6T1KbB2yq5Cz',
  'a=candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ host',
  'a=rtcp-mux',
  'a=rtcp:5001',
  'a=rtcp:6001 IN IP4 192.0.2.99',
  'a=label:main-audio',
  'a=ssrc:123 cname:x',
]);

/** An audio m-section. */
const audioSection: fc.Arbitrary<string[]> = fc
  .tuple(
    fc.constantFrom('RTP/AVP', 'RTP/AVP', 'RTP/AVP', 'RTP/SAVP', 'RTP/SAVP', 'RTP/SAVP', 'RTP/AVPF', 'RTP/SAVPF', 'UDP/TLS/RTP/SAVPF', 'UDP/TLS/RTP/SAVP'),
    fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1024, max: 65534 }) }, { weight: 1, arbitrary: fc.constant(0) }),
    fc.uniqueArray(format, { minLength: 1, maxLength: 6, selector: (f) => f.pt }),
    fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 3, arbitrary: fc.array(cryptoLine, { minLength: 1, maxLength: 4 }) }),
    fc.option(fc.constantFrom(...DIRECTIONS)),
    fc.option(fc.constantFrom(10, 20, 30, 40, 60, 5, 250, 20.5)),
    fc.option(fc.constantFrom(10, 15, 20, 40, 150, 200)),
    fc.option(connection, { freq: 3 }),
    extraAttributes,
  )
  .map(([proto, port, formats, crypto, dir, ptime, maxptime, conn, extra]) => [
    `m=audio ${port} ${proto} ${formats.map((f) => f.pt).join(' ')}`,
    ...(conn === null ? [] : [conn]),
    ...formats.flatMap((f) => f.lines),
    ...crypto.map((c) => `a=crypto:${c}`),
    ...(dir === null ? [] : [`a=${dir}`]),
    ...(ptime === null ? [] : [`a=ptime:${ptime}`]),
    ...(maxptime === null ? [] : [`a=maxptime:${maxptime}`]),
    ...extra,
  ]);

/** Another m-section: video, BFCP, MRCP, T.38. */
const otherSection: fc.Arbitrary<string[]> = fc.constantFrom(
  ['m=video 5002 RTP/AVP 96 97', 'a=rtpmap:96 H264/90000', 'a=rtpmap:97 VP8/90000'],
  ['m=video 5006 RTP/AVP 96', 'c=IN IP4 192.0.2.30', 'a=rtpmap:96 H264/90000'],
  ['m=video 0 RTP/SAVP 34'],
  ['m=application 5070 TCP/BFCP *', 'a=floorctrl:c-s', 'a=setup:actpass'],
  ['m=application 9 TCP/MRCPv2 1', 'a=setup:active', 'a=resource:speechsynth'],
  ['m=image 5004 udptl t38', 'a=T38FaxVersion:0'],
);

/** A whole offer, usually with one or more audio sections. */
export const offerSdp: fc.Arbitrary<string> = fc
  .tuple(
    fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
    fc.oneof({ weight: 4, arbitrary: connection }, { weight: 1, arbitrary: fc.constant(null) }),
    fc.constantFrom('0 0', '3034423619 0', '0 0'),
    fc.option(fc.constantFrom(...DIRECTIONS), { freq: 3 }),
    fc.subarray(['b=CT:1000', 'a=tool:baresip 1.0.0', 'a=group:BUNDLE 0', 'a=ice-lite', 'a=msid-semantic: WMS']),
    // Usually one audio section somewhere among others; sometimes none at all.
    fc.oneof(
      { weight: 9, arbitrary: fc.tuple(audioSection, fc.array(fc.oneof(audioSection, otherSection), { maxLength: 3 }), fc.nat()).map(([a, rest, at]) => rest.toSpliced(at % (rest.length + 1), 0, a)) },
      { weight: 1, arbitrary: fc.array(otherSection, { maxLength: 2 }) },
    ),
  )
  .map(([id, conn, t, dir, extra, sections]) =>
    [
      'v=0',
      `o=- ${id} ${id} IN IP4 192.0.2.1`,
      's=-',
      ...(conn === null ? [] : [conn]),
      ...extra.filter((e) => e.startsWith('b=')),
      `t=${t}`,
      ...extra.filter((e) => !e.startsWith('b=')),
      ...(dir === null ? [] : [`a=${dir}`]),
      ...sections.flat(),
      '',
    ].join('\r\n'),
  );

/** Local options, any valid combination. */
export const answerOptions: fc.Arbitrary<AnswerOptions> = fc
  .record({
    srtp: fc.constantFrom('off', 'optional', 'optional', 'mandatory'),
    signalling: fc.constantFrom('udp', 'tcp', 'tls', 'tls'),
    address: fc.constantFrom('203.0.113.10', '198.51.100.7', '192.0.2.77', '192.0.2.78', '2001:db8::10'),
    port: fc.integer({ min: 1024, max: 65534 }),
    codecs: fc.shuffledSubarray(['PCMU', 'PCMA', 'G722', 'OPUS'] as const, { minLength: 1 }),
    telephoneEvent: fc.boolean(),
    allowSdesOverCleartext: fc.boolean(),
    suites: fc.shuffledSubarray([...SRTP_PROFILES], { minLength: 1 }),
    direction: fc.constantFrom(...DIRECTIONS),
    rtcpMux: fc.boolean(),
  }, { requiredKeys: ['srtp', 'signalling', 'address', 'port'] });

/**
 * The ALG rewrites, as documents: SDP in, SDP out (RFC 8866 §5.7, §5.14;
 * RFC 3264 §6, §8.4), and the SIP fields a transparent relay must move
 * (RFC 3261 §8.1.1.8 Contact, §12.2.1.1 Request-URI).
 */
import { messageToString, parseMessage } from '@trunkline/sip-parser';
import { describe, expect, it } from 'vitest';
import { classifyMediaDatagram, readSdpEndpoints, rewriteSdpEndpoints, rewriteSipForRelay } from '../src/index.js';

const offer = [
  'v=0',
  'o=- 1 1 IN IP4 10.0.0.1',
  's=-',
  'c=IN IP4 10.0.0.1',
  't=0 0',
  'm=audio 40000 RTP/AVP 0 101',
  'a=rtcp-mux',
  'm=video 0 RTP/AVP 96',
  'm=audio 40002 RTP/AVP 8',
  'i=second stream',
  'c=IN IP4 10.0.0.2',
  '',
].join('\r\n');

describe('SDP endpoints (RFC 8866 §5.7, §5.14)', () => {
  it('reads each m= section: media-level c= over session-level, port 0 kept, rtcp-mux seen', () => {
    expect(readSdpEndpoints(offer)).toEqual([
      { index: 0, media: 'audio', address: '10.0.0.1', port: 40000, rtcpMux: true },
      { index: 1, media: 'video', address: '10.0.0.1', port: 0, rtcpMux: false },
      { index: 2, media: 'audio', address: '10.0.0.2', port: 40002, rtcpMux: false },
    ]);
  });

  it('moves the chosen streams: port on m=, a media-level c= inserted (after i=) or rewritten; other lines byte for byte', () => {
    const out = rewriteSdpEndpoints(offer, (e) => (e.index === 1 ? null : { address: '127.0.0.1', port: 50000 + e.index }));
    expect(out).toBe(
      [
        'v=0',
        'o=- 1 1 IN IP4 10.0.0.1',
        's=-',
        'c=IN IP4 10.0.0.1',
        't=0 0',
        'm=audio 50000 RTP/AVP 0 101',
        'c=IN IP4 127.0.0.1',
        'a=rtcp-mux',
        'm=video 0 RTP/AVP 96',
        'm=audio 50002 RTP/AVP 8',
        'i=second stream',
        'c=IN IP4 127.0.0.1',
        '',
      ].join('\r\n'),
    );
    expect(readSdpEndpoints(out).map((e) => [e.address, e.port])).toEqual([['127.0.0.1', 50000], ['10.0.0.1', 0], ['127.0.0.1', 50002]]);
  });

  it('keeps LF-only line ends and a missing final terminator; IPv6 gets IP6', () => {
    expect(rewriteSdpEndpoints('v=0\nc=IN IP4 1.2.3.4\nm=audio 4000/2 RTP/AVP 0', () => ({ address: '::1', port: 6000 }))).toBe(
      'v=0\nc=IN IP4 1.2.3.4\nm=audio 6000/2 RTP/AVP 0\nc=IN IP6 ::1',
    );
    expect(() => rewriteSdpEndpoints(offer, () => ({ address: 'host', port: 1 }))).toThrow(TypeError);
  });
});

describe('SIP rewrites of a transparent relay (RFC 3261 §8.1.1.8, §12.2.1.1)', () => {
  const invite = [
    'INVITE sip:echo@127.0.0.1:5000 SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:6000;branch=z9hG4bK1;rport',
    'From: <sip:a@127.0.0.1>;tag=1',
    'To: <sip:echo@127.0.0.1:5000>',
    'Call-ID: c1',
    'CSeq: 1 INVITE',
    'Contact: "A" <sip:a@127.0.0.1:6000;transport=udp>;expires=60',
    'Content-Type: application/sdp',
    'Content-Length: 4',
    '',
    'abcd',
  ].join('\r\n');

  it('Contact moves to the relay, a Request-URI naming the relay goes to the real target, the body is replaced with its length', () => {
    const m = parseMessage(invite);
    rewriteSipForRelay(m, {
      contact: { address: '127.0.0.1', port: 7001 },
      requestUri: { from: { address: '127.0.0.1', port: 5000 }, to: { address: '127.0.0.1', port: 5999 } },
      body: 'v=0\r\n',
    });
    const text = messageToString(m);
    expect(text).toContain('INVITE sip:echo@127.0.0.1:5999 SIP/2.0\r\n');
    expect(text).toContain('Contact: "A" <sip:a@127.0.0.1:7001;transport=udp>;expires=60\r\n');
    expect(text).toContain('Via: SIP/2.0/UDP 127.0.0.1:6000;branch=z9hG4bK1;rport\r\n');
    expect(text).toContain('Content-Length: 5\r\n');
    expect(text.endsWith('\r\n\r\nv=0\r\n')).toBe(true);
  });

  it('a Request-URI naming someone else is left alone', () => {
    const m = parseMessage(invite);
    rewriteSipForRelay(m, { contact: { address: '127.0.0.1', port: 7001 }, requestUri: { from: { address: '127.0.0.1', port: 1 }, to: { address: '127.0.0.1', port: 2 } } });
    expect(messageToString(m)).toContain('INVITE sip:echo@127.0.0.1:5000 SIP/2.0\r\n');
  });
});

describe('media datagrams (RFC 7983 §7, RFC 5761 §4)', () => {
  it.each([
    ['RTP PCMU', [0x80, 0x00], 'rtp'],
    ['RTP with marker, PT 101', [0x80, 0xe5], 'rtp'],
    ['RTCP SR', [0x80, 200], 'rtcp'],
    ['RTCP RR with a report block', [0x81, 201], 'rtcp'],
    ['STUN', [0x00, 0x01], 'other'],
    ['DTLS', [22, 0xfe], 'other'],
  ] as const)('%s', (_name, head, kind) => {
    expect(classifyMediaDatagram(Uint8Array.from([...head, 0, 0, 0, 0, 0, 0]))).toBe(kind);
  });
});

/**
 * Offer/answer over a whole dialog: delayed offer (RFC 3261 §13.3.1.1, §14.2 / RFC 3264 §5),
 * hold and resume both ways (RFC 3264 §8.4), and re-offers that change address, port, codec and keys
 * (RFC 3264 §8.3, RFC 4568 §7.1.4), with o= continuity on both sides (RFC 3264 §8).
 */
import { describe, expect, it } from 'vitest';
import {
  answerOffer,
  applyAnswer,
  createOffer,
  parseSessionDescription,
  type AnswerOptions,
  type NegotiatedMedia,
  type OfferOptions,
} from '../src/index.js';
import { checkAnswer } from './support/check-answer.js';
import { offerFixture } from './support/fixtures.js';

const US: OfferOptions = { srtp: 'mandatory', signalling: 'tls', address: '203.0.113.10', port: 40000 };
const PEER: AnswerOptions = { srtp: 'optional', signalling: 'tls', address: '198.51.100.7', port: 50000, codecs: ['PCMA', 'PCMU'] };

/** Tracks one side's o= over the dialog: the id never changes, the version grows by one per description. */
class OriginLog {
  private readonly seen: { id: string; version: bigint }[] = [];
  add(sdp: string): void {
    const o = parseSessionDescription(sdp).origin;
    const last = this.seen[this.seen.length - 1];
    if (last !== undefined) {
      expect(o.sessionId).toBe(last.id);
      expect(BigInt(o.sessionVersion)).toBe(last.version + 1n);
    }
    this.seen.push({ id: o.sessionId, version: BigInt(o.sessionVersion) });
  }
  get count(): number {
    return this.seen.length;
  }
}

function answered(offer: string, options: AnswerOptions): { answer: string; media: NegotiatedMedia } {
  const r = answerOffer(offer, options);
  checkAnswer(offer, options, r);
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  return r;
}

function keyHex(k: { masterKey: Uint8Array }): string {
  return Buffer.from(k.masterKey).toString('hex');
}

describe('RFC 3261 §13.3.1.1 / §14.2 delayed offer', () => {
  it('an INVITE without SDP: our offer in the 2xx, the answer in the ACK; a later re-INVITE without SDP is offered again', () => {
    const ours = new OriginLog();
    const theirs = new OriginLog();
    // INVITE without a body arrives (e.g. from Genesys or a Cisco CUBE with delayed offer): we must offer in the 2xx.
    const offer1 = createOffer(US);
    ours.add(offer1.sdp);
    // The ACK carries the peer's answer.
    const ack = answered(offer1.sdp, PEER);
    theirs.add(ack.answer);
    const media1 = applyAnswer(offer1.state, ack.answer);
    expect(media1.codec.name).toBe('PCMA'); // the answerer's preference among what we offered
    expect(media1.srtp?.tag).toBe(1);
    expect(media1.srtp?.remoteKey).toEqual(ack.media.srtp?.localKey);
    expect(media1.remoteRtp).toEqual({ address: '198.51.100.7', port: 50000 });
    // A re-INVITE without SDP (RFC 3261 §14.2): we offer again, same session, next version.
    const offer2 = createOffer({ ...US, previous: offer1.sdp });
    ours.add(offer2.sdp);
    const ack2 = answered(offer2.sdp, { ...PEER, previous: ack.answer });
    theirs.add(ack2.answer);
    const media2 = applyAnswer(offer2.state, ack2.answer);
    expect(keyHex(media2.srtp!.localKey)).not.toBe(keyHex(media1.srtp!.localKey)); // fresh keys on every offer
    expect(ours.count).toBe(2);
  });

  it('the answer in the ACK may be plain to our OSRTP offer, and a real baresip offer answers a delayed-offer re-INVITE', () => {
    const offer = createOffer({ ...US, srtp: 'optional' });
    const plainAnswer = answered(offer.sdp, { ...PEER, srtp: 'off' });
    expect(applyAnswer(offer.state, plainAnswer.answer).srtp).toBeNull();
    // baresip (mediaenc=srtp-mand) sends a new offer; we answer it in the same session.
    const r = answered(offerFixture('baresip-srtp-mand.sdp'), { ...US, previous: offer.sdp });
    expect(BigInt(parseSessionDescription(r.answer).origin.sessionVersion)).toBe(2n);
  });
});

describe('RFC 3264 §8.4 hold and resume', () => {
  it('we hold the peer (sendonly, then inactive) and resume; the peer answers recvonly / inactive / sendrecv', () => {
    const ours = new OriginLog();
    const first = createOffer(US);
    ours.add(first.sdp);
    let peerLast = answered(first.sdp, PEER).answer;
    expect(applyAnswer(first.state, peerLast).direction).toBe('sendrecv');
    let previous = first.sdp;
    for (const [direction, peerDirection] of [
      ['sendonly', 'recvonly'],
      ['inactive', 'inactive'],
      ['sendrecv', 'sendrecv'],
    ] as const) {
      const o = createOffer({ ...US, direction, previous });
      ours.add(o.sdp);
      const a = answered(o.sdp, { ...PEER, previous: peerLast });
      expect(a.media.direction).toBe(peerDirection);
      const m = applyAnswer(o.state, a.answer);
      expect(m.direction).toBe(direction);
      expect(m.remoteHold).toBe(peerDirection === 'inactive');
      previous = o.sdp;
      peerLast = a.answer;
    }
  });

  it('the peer holds us (sendonly, inactive, legacy c=0.0.0.0) and resumes; our answers follow and o= keeps counting', () => {
    const ours = new OriginLog();
    const peerOffer = (direction: string, address = '198.51.100.7'): string =>
      [
        'v=0',
        'o=peer 77 1 IN IP4 198.51.100.7',
        's=-',
        `c=IN IP4 ${address}`,
        't=0 0',
        'm=audio 50000 RTP/SAVP 0 101',
        'a=rtpmap:101 telephone-event/8000',
        `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${Buffer.alloc(30, 9).toString('base64')}`,
        `a=${direction}`,
        '',
      ].join('\r\n');
    let previous: string | undefined;
    for (const [direction, address, ourDirection, held] of [
      ['sendrecv', '198.51.100.7', 'sendrecv', false],
      ['sendonly', '198.51.100.7', 'recvonly', true],
      ['inactive', '198.51.100.7', 'inactive', true],
      ['sendrecv', '0.0.0.0', 'sendrecv', true],
      ['sendrecv', '198.51.100.7', 'sendrecv', false],
    ] as const) {
      const options: AnswerOptions = previous === undefined ? US : { ...US, previous };
      const r = answered(peerOffer(direction, address), options);
      ours.add(r.answer);
      expect(r.media.direction).toBe(ourDirection);
      expect(r.media.remoteHold).toBe(held);
      expect(r.answer).toContain('c=IN IP4 203.0.113.10');
      previous = r.answer;
    }
    expect(ours.count).toBe(5);
  });
});

describe('RFC 3264 §8.3 re-offers change address, port, codec and keys', () => {
  it('the peer moves (new address, port, codec, tag and key): the answer and the media follow', () => {
    const first = answered(offerFixture('twilio-secure-trunking.sdp'), US);
    expect(first.media).toMatchObject({ codec: { name: 'PCMU' }, remoteRtp: { address: '54.172.60.3', port: 17424 }, srtp: { tag: 1 } });
    const reoffer = [
      'v=0',
      'o=root 1832651205 1832651206 IN IP4 54.172.61.9',
      's=Twilio Media Gateway',
      'c=IN IP4 54.172.61.9',
      't=0 0',
      'm=audio 19000 RTP/SAVP 8 101',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
      `a=crypto:4 AES_256_CM_HMAC_SHA1_80 inline:${Buffer.alloc(46, 4).toString('base64')}`,
      'a=sendrecv',
      '',
    ].join('\r\n');
    const second = answered(reoffer, { ...US, previous: first.answer });
    expect(second.media).toMatchObject({
      codec: { name: 'PCMA', payloadType: 8 },
      remoteRtp: { address: '54.172.61.9', port: 19000 },
      srtp: { tag: 4, profile: 'AES_256_CM_HMAC_SHA1_80' },
    });
    expect(Buffer.from(second.media.srtp!.remoteKey.masterKey).equals(Buffer.alloc(32, 4))).toBe(true);
    expect(keyHex(second.media.srtp!.localKey)).not.toBe(keyHex(first.media.srtp!.localKey));
    expect(parseSessionDescription(second.answer).origin.sessionId).toBe(parseSessionDescription(first.answer).origin.sessionId);
  });

  it('we move (new address, port, codec, keys) in a re-offer to another Trunkline side, which follows', () => {
    const first = createOffer(US);
    const peerFirst = answered(first.sdp, PEER);
    const m1 = applyAnswer(first.state, peerFirst.answer);
    const second = createOffer({ ...US, address: '203.0.113.99', port: 41000, codecs: ['PCMU'], suites: ['AEAD_AES_128_GCM'], previous: first.sdp });
    const peerSecond = answered(second.sdp, { ...PEER, previous: peerFirst.answer });
    const m2 = applyAnswer(second.state, peerSecond.answer);
    expect(peerSecond.media.remoteRtp).toEqual({ address: '203.0.113.99', port: 41000 });
    expect(m2.codec.name).toBe('PCMU');
    expect(m2.srtp).toMatchObject({ tag: 1, profile: 'AEAD_AES_128_GCM' });
    expect(m2.srtp!.localKey).toEqual(peerSecond.media.srtp!.remoteKey);
    expect(m2.srtp!.remoteKey).toEqual(peerSecond.media.srtp!.localKey);
    expect(keyHex(m2.srtp!.localKey)).not.toBe(keyHex(m1.srtp!.localKey));
    expect(BigInt(parseSessionDescription(second.sdp).origin.sessionVersion)).toBe(2n);
  });
});

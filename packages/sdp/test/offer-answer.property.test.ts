/**
 * Properties (fast-check). The seed is printed on failure; FC_SEED=<n> replays it.
 * - RFC 3264 §6 + issue-10 rules: for generated offers and options, `answerOffer` refuses with
 *   488/400 or answers within every rule (one checker: test/support/check-answer.ts).
 * - Two Trunkline sides (`createOffer` → `answerOffer` → `applyAnswer`) agree on codec, payload
 *   types, direction, rtcp-mux, addresses and keys.
 * - Arbitrary and mutated text only ever raises `SdpError`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  answerOffer,
  applyAnswer,
  createOffer,
  parseSessionDescription,
  SdpError,
  type AnswerOptions,
  type MediaDirection,
  type OfferOptions,
} from '../src/index.js';
import { checkAnswer } from './support/check-answer.js';
import { answerOptions, offerSdp } from './support/sdp-arbitraries.js';

const SEED = process.env['FC_SEED'] === undefined ? undefined : Number(process.env['FC_SEED']);
const params = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, verbose: 1, ...(SEED === undefined ? {} : { seed: SEED }) });

const reverse = (d: MediaDirection): MediaDirection => (d === 'sendonly' ? 'recvonly' : d === 'recvonly' ? 'sendonly' : d);

/** Runs `f` and fails if it throws anything but an SdpError. */
function onlySdpErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof SdpError)) throw e;
    expect(e.code).toMatch(/^SDP_/);
  }
}

describe('RFC 3264 §6 answerer properties', () => {
  it('every generated offer is refused (488 with a Warning / 400) or answered within every rule', () => {
    fc.assert(
      fc.property(offerSdp, answerOptions, (offer, options) => {
        checkAnswer(offer, options, answerOffer(offer, options));
      }),
      params(1500),
    );
  });

  it('RFC 3264 §8: with previous, o= keeps the session id and increments the version', () => {
    fc.assert(
      fc.property(offerSdp, answerOptions, fc.integer({ min: 1, max: 4 }), (offer, options, rounds) => {
        let previous: string | undefined;
        for (let i = 0; i < rounds; i++) {
          const o: AnswerOptions = previous === undefined ? options : { ...options, previous };
          const r = answerOffer(offer, o);
          checkAnswer(offer, o, r);
          if (!r.ok) return;
          previous = r.answer;
        }
      }),
      params(300),
    );
  });
});

const offerOptions: fc.Arbitrary<OfferOptions> = answerOptions.chain((o) =>
  fc.record({ ptime: fc.constantFrom(10, 20, 30, 60) }).map((p) => ({ ...o, ...p, address: o.address === '203.0.113.10' ? '192.0.2.20' : o.address })),
);

describe('two Trunkline sides', () => {
  it('createOffer → answerOffer → applyAnswer agree on codec, PTs, direction, rtcp-mux, addresses and keys', () => {
    fc.assert(
      fc.property(offerOptions, answerOptions, (a, b) => {
        let offer;
        try {
          offer = createOffer(a);
        } catch (e) {
          // RFC 4568 §8.3: mandatory SRTP cannot be offered over cleartext signalling.
          expect(e).toBeInstanceOf(SdpError);
          expect((e as SdpError).code).toBe('SDP_CLEARTEXT_KEYING');
          expect(a.srtp === 'mandatory' && a.signalling !== 'tls' && a.allowSdesOverCleartext !== true).toBe(true);
          return;
        }
        // The offer itself never carries keys in the clear, and only one m-line.
        const keys = offer.sdp.includes('a=crypto:');
        expect(keys).toBe(a.srtp !== 'off' && (a.signalling === 'tls' || a.allowSdesOverCleartext === true));
        const bOptions: AnswerOptions = { ...b, signalling: a.signalling };
        const r = answerOffer(offer.sdp, bOptions);
        checkAnswer(offer.sdp, bOptions, r);
        if (!r.ok) return;
        const ma = applyAnswer(offer.state, r.answer);
        const mb = r.media;
        expect(ma.codec).toEqual(mb.codec);
        expect(ma.telephoneEventPayloadType).toBe(mb.telephoneEventPayloadType);
        expect(ma.direction).toBe(reverse(mb.direction));
        expect(ma.rtcpMux).toBe(mb.rtcpMux);
        expect(ma.remoteRtp).toEqual({ address: bOptions.address, port: bOptions.port });
        expect(mb.remoteRtp).toEqual({ address: a.address, port: a.port });
        expect(ma.ptime).toBe(mb.ptime === a.ptime ? mb.ptime : ma.ptime);
        expect(mb.ptime).toBe(a.ptime);
        if (mb.srtp === null) {
          expect(ma.srtp).toBeNull();
        } else {
          expect(ma.srtp).not.toBeNull();
          expect(ma.srtp!.profile).toBe(mb.srtp.profile);
          expect(ma.srtp!.tag).toBe(mb.srtp.tag);
          expect(ma.srtp!.localKey).toEqual(mb.srtp.remoteKey);
          expect(ma.srtp!.remoteKey).toEqual(mb.srtp.localKey);
        }
      }),
      params(800),
    );
  });
});

/** Mutations of valid offers: drop, duplicate or swap lines, truncate, flip a character. */
const mutatedOffer = fc
  .tuple(offerSdp, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('drop', 'dup', 'swap', 'truncate', 'flip', 'lf')), { minLength: 1, maxLength: 4 }))
  .map(([sdp, edits]) => {
    let text = sdp;
    for (const [i, j, kind] of edits) {
      const lines = text.split('\r\n');
      const a = i % lines.length;
      const b = j % lines.length;
      if (kind === 'drop') lines.splice(a, 1);
      else if (kind === 'dup') lines.splice(a, 0, lines[a]!);
      else if (kind === 'swap') [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      text = lines.join('\r\n');
      if (kind === 'truncate') text = text.slice(0, i % (text.length + 1));
      if (kind === 'flip' && text.length > 0) {
        const at = i % text.length;
        text = text.slice(0, at) + String.fromCharCode(j % 128) + text.slice(at + 1);
      }
      if (kind === 'lf') text = text.replaceAll('\r\n', '\n');
    }
    return text;
  });

const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ maxLength: 200 }), mutatedOffer, mutatedOffer);

describe('untrusted text only raises SdpError', () => {
  it('parseSessionDescription and applyAnswer throw nothing but SdpError; answerOffer never throws', () => {
    const { state } = createOffer({ srtp: 'optional', signalling: 'tls', address: '192.0.2.20', port: 30000 });
    fc.assert(
      fc.property(anyText, (text) => {
        onlySdpErrors(() => parseSessionDescription(text));
        onlySdpErrors(() => applyAnswer(state, text));
        const options: AnswerOptions = { srtp: 'optional', signalling: 'tls', address: '203.0.113.10', port: 40000 };
        checkAnswer(text, options, answerOffer(text, options));
      }),
      params(3000),
    );
  });
});

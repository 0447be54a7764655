/**
 * Interop with a real baresip 1.0 (Debian `baresip-core`): its live INVITE offers, plain, `mediaenc=srtp`
 * (RFC 8643 OSRTP) and `mediaenc=srtp-mand` (RTP/SAVP), answered under each policy and transport and
 * checked against the rules; the checked-in fixtures must still describe what baresip sends.
 */
import { describe, expect, it } from 'vitest';
import { answerOffer, parseSessionDescription, type AnswerOptions } from '../src/index.js';
import { captureBaresipOffer, requireBaresip, type BaresipMediaenc } from './support/baresip-offer.js';
import { checkAnswer } from './support/check-answer.js';
import { offerFixture } from './support/fixtures.js';

/** The offer without what changes per call: o= numbers, port, SSRC and key. */
function shape(sdp: string): string[] {
  return sdp
    .split(/\r?\n/)
    .filter((l) => l !== '')
    .map((l) =>
      l
        .replace(/^o=- \d+ \d+/, 'o=- N N')
        .replace(/^m=audio \d+/, 'm=audio PORT')
        .replace(/^a=ssrc:\d+/, 'a=ssrc:SSRC')
        .replace(/inline:\S+/, 'inline:KEY'),
    );
}

const CASES: readonly { mediaenc: BaresipMediaenc; fixture: string; proto: string; grid: readonly string[] }[] = [
  { mediaenc: 'none', fixture: 'baresip-plain.sdp', proto: 'RTP/AVP', grid: ['P P P', 'P P P', '302 302 302'] },
  { mediaenc: 'srtp', fixture: 'baresip-srtp.sdp', proto: 'RTP/AVP', grid: ['P P P', 'P P S', '302 302 S'] },
  { mediaenc: 'srtp-mand', fixture: 'baresip-srtp-mand.sdp', proto: 'RTP/SAVP', grid: ['302 302 302', '302 302 S', '302 302 S'] },
];

describe('baresip 1.0 live offers', () => {
  for (const c of CASES) {
    it(`RFC 3264 §6 / RFC 4568: baresip mediaenc=${c.mediaenc} offers ${c.proto}, answered per policy and transport`, async () => {
      requireBaresip();
      const offer = await captureBaresipOffer(c.mediaenc);
      expect(shape(offer)).toEqual(shape(offerFixture(c.fixture)));
      const audio = parseSessionDescription(offer).media[0]!;
      expect(audio.proto).toBe(c.proto);
      (['off', 'optional', 'mandatory'] as const).forEach((srtp, p) => {
        (['udp', 'tcp', 'tls'] as const).forEach((signalling, t) => {
          const options: AnswerOptions = { srtp, signalling, address: '127.0.0.1', port: 40000 };
          const r = answerOffer(offer, options);
          checkAnswer(offer, options, r);
          const cell = c.grid[p]!.split(' ')[t]!;
          if (cell === 'P') expect(r.ok && r.media.srtp === null).toBe(true);
          else if (cell === 'S') expect(r.ok && r.media.srtp?.tag === 1 && r.media.remoteRtp.port === audio.port).toBe(true);
          else expect(!r.ok && r.warning?.startsWith(`${cell} `)).toBe(true);
        });
      });
    }, 20_000);
  }
});

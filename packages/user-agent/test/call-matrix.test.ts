import { afterAll, describe, expect, it } from 'vitest';
import type { UserAgent, UserAgentOptions } from '../src/index.js';
import { loopbackCert } from './support/certs.js';
import { answerWithEcho, chirpRoundTrip, testAgent, uriOf } from './support/ua.js';

const agents: UserAgent[] = [];
afterAll(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

function agentOptions(protocol: 'udp' | 'tcp' | 'tls', srtp: 'off' | 'mandatory'): Partial<UserAgentOptions> {
  const { cert, key } = loopbackCert();
  return {
    transports: [protocol === 'tls' ? { protocol, port: 0, cert, key } : { protocol, port: 0 }],
    tlsClient: { ca: cert },
    // SDES keys may only cross cleartext signalling when allowed (RFC 4568 §8.3): needed for SRTP over UDP/TCP.
    media: { srtp, allowSdesOverCleartext: protocol !== 'tls' },
  };
}

describe('RFC 3261 calls between two user agents: UDP, TCP and TLS, each with SRTP off and mandatory (RFC 4568)', () => {
  for (const protocol of ['udp', 'tcp', 'tls'] as const) {
    for (const srtp of ['off', 'mandatory'] as const) {
      it(`${protocol} / SRTP ${srtp}: echo of a chirp comes back; metrics plausible; BYE ends both sides`, async () => {
        const callee = await testAgent(agentOptions(protocol, srtp));
        const caller = await testAgent(agentOptions(protocol, srtp));
        agents.push(callee, caller);
        answerWithEcho(callee);
        const inboundEnded = new Promise((resolve) => callee.once('call', (c) => c.once('ended', resolve)));
        const call = await caller.invite(uriOf(callee, protocol));
        expect(call.transport).toBe(protocol);
        const echo = await chirpRoundTrip(call);
        const m = call.metrics.media!;
        const why = JSON.stringify({ echo, media: m }); // printed when an assertion fails on a loaded machine
        expect(echo.piecesOk, why).toBeGreaterThanOrEqual(0.8);
        expect(m.srtpSuite, why).toBe(srtp === 'off' ? null : 'AES_CM_128_HMAC_SHA1_80');
        expect(m.packetsReceived, why).toBeGreaterThan(100);
        expect(m.lossPercent, why).toBe(0);
        // RFC 3550 jitter on loopback is a few ms; event-loop stalls of a loaded 2-core box add tens.
        expect(m.jitterMs, why).toBeLessThan(60);
        expect(m.mos, why).toBeGreaterThan(4);
        // The callee starts sending with its 200; packets that beat the 200 to the caller are refused (counted as unprotect).
        expect(m.drops.unprotect, why).toBeLessThanOrEqual(3);
        await call.hangup();
        expect(await inboundEnded).toMatchObject({ by: 'remote', reason: 'hangup' });
        expect(call.metrics).toMatchObject({ endReason: 'hangup', endedBy: 'local' });
        expect(call.metrics.durationMs).toBeGreaterThan(4000);
      });
    }
  }
});

import { afterEach, describe, expect, it } from 'vitest';
import type { UserAgent } from '../src/index.js';
import { answerWithEcho, chirpRoundTrip, testAgent, uriOf } from './support/ua.js';

const agents: UserAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

describe('RFC 3261 §13 call between two user agents over UDP on loopback', () => {
  it('answers, echoes a chirp back (correlation ≥ 0.9), hangs up with BYE', async () => {
    const callee = await testAgent({ media: { srtp: 'off' } });
    const caller = await testAgent({ media: { srtp: 'off' } });
    agents.push(callee, caller);
    answerWithEcho(callee);
    const ended = new Promise((resolve) => callee.once('call', (c) => c.once('ended', resolve)));

    const call = await caller.invite(uriOf(callee));
    expect(call.state).toBe('established');
    const echo = await chirpRoundTrip(call);
    // Whole-chirp peak ≥ 0.9 when no slip happened; 80 % of pieces at ≥ 0.9 tolerates two slips on a loaded machine.
    expect(echo.piecesOk).toBeGreaterThanOrEqual(0.8);

    await call.hangup({ reason: 'SIP;cause=200;text="done"' });
    expect(call.state).toBe('terminated');
    expect(await ended).toMatchObject({ by: 'remote', reason: 'hangup', reasonHeader: 'SIP;cause=200;text="done"' });
    const m = call.metrics;
    expect(m.endedBy).toBe('local');
    expect(m.setupMs).toBeGreaterThan(0);
    expect(m.media?.codec).toBe('PCMU');
    expect(m.media?.packetsReceived).toBeGreaterThan(50);
    expect(m.media?.packetsLost).toBe(0);
  });
});

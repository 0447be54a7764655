/**
 * In-call features against baresip 1.0 (Debian) calling the user agent:
 * baresip holds and resumes (its re-INVITEs answered recvonly / sendrecv,
 * `hold`/`unhold` emitted), then the user agent re-offers and holds/unholds
 * toward baresip. UDP, loopback.
 */
import { Baresip, requirePeer } from '@trunkline/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import type { Call } from '../../src/index.js';
import { directionOf, requests, responses, sdpOf, tracedAgent, until, type TracedAgent } from './support/pair.js';

const running: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of running.splice(0).reverse()) await f();
});

requirePeer('baresip');

describe('in-call features against baresip 1.0 (Debian)', () => {
  it('baresip /hold and /resume → hold (recvonly answer) and unhold; our reoffer(), hold() and unhold() accepted by baresip', async () => {
    const ua: TracedAgent = await tracedAgent();
    running.push(() => ua.ua.close());
    const peer = await Baresip.start({ user: 'caller' });
    running.push(() => peer.stop());
    const events: string[] = [];
    const answered = new Promise<Call>((resolve) =>
      ua.ua.on('call', async (c) => {
        c.on('hold', ({ direction }) => events.push(`hold:${direction}`));
        c.on('unhold', () => events.push('unhold'));
        await c.answer();
        resolve(c);
      }),
    );
    peer.command(`/dial sip:echo@127.0.0.1:${ua.ua.addresses[0]!.port}`);
    const call = await answered;
    await new Promise((resolve) => setTimeout(resolve, 300));
    peer.command('/hold');
    await until(() => events.length === 1, 3000);
    peer.command('/resume');
    await until(() => events.length === 2, 3000);
    expect(events).toEqual(['hold:recvonly', 'unhold']);
    const answers = responses(ua.sent, 'INVITE', 200).map(sdpOf);
    expect(answers.map(directionOf)).toContain('recvonly');
    await call.reoffer();
    await call.hold();
    expect(call.onHold).toBe(true);
    await call.unhold();
    const ours = requests(ua.sent, 'INVITE').map(sdpOf).map(directionOf);
    expect(ours).toEqual(['sendrecv', 'sendonly', 'sendrecv']);
    expect(call.state).toBe('established');
    await call.hangup();
  }, 20_000);
});

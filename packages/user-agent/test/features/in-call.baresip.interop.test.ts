/**
 * In-call features against baresip 1.0 (Debian) calling the user agent:
 * baresip holds and resumes (its re-INVITEs answered recvonly / sendrecv,
 * `hold`/`unhold` emitted), then the user agent re-offers and holds/unholds
 * toward baresip; baresip's plain re-INVITE (`/reinvite`) answered sendrecv;
 * RFC 4733 DTMF both ways, with baresip calling and called
 * (baresip's `/sndcode` sends telephone-events, and it logs each event it
 * receives as `received event: 'D' (end=0|1)`). UDP, loopback.
 */
import { Baresip, requirePeer } from '@trunkline/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { CallStateError, type Call } from '../../src/index.js';
import { uriOf } from '../support/ua.js';
import { directionOf, requests, responses, sdpOf, tracedAgent, until, type TracedAgent } from './support/pair.js';

const running: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of running.splice(0).reverse()) await f();
});

requirePeer('baresip');

describe('in-call features against baresip 1.0 (Debian)', () => {
  it('baresip /hold and /resume → hold (recvonly answer) and unhold; our reoffer(), hold() and unhold() accepted by baresip', async () => {
    const events: string[] = [];
    const { ua, peer, call } = await baresipCalling((c) => {
      c.on('hold', ({ direction }) => events.push(`hold:${direction}`));
      c.on('unhold', () => events.push('unhold'));
    });
    peer.command('/hold');
    await until(() => events.length === 1, 3000);
    peer.command('/resume');
    await until(() => events.length === 2, 3000);
    expect(events).toEqual(['hold:recvonly', 'unhold']);
    const answers = responses(ua.sent, 'INVITE', 200).map(sdpOf);
    expect(answers.map(directionOf)).toContain('recvonly');
    await reofferOnceAcked(call);
    await call.hold();
    expect(call.onHold).toBe(true);
    await call.unhold();
    const ours = requests(ua.sent, 'INVITE').map(sdpOf).map(directionOf);
    expect(ours).toEqual(['sendrecv', 'sendonly', 'sendrecv']);
    expect(call.state).toBe('established');
    await call.hangup();
  }, 20_000);

  it('RFC 3261 §14.2, RFC 4733 §2.5: baresip calling: its /reinvite answered sendrecv (no hold); then all 12 digits of its /sndcode arrive as dtmf events in order, each once; our sendDtmf(159#) reaches baresip', async () => {
    const digits: Dtmf[] = [];
    const events: string[] = [];
    const { ua, peer, call } = await baresipCalling((c) => {
      c.on('dtmf', (d) => digits.push(d));
      c.on('hold', () => events.push('hold'));
    });
    const okSeqs = (): Set<number | undefined> => new Set(responses(ua.sent, 'INVITE', 200).map((r) => r.cseq?.seq));
    peer.command('/reinvite');
    await until(() => okSeqs().size === 2, 3000);
    expect(okSeqs().size).toBe(2); // the initial INVITE's 200 and the re-INVITE's
    expect(responses(ua.sent, 'INVITE', 200).map(sdpOf).map(directionOf).every((d) => d === 'sendrecv')).toBe(true);
    await dtmfBothWays(peer, call, digits, '0123456789*#');
    expect(events).toEqual([]);
    expect(call.state).toBe('established');
    await call.hangup();
  }, 20_000);

  it('RFC 4733 §2.5: baresip called: the same both ways on a call the user agent placed', async () => {
    const ua = await tracedAgent();
    running.push(() => ua.ua.close());
    const peer = await Baresip.start({ user: 'uas' });
    running.push(() => peer.stop());
    const digits: Dtmf[] = [];
    const call = await ua.ua.invite(`sip:uas@127.0.0.1:${peer.sipPort}`, { signal: AbortSignal.timeout(5000) });
    call.on('dtmf', (d) => digits.push(d));
    await peer.waitFor(/Call established/, 5000);
    await dtmfBothWays(peer, call, digits, '*0#');
    await call.hangup();
  }, 20_000);
});

/** A `dtmf` event as the call emits it. */
type Dtmf = { readonly digit: string; readonly durationMs: number; readonly source: string };

/**
 * baresip (user `caller`) calls a new traced user agent, which answers after
 * `listen` has put its listeners on the call; resolves once baresip reports
 * the call established. Both are stopped after the test.
 */
async function baresipCalling(listen: (call: Call) => void): Promise<{ ua: TracedAgent; peer: Baresip; call: Call }> {
  const ua = await tracedAgent();
  running.push(() => ua.ua.close());
  const peer = await Baresip.start({ user: 'caller' });
  running.push(() => peer.stop());
  const answered = new Promise<Call>((resolve) =>
    ua.ua.on('call', async (c) => {
      listen(c);
      await c.answer();
      resolve(c);
    }),
  );
  const mark = peer.output.length;
  peer.command(`/dial ${uriOf(ua.ua)}`);
  const call = await answered;
  await peer.waitFor(/Call established/, 5000, mark);
  return { ua, peer, call };
}

/**
 * `call.reoffer()` as soon as the call leaves `negotiating`: the `unhold`
 * event comes with baresip's re-INVITE, and the exchange lasts until its ACK
 * for our 2xx is in (RFC 3261 §14.2), which a loaded box may take a while to read.
 */
async function reofferOnceAcked(call: Call): Promise<void> {
  for (const end = performance.now() + 5000; ; ) {
    try {
      return await call.reoffer();
    } catch (e) {
      if (!(e instanceof CallStateError) || performance.now() > end) throw e;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Sent after baresip's digits: once it arrives, any duplicate of the earlier ones would already be in (RTP on loopback keeps order). */
const SENTINEL = '7';

/**
 * baresip sends `fromBaresip` then {@link SENTINEL}; the `dtmf` events must be
 * exactly those digits, each once (start, updates and the redundant end
 * packets collapsed, RFC 4733 §2.5.1.4). Then the call sends `159#` and
 * baresip must log a start and an end for each, in order, nothing else.
 */
async function dtmfBothWays(
  peer: Baresip,
  call: Call,
  digits: readonly Dtmf[],
  fromBaresip: string,
): Promise<void> {
  peer.command(`/sndcode ${fromBaresip}`);
  await until(() => digits.length >= fromBaresip.length, 8000);
  peer.command(`/sndcode ${SENTINEL}`);
  await until(() => digits.length > fromBaresip.length, 5000);
  await new Promise((resolve) => setTimeout(resolve, 300)); // the sentinel's own redundant ends, had they been counted twice
  expect(digits.map((d) => d.digit).join('')).toBe(fromBaresip + SENTINEL);
  expect(digits.every((d) => d.source === 'rfc4733' && d.durationMs > 0)).toBe(true);

  const mark = peer.output.length;
  await call.sendDtmf('159#', { method: 'rfc4733' });
  await peer.waitFor(/received event: '#' \(end=1\)/, 5000, mark);
  await new Promise((resolve) => setTimeout(resolve, 300)); // late duplicates, had baresip seen any
  const received = [...peer.output.slice(mark).matchAll(/received event: '(.)' \(end=([01])\)/g)].map((m) => `${m[1]}${m[2] === '1' ? '.' : ''}`);
  expect(received).toEqual(['1', '1.', '5', '5.', '9', '9.', '#', '#.']);
}

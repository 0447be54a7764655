import { afterEach, describe, expect, it } from 'vitest';
import type { RefusedInvite, UserAgent } from '../src/index.js';
import { rawPeer, type RawPeer } from './support/raw-peer.js';
import { testAgent } from './support/ua.js';

let ua: UserAgent;
let peer: RawPeer;
afterEach(async () => {
  await Promise.all([ua?.close(), peer?.close()]);
});

/** An audio offer with no codec we carry (G.729 only). */
const G729_ONLY = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n';

describe('refused event: INVITEs refused before any call exists are reported', () => {
  it('RFC 3264 §6: an offer with no common codec gets 488 with Warning 305, one refused event with the UUI, no call', async () => {
    ua = await testAgent();
    peer = await rawPeer();
    const refused: RefusedInvite[] = [];
    ua.on('refused', (r) => refused.push(r));
    ua.on('call', () => expect.unreachable('no call for an offer we cannot answer'));
    const port = ua.addresses[0]!.port;
    const r = await peer.send('INVITE', port, [['User-to-User', '04434153452D3230343831;encoding=hex']], G729_ONLY);
    expect(r.status).toBe(488);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ status: 488, transport: 'udp', remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    expect(refused[0]!.warning).toMatch(/^305 /);
    expect(refused[0]!.uui[0]?.text).toBe('CASE-20481');
    expect(ua.stats.callsTotal).toBe(0);
  });

  it('RFC 3261 §8.1.1.8: an INVITE without Contact (RFC 4475 inv2543 style) gets 400 before any call, media port or dialog exists', async () => {
    ua = await testAgent();
    peer = await rawPeer();
    const refused: RefusedInvite[] = [];
    ua.on('refused', (r) => refused.push(r));
    ua.on('call', () => expect.unreachable('no call for an INVITE that cannot make a dialog'));
    const port = ua.addresses[0]!.port;
    const offer = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';
    const r = await peer.send('INVITE', port, [], offer);
    expect(r.status).toBe(400);
    expect(r.headers.get('Warning')).toMatch(/Contact/);
    expect(refused.map((x) => x.status)).toEqual([400]);
    expect(ua.stats).toMatchObject({ callsTotal: 0, callsActive: 0, portsInUse: 0 });
    // The same INVITE with a Contact becomes a call.
    const calls: string[] = [];
    ua.removeAllListeners('call');
    ua.on('call', (c) => {
      calls.push(c.callId);
      void c.reject(486);
    });
    expect((await peer.send('INVITE', port, [['Contact', `<sip:raw@127.0.0.1:${peer.port}>`]], offer)).status).toBe(486);
    expect(calls).toHaveLength(1);
  });

  it('a throwing refused listener does not stop the user agent answering', async () => {
    ua = await testAgent();
    peer = await rawPeer();
    ua.on('refused', () => {
      throw new Error('app bug');
    });
    const port = ua.addresses[0]!.port;
    expect((await peer.send('INVITE', port, [], G729_ONLY)).status).toBe(488);
    expect((await peer.send('OPTIONS', port)).status).toBe(200);
  });
});

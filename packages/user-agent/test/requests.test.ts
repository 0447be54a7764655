import { afterEach, describe, expect, it } from 'vitest';
import type { UserAgent } from '../src/index.js';
import { rawPeer, type RawPeer } from './support/raw-peer.js';
import { testAgent } from './support/ua.js';

let ua: UserAgent;
let peer: RawPeer;
afterEach(async () => {
  await Promise.all([ua?.close(), peer?.close()]);
});

async function setup(): Promise<number> {
  ua = await testAgent();
  peer = await rawPeer();
  ua.on('call', (c) => c.reject(486));
  return ua.addresses[0]!.port;
}

describe('RFC 3261 §8.2 requests no call owns', () => {
  it('§11.2 OPTIONS: 200 with Allow, Accept and Supported', async () => {
    const port = await setup();
    const r = await peer.send('OPTIONS', port);
    expect(r.status).toBe(200);
    expect(r.headers.getAll('Allow').join(', ')).toBe('INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO, PRACK');
    expect(r.headers.getAll('Accept').join(', ')).toBe('application/sdp, application/dtmf-relay, application/dtmf');
    expect(r.headers.getAll('Supported').join(', ')).toBe('timer, 100rel');
  });

  it('§8.2.1 REFER (RFC 3515): 405 with Allow', async () => {
    const port = await setup();
    const r = await peer.send('REFER', port, [['Refer-To', '<sip:x@192.0.2.1>']]);
    expect(r.status).toBe(405);
    expect(r.headers.getAll('Allow').join(', ')).toBe('INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO, PRACK');
  });

  it('§8.2.1 an unknown method: 501', async () => {
    const port = await setup();
    expect((await peer.send('FROBNICATE', port)).status).toBe(501);
  });

  it('§12.2.2 BYE in an unknown dialog: 481; §9.2 CANCEL matching nothing: 481', async () => {
    const port = await setup();
    expect((await peer.send('BYE', port, [['To', `<sip:ua@127.0.0.1:${port}>;tag=nope`]])).status).toBe(481);
    expect((await peer.send('CANCEL', port)).status).toBe(481);
  });

  it('§8.2.2.3 Require with an extension we lack: 420 with Unsupported naming only it (timer, RFC 4028, and 100rel, RFC 3262, are supported)', async () => {
    const port = await setup();
    const r = await peer.send('INVITE', port, [['Require', '100rel, timer, precondition']], 'v=0\r\n');
    expect(r.status).toBe(420);
    expect(r.headers.getAll('Unsupported').join(', ')).toBe('precondition');
    expect(ua.stats.callsTotal).toBe(0);
  });

  it('RFC 3264 §6: an INVITE whose SDP does not parse gets 400 and creates no call', async () => {
    const port = await setup();
    expect((await peer.send('INVITE', port, [], 'this is not sdp')).status).toBe(400);
    expect(ua.stats.callsTotal).toBe(0);
  });
});

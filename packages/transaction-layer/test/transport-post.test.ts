import { afterEach, describe, expect, it } from 'vitest';
import { TransportError } from '../src/transport/transport-error.js';
import { branch, closeAll, rawUdp, request, transport } from './helpers/transport-harness.js';

afterEach(closeAll);

describe('RFC 3261 §18.1.1 SipTransport.post: send without a promise', () => {
  it('a UDP request reaches the peer and onError is never called', async () => {
    const t = await transport({ listen: [{ protocol: 'udp', port: 0 }] });
    const peer = await rawUdp();
    const errors: unknown[] = [];
    const req = request('OPTIONS', { via: `SIP/2.0/UDP ${t.viaSentBy('udp')};branch=${branch()}` });
    t.post(req, { protocol: 'udp', address: '127.0.0.1', port: peer.port }, (e) => errors.push(e));
    const got = await peer.next();
    expect(got.isRequest && got.method).toBe('OPTIONS');
    expect(errors).toEqual([]);
  });

  it('a failure goes to onError on a later tick, as send() would reject', async () => {
    const t = await transport({ listen: [{ protocol: 'udp', port: 0 }] });
    const req = request('OPTIONS', { via: `SIP/2.0/TCP ${t.viaSentBy('udp')};branch=${branch()}` });
    let sync = true;
    const failure = new Promise<unknown>((resolve) => {
      t.post(req, { protocol: 'tcp', address: '127.0.0.1', port: 9 }, (e) => resolve({ e, sync }));
    });
    sync = false;
    const { e, sync: wasSync } = (await failure) as { e: unknown; sync: boolean };
    expect(wasSync).toBe(false);
    expect(e).toBeInstanceOf(TransportError);
    await expect(t.send(req, { protocol: 'tcp', address: '127.0.0.1', port: 9 })).rejects.toMatchObject({ code: (e as TransportError).code });
  });
});

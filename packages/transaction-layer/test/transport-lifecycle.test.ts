/**
 * Issue 8 conventions: every async operation that can take time takes an
 * AbortSignal; every closable thing closes idempotently and by `asyncDispose`.
 */
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SipEndpoint } from '../src/node/sip-endpoint.js';
import { SipTransport } from '../src/transport/sip-transport.js';
import { autoClose, branch, closeAll, request, transport } from './helpers/transport-harness.js';

afterEach(closeAll);

describe('lifecycle conventions', () => {
  it('RFC 3261 §18.1.1: send() over TLS towards a peer that never finishes the handshake rejects with the signal reason when aborted', async () => {
    const held: Socket[] = [];
    const tarpit = autoClose(createServer((s) => held.push(s)));
    await new Promise<void>((r) => tarpit.listen(0, '127.0.0.1', () => r()));
    autoClose({ close: () => held.forEach((s) => s.destroy()) });
    const a = await transport({ listen: [{ protocol: 'udp', port: 0 }], limits: { connectTimeoutMs: 10_000 } });
    const ctl = new AbortController();
    const req = request('OPTIONS', { via: `SIP/2.0/TLS 127.0.0.1:5061;branch=${branch()}` });
    const sending = a.send(req, { protocol: 'tls', address: '127.0.0.1', port: (tarpit.address() as { port: number }).port }, { signal: ctl.signal });
    const reason = new Error('caller gave up');
    setTimeout(() => ctl.abort(reason), 20);
    await expect(sending).rejects.toBe(reason);
  });

  it('SipTransport and SipEndpoint close idempotently and through Symbol.asyncDispose', async () => {
    const t = await SipTransport.create({ listen: [{ protocol: 'udp', port: 0 }] });
    const e = new SipEndpoint(t);
    await e[Symbol.asyncDispose]();
    await e.close();
    expect(e.closed).toBe(true);
    await t[Symbol.asyncDispose]();
    await t.close();
    expect(t.closed).toBe(true);
  });
});

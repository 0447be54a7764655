import { createRequest, createResponse, type SipRequest } from '@trunkline/sip-parser';
import { afterEach, describe, expect, it } from 'vitest';
import type { Flow } from '../src/flow.js';
import { ClientTransactionError, SipEndpoint, type IncomingRequest } from '../src/node/sip-endpoint.js';
import { autoClose, closeAll, portOf, transport } from './helpers/transport-harness.js';

afterEach(closeAll);

let n = 0;
function request(method: string, to: Flow, sentBy: string): SipRequest {
  n++;
  return createRequest({
    method,
    uri: `sip:agent@127.0.0.1:${to.port}`,
    headers: [
      ['Via', `SIP/2.0/${to.protocol.toUpperCase()} ${sentBy};branch=z9hG4bK-ep-${n}-${Date.now()};rport`],
      ['Max-Forwards', '70'],
      ['From', `<sip:caller@127.0.0.1>;tag=f${n}`],
      ['To', '<sip:agent@127.0.0.1>'],
      ['Call-ID', `ep-${n}@127.0.0.1`],
      ['CSeq', `1 ${method}`],
      ['Contact', `<sip:caller@${sentBy}>`],
    ],
  });
}

async function pair(protocol: 'udp' | 'tcp', timers?: { T1: number }) {
  const a = await transport({ listen: [{ protocol, port: 0 }] });
  const b = await transport({ listen: [{ protocol, port: 0 }] });
  const client = autoClose(new SipEndpoint(a, timers ? { timers } : {}));
  const server = autoClose(new SipEndpoint(b, timers ? { timers } : {}));
  const to: Flow = { protocol, address: '127.0.0.1', port: portOf(b, protocol) };
  return { a, b, client, server, to };
}

describe('RFC 3261 §17 transactions on real sockets (SipEndpoint)', () => {
  for (const protocol of ['udp', 'tcp'] as const) {
    it(`§17.1.2 / §17.2.2: OPTIONS → 200 over ${protocol.toUpperCase()}, the response routed by §18.2.2`, async () => {
      const { a, client, server, to } = await pair(protocol);
      server.on('request', (inc) => inc.respond(createResponse(inc.request, 200, { toTag: 'uas1' })));
      const res = await client.request(request('OPTIONS', to, a.viaSentBy(protocol)), to);
      expect(res.status).toBe(200);
      expect(res.to?.tag).toBe('uas1');
      expect(res.via[0]?.branch).toMatch(/^z9hG4bK-ep-/);
    });
  }

  it('§9.1: aborting a ringing INVITE sends CANCEL; the INVITE settles with 487 and the ACK is generated (§17.1.1.3)', async () => {
    const { a, client, server, to } = await pair('udp');
    const seen: string[] = [];
    const invites: IncomingRequest[] = [];
    const cancelTargets: Array<string | null> = [];
    server.on('request', (inc) => {
      seen.push(inc.request.method);
      if (inc.request.method === 'INVITE') {
        invites.push(inc);
        inc.respond(createResponse(inc.request, 180, { toTag: 'r1' }));
      } else if (inc.request.method === 'CANCEL') {
        cancelTargets.push(inc.cancels);
        inc.respond(createResponse(inc.request, 200, { toTag: 'r1' }));
        const inv = invites[0]!;
        inv.respond(createResponse(inv.request, 487, { toTag: 'r1' }));
      }
    });
    const ctl = new AbortController();
    const acked = new Promise<void>((resolve) => {
      server.transport.on('message', ({ message }) => {
        if (message.isRequest && message.method === 'ACK') resolve();
      });
    });
    const res = await client.request(request('INVITE', to, a.viaSentBy('udp')), to, {
      signal: ctl.signal,
      onProvisional: (r) => {
        if (r.status === 180) ctl.abort();
      },
    });
    expect(res.status).toBe(487);
    await acked;
    expect(seen).toEqual(['INVITE', 'CANCEL']);
    expect(cancelTargets).toEqual([invites[0]?.transactionId]);
  });

  it('§17.1.2.2 Timer F: a request nobody answers rejects with TIMEOUT after 64*T1', async () => {
    const { a, b, client, to } = await pair('udp', { T1: 5 });
    await b.close(); // nobody listens any more
    const started = performance.now();
    const err = await client.request(request('OPTIONS', to, a.viaSentBy('udp')), to).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientTransactionError);
    expect((err as ClientTransactionError).code).toBe('TRANSACTION_TIMEOUT');
    expect(performance.now() - started).toBeGreaterThanOrEqual(64 * 5 - 1);
    expect(client.manager.size).toBe(0);
  });

  it('close() rejects pending requests with ENDPOINT_CLOSED and is idempotent', async () => {
    const { a, client, to } = await pair('udp');
    const p = client.request(request('OPTIONS', to, a.viaSentBy('udp')), to);
    client.close();
    client.close();
    await expect(p).rejects.toMatchObject({ code: 'ENDPOINT_CLOSED' });
    expect(client.closed).toBe(true);
  });
});

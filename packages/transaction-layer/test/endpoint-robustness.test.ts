/**
 * Issue 8 faults 1–3: SipEndpoint survives throwing application callbacks,
 * releases its abort listeners, and adds the top Via a request lacks.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { getEventListeners } from 'node:events';
import { createRequest, createResponse, type SipRequest } from '@trunkline/sip-parser';
import { afterEach, describe, expect, it } from 'vitest';
import type { Flow } from '../src/flow.js';
import { SipEndpoint, type SipEndpointError } from '../src/node/sip-endpoint.js';
import { autoClose, closeAll, portOf, rawUdp, transport, waitFor } from './helpers/transport-harness.js';

afterEach(closeAll);

/** The endpoint's diagnostics channel (written out: the test must not depend on the export existing). */
const ENDPOINT_ERROR_CHANNEL = 'trunkline:transaction-layer:endpoint-error';

let n = 0;
function request(method: string, to: Flow, via: string | null): SipRequest {
  n++;
  const headers: Array<[string, string]> = [
    ['Max-Forwards', '70'],
    ['From', `<sip:caller@127.0.0.1>;tag=r${n}`],
    ['To', '<sip:agent@127.0.0.1>'],
    ['Call-ID', `robust-${n}-${Date.now()}@127.0.0.1`],
    ['CSeq', `1 ${method}`],
    ['Contact', '<sip:caller@127.0.0.1>'],
  ];
  if (via !== null) headers.unshift(['Via', `SIP/2.0/UDP ${via};branch=z9hG4bK-rb-${n}-${Date.now()};rport`]);
  return createRequest({ method, uri: `sip:agent@127.0.0.1:${to.port}`, headers });
}

async function pair(timers?: { T1?: number; trying100?: number }) {
  const a = await transport({ listen: [{ protocol: 'udp', port: 0 }] });
  const b = await transport({ listen: [{ protocol: 'udp', port: 0 }] });
  const client = autoClose(new SipEndpoint(a, timers ? { timers } : {}));
  const server = autoClose(new SipEndpoint(b, timers ? { timers } : {}));
  const to: Flow = { protocol: 'udp', address: '127.0.0.1', port: portOf(b, 'udp') };
  return { a, b, client, server, to };
}

describe('issue 8 fault 1: a throwing application callback never breaks a transaction', () => {
  it('RFC 3261 §17.2.1: a throwing `request` listener is reported, and 100 Trying still goes out on time', async () => {
    const { b, server } = await pair({ trying100: 20 });
    const errors: SipEndpointError[] = [];
    server.on('error', (e) => errors.push(e));
    server.on('request', () => {
      throw new Error('app bug');
    });
    const peer = await rawUdp();
    const text = [
      `INVITE sip:agent@127.0.0.1:${portOf(b, 'udp')} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-throw-1`,
      'Max-Forwards: 70',
      'From: <sip:a@127.0.0.1>;tag=t1',
      'To: <sip:agent@127.0.0.1>',
      'Call-ID: throw-1@127.0.0.1',
      'CSeq: 1 INVITE',
      'Contact: <sip:a@127.0.0.1>',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    peer.socket.send(text, portOf(b, 'udp'), '127.0.0.1');
    const trying = await peer.next(2000);
    expect(trying.isRequest ? 0 : trying.status).toBe(100);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.name).toBe('SipEndpointError');
    expect(errors[0]!.code).toBe('ENDPOINT_CALLBACK_THREW');
    expect((errors[0]!.cause as Error).message).toBe('app bug');
    expect(server.manager.size).toBe(1); // the INVITE transaction lives on, waiting for the TU
  });

  it('RFC 3261 §17.1.1.2: a throwing onProvisional is reported; the request still settles with its final response', async () => {
    const { a, client, server, to } = await pair();
    const errors: SipEndpointError[] = [];
    client.on('error', (e) => errors.push(e));
    server.on('request', (inc) => {
      inc.respond(createResponse(inc.request, 180, { toTag: 'x' }));
      setTimeout(() => inc.respond(createResponse(inc.request, 486, { toTag: 'x' })), 10);
    });
    const res = await client.request(request('INVITE', to, a.viaSentBy('udp')), to, {
      onProvisional: () => {
        throw new Error('provisional bug');
      },
    });
    expect(res.status).toBe(486);
    expect(errors.map((e) => e.code)).toEqual(['ENDPOINT_CALLBACK_THREW']);
  });

  it('without an error listener a throwing listener is contained (published on diagnostics_channel), the next request is answered', async () => {
    const { a, client, server, to } = await pair();
    const published: unknown[] = [];
    const onPublish = (m: unknown): void => void published.push(m);
    subscribe(ENDPOINT_ERROR_CHANNEL, onPublish);
    let calls = 0;
    server.on('request', (inc) => {
      calls++;
      if (calls === 1) throw new Error('first one throws');
      inc.respond(createResponse(inc.request, 200, { toTag: 'ok' }));
    });
    const first = client.request(request('OPTIONS', to, a.viaSentBy('udp')), to).catch((e: unknown) => e);
    const second = await client.request(request('OPTIONS', to, a.viaSentBy('udp')), to);
    expect(second.status).toBe(200);
    unsubscribe(ENDPOINT_ERROR_CHANNEL, onPublish);
    expect(published).toHaveLength(1);
    expect((published[0] as SipEndpointError).code).toBe('ENDPOINT_CALLBACK_THREW');
    client.close();
    await first;
  });
});

describe('issue 8 fault 2: SipEndpoint.request releases its abort listener when it settles', () => {
  it('20 settled requests sharing one signal leave no listener behind', async () => {
    const { a, client, server, to } = await pair();
    server.on('request', (inc) => inc.respond(createResponse(inc.request, 200, { toTag: 's' })));
    const ctl = new AbortController();
    for (let i = 0; i < 20; i++) await client.request(request('OPTIONS', to, a.viaSentBy('udp')), to, { signal: ctl.signal });
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(0);
  });
});

describe('issue 8 fault 3: RFC 3261 §8.1.1.7 / §18.1.1: the endpoint adds the top Via a request lacks', () => {
  it('sent-by of the transport used, a fresh z9hG4bK branch, rport', async () => {
    const { a, b, client, to } = await pair();
    const seen = waitFor<[{ message: SipRequest }]>(b, 'message');
    const p = client.request(request('OPTIONS', to, null), to).catch((e: unknown) => e);
    const [{ message }] = await seen;
    const via = message.via[0]!;
    expect(message.via).toHaveLength(1);
    expect(via.transport).toBe('UDP');
    expect(`${via.host}:${via.port}`).toBe(a.viaSentBy('udp'));
    expect(via.branch).toMatch(/^z9hG4bK[0-9a-f]{16,}$/);
    expect(message.headers.get('Via')).toMatch(/;rport/);
    client.close();
    await p;
  });

  it('two requests get different branches, and the response matches its transaction', async () => {
    const { client, server, to } = await pair();
    const branches: string[] = [];
    server.on('request', (inc) => {
      branches.push(inc.request.via[0]!.branch!);
      inc.respond(createResponse(inc.request, 200, { toTag: 'v' }));
    });
    expect((await client.request(request('OPTIONS', to, null), to)).status).toBe(200);
    expect((await client.request(request('OPTIONS', to, null), to)).status).toBe(200);
    expect(new Set(branches).size).toBe(2);
  });
});

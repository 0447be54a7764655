import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createResponse, type SipRequest } from '@trunkline/sip-parser';
import type { Flow } from '../src/flow.js';
import { responseFlow } from '../src/transport/response-flow.js';
import type { SipTransport, TransportCloseEvent, TransportMessageEvent } from '../src/transport/sip-transport.js';
import type { SipTransportOptions } from '../src/transport/transport-options.js';
import { testPki, type TestPki } from './helpers/certs.js';
import { branch, closeAll, portOf, rawTcp, request, transport, waitFor } from './helpers/transport-harness.js';

let pki: TestPki;
beforeAll(() => {
  pki = testPki();
});
afterEach(closeAll);

function tlsServer(extra: Partial<SipTransportOptions> = {}, requestClientCert = false): Promise<SipTransport> {
  return transport({
    listen: [{ protocol: 'tls', port: 0, tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, requestClientCert } }],
    ...extra,
  });
}

function options(t: SipTransport, extra: string[] = []): SipRequest {
  return request('OPTIONS', { via: `SIP/2.0/TLS ${t.viaSentBy('tls')};branch=${branch()}`, extra });
}

function to(t: SipTransport, serverName?: string): Flow {
  const f = { protocol: 'tls' as const, address: '127.0.0.1', port: portOf(t, 'tls') };
  return serverName === undefined ? f : { ...f, serverName };
}

describe('TLS transport', () => {
  it('RFC 5922 §7.2 / RFC 3261 §26.2.1: the server certificate verifies against the configured CA (IP subjectAltName)', async () => {
    const b = await tlsServer();
    const a = await tlsServer({ tlsClient: { ca: pki.caCert } });
    const got = waitFor<[TransportMessageEvent]>(b, 'message');
    const used = await a.send(options(a), to(b));
    expect(used.connectionId).toMatch(/^tls-/);
    const [{ flow }] = await got;
    expect(flow.protocol).toBe('tls');
  });

  it('RFC 5922 §7.2 / RFC 6066 §3: with serverName the SNI name is verified (localhost passes)', async () => {
    const b = await tlsServer();
    const a = await tlsServer({ tlsClient: { ca: pki.caCert } });
    const used = await a.send(options(a), to(b, 'localhost'));
    expect(used.serverName).toBe('localhost');
  });

  it('RFC 5922 §7.2: without the CA the connection fails with TLS_VERIFY_FAILED (verification is on by default)', async () => {
    const b = await tlsServer();
    const a = await tlsServer();
    await expect(a.send(options(a), to(b))).rejects.toMatchObject({ name: 'TransportError', code: 'TLS_VERIFY_FAILED' });
    expect(a.connectionCount).toBe(0);
    expect(b.stats.messagesReceived).toBe(0);
  });

  it('RFC 5922 §7.2: a certificate that does not name the target fails with TLS_VERIFY_FAILED', async () => {
    const b = await tlsServer();
    const a = await tlsServer({ tlsClient: { ca: pki.caCert } });
    await expect(a.send(options(a), to(b, 'wrong.example'))).rejects.toMatchObject({ code: 'TLS_VERIFY_FAILED' });
  });

  it('RFC 5922 §7.2: rejectUnauthorized false connects without the CA', async () => {
    const b = await tlsServer();
    const a = await tlsServer({ tlsClient: { rejectUnauthorized: false } });
    const got = waitFor<[TransportMessageEvent]>(b, 'message');
    await a.send(options(a), to(b));
    await got;
  });

  it('RFC 5922 §7.3: mutual TLS — a client certificate from the CA is accepted, none is refused', async () => {
    const b = await tlsServer({}, true);
    const good = await tlsServer({ tlsClient: { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey } });
    const got = waitFor<[TransportMessageEvent]>(b, 'message');
    await good.send(options(good), to(b));
    await got;

    const anonymous = await tlsServer({ tlsClient: { ca: pki.caCert } });
    const closed = waitFor<[TransportCloseEvent]>(anonymous, 'close');
    // TLS 1.3 finishes the client side before the server checks the certificate, so the
    // send may resolve or reject; either way the server drops the connection unheard.
    await anonymous.send(options(anonymous), to(b)).catch(() => undefined);
    await closed;
    expect(b.stats.messagesReceived).toBe(1);
  });

  it('RFC 5923 §11: a TLS handshake in progress holds a slot of maxConnections; a stalled one is evicted for a new client', async () => {
    const b = await tlsServer({ limits: { maxConnections: 1 } });
    const second = await tlsServer({ tlsClient: { ca: pki.caCert } });
    const silent = await rawTcp(portOf(b, 'tls')); // connects, never starts the handshake
    const silentClosed = waitFor(silent.socket, 'close');
    await waitFor(b, 'connection', () => true, 100).catch(() => undefined); // let the server see it
    expect(b.handshakeCount).toBe(1);
    const got = waitFor<[TransportMessageEvent]>(b, 'message');
    await second.send(options(second), to(b));
    await Promise.all([silentClosed, got]);
    expect(b.connectionCount).toBe(1);
    expect(b.stats).toMatchObject({ connectionsEvicted: 1, connectionsRefused: 0, tlsHandshakeFailures: 0 });
  });

  it('RFC 5923 §5 / RFC 3261 §18.2.2: INVITE/200/ACK/BYE both ways over TLS use a single connection', async () => {
    const client = { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey };
    const a = await tlsServer({ tlsClient: client });
    const b = await tlsServer({ tlsClient: client });
    let connections = 0;
    for (const t of [a, b]) t.on('connection', () => connections++);
    // Every request is answered along §18.2.2; the UAs keep the flow each request came on.
    const lastRequestFlow = new Map<SipTransport, Flow>();
    for (const t of [a, b]) {
      t.on('message', ({ message, flow }) => {
        if (!message.isRequest) return;
        lastRequestFlow.set(t, flow);
        if (message.method !== 'ACK') void t.send(createResponse(message, 200, { toTag: 'tt' }), responseFlow(message, flow));
      });
    }
    const exchange = async (uac: SipTransport, uas: SipTransport, callId: string, byeFlowOf: (uasDialogFlow: Flow) => Flow): Promise<void> => {
      // `alias` (RFC 5923 §5): the UAS may reuse this connection for requests to our sent-by.
      const via = (): string => `SIP/2.0/TLS ${uac.viaSentBy('tls')};branch=${branch()};alias`;
      const target: Flow = { protocol: 'tls', address: '127.0.0.1', port: portOf(uas, 'tls') };
      const ok = waitFor<[TransportMessageEvent]>(uac, 'message', ({ message }) => !message.isRequest && message.callId === callId);
      await uac.send(request('INVITE', { via: via(), callId }), target);
      await ok;
      const ack = waitFor<[TransportMessageEvent]>(uas, 'message', ({ message }) => message.isRequest && message.method === 'ACK');
      await uac.send(request('ACK', { via: via(), callId, toTag: 'tt' }), target);
      await ack;
      // The UAS hangs up: BYE towards the UAC's contact (its TLS listener).
      const dialogFlow = lastRequestFlow.get(uas)!;
      const byeOk = waitFor<[TransportMessageEvent]>(uas, 'message', ({ message }) => !message.isRequest && message.cseq?.method === 'BYE');
      const bye = request('BYE', { via: `SIP/2.0/TLS ${uas.viaSentBy('tls')};branch=${branch()}`, callId, cseq: 2, toTag: 'tt' });
      const used = await uas.send(bye, byeFlowOf(dialogFlow));
      expect(used.connectionId).toBe(dialogFlow.connectionId);
      await byeOk;
    };
    // A calls B; B hangs up over the dialog's flow (connectionId).
    await exchange(a, b, 'call-a', (f) => f);
    // B calls A: B finds the connection A opened under A's Via alias; A hangs up towards
    // B's listener without a connectionId and finds it by destination.
    await exchange(b, a, 'call-b', () => ({ protocol: 'tls', address: '127.0.0.1', port: portOf(b, 'tls') }));
    expect(a.connectionCount).toBe(1);
    expect(b.connectionCount).toBe(1);
    expect(connections).toBe(2); // one connection, seen once from each end
  });
});

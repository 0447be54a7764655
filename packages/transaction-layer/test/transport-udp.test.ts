import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createResponse } from '@trunkline/sip-parser';
import { responseFlow } from '../src/transport/response-flow.js';
import type { SipTransport, TransportMalformedEvent, TransportMessageEvent } from '../src/transport/sip-transport.js';
import { TransportError } from '../src/transport/transport-error.js';
import { branch, closeAll, portOf, rawUdp, request, requestText, transport, waitFor } from './helpers/transport-harness.js';

afterEach(closeAll);

/** A transport with UDP and TCP on the same port number (retried if another process takes it first). */
async function sharedPortTransport(): Promise<SipTransport> {
  for (let attempt = 0; ; attempt++) {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    try {
      return await transport({ listen: [{ protocol: 'udp', port }, { protocol: 'tcp', port }] });
    } catch (e) {
      if (attempt === 5) throw e;
    }
  }
}

/** A UAS that answers every request with 200 along §18.2.2. */
function answerAll(t: SipTransport): void {
  t.on('message', ({ message, flow }) => {
    if (message.isRequest && message.method !== 'ACK') {
      void t.send(createResponse(message, 200, { toTag: 'uas' }), responseFlow(message, flow));
    }
  });
}

describe('UDP transport', () => {
  it('issue 14: the UDP socket asks for the receive/send buffers named in the options and reports what the kernel granted', async () => {
    const asked = await transport({ listen: [{ protocol: 'udp', port: 0, recvBufferSize: 100_000, sendBufferSize: 90_000 }] });
    const [bound] = asked.addresses;
    // Linux grants min(asked, rmem_max) and reports twice that; 100 kB is below every default rmem_max.
    expect(bound?.recvBufferSize).toBeGreaterThanOrEqual(100_000);
    expect(bound?.sendBufferSize).toBeGreaterThanOrEqual(90_000);
    const tcp = await transport({ listen: [{ protocol: 'tcp', port: 0 }] });
    expect(tcp.addresses[0]?.recvBufferSize).toBeUndefined();
    await expect(transport({ listen: [{ protocol: 'udp', port: 0, recvBufferSize: 0 }] })).rejects.toThrow(RangeError);
  });

  it('RFC 3261 §18.1.1 / §18.2.2: a request and its response cross UDP between two transports', async () => {
    const a = await transport({ listen: [{ protocol: 'udp', port: 0 }] });
    const b = await transport({ listen: [{ protocol: 'udp', port: 0 }] });
    answerAll(b);
    const got = waitFor<[TransportMessageEvent]>(b, 'message');
    const req = request('OPTIONS', { via: `SIP/2.0/UDP ${a.viaSentBy('udp')};branch=${branch()}` });
    const used = await a.send(req, { protocol: 'udp', address: '127.0.0.1', port: portOf(b, 'udp') });
    expect(used).toEqual({ protocol: 'udp', address: '127.0.0.1', port: portOf(b, 'udp') });
    const [{ message, flow }] = await got;
    expect(flow).toEqual({ protocol: 'udp', address: '127.0.0.1', port: portOf(a, 'udp') });
    expect(message.isRequest && message.method).toBe('OPTIONS');
    // §18.2.1: sent-by host equals the source address and there is no rport: nothing added.
    expect(message.topVia?.received).toBeNull();
    const [{ message: res }] = await waitFor<[TransportMessageEvent]>(a, 'message');
    expect(!res.isRequest && res.status).toBe(200);
    expect(a.stats.messagesReceived).toBe(1);
  });

  it('RFC 3581 §4: an rport without value gets the source port, received is added, and the response goes to the source port', async () => {
    const b = await transport({ listen: [{ protocol: 'udp', port: 0 }] });
    answerAll(b);
    const peer = await rawUdp();
    const got = waitFor<[TransportMessageEvent]>(b, 'message');
    // Sent-by names port 9 (discard): only rport can bring the response back.
    peer.socket.send(requestText('OPTIONS', { via: `SIP/2.0/UDP 127.0.0.1:9;rport;branch=${branch()}` }), portOf(b, 'udp'), '127.0.0.1');
    const [{ message }] = await got;
    expect(message.topVia?.rport).toBe(peer.port);
    expect(message.topVia?.received).toBe('127.0.0.1');
    // Written into the header itself, so whatever reads or copies the Via sees it.
    expect(message.headers.get('Via')).toContain(`;rport=${peer.port}`);
    expect(message.headers.get('Via')).toContain(';received=127.0.0.1');
    const res = await peer.next();
    expect(!res.isRequest && res.status).toBe(200);
    expect(res.topVia?.rport).toBe(peer.port);
  });

  it('RFC 3261 §18.2.1 / §18.2.2: a domain sent-by gets received, and without rport the response goes to received and the sent-by port', async () => {
    const b = await transport({ listen: [{ protocol: 'udp', port: 0 }] });
    answerAll(b);
    const sender = await rawUdp();
    const listener = await rawUdp();
    const got = waitFor<[TransportMessageEvent]>(b, 'message');
    sender.socket.send(
      requestText('OPTIONS', { via: `SIP/2.0/UDP client.invalid:${listener.port};branch=${branch()}` }),
      portOf(b, 'udp'),
      '127.0.0.1',
    );
    const [{ message, flow }] = await got;
    expect(message.topVia?.received).toBe('127.0.0.1');
    expect(message.topVia?.rport).toBeNull();
    if (!message.isRequest) throw new Error('expected a request');
    expect(responseFlow(message, flow)).toEqual({ protocol: 'udp', address: '127.0.0.1', port: listener.port });
    const res = await listener.next();
    expect(!res.isRequest && res.status).toBe(200);
  });

  it('RFC 3261 §18.1.1: a request over UDP larger than 1300 bytes is sent over TCP, top Via rewritten', async () => {
    const a = await transport({ listen: [{ protocol: 'udp', port: 0 }, { protocol: 'tcp', port: 0 }] });
    // §18.1.1 keeps the destination port: B listens on one port number for UDP and TCP.
    const b = await sharedPortTransport();
    const bPort = portOf(b, 'udp');
    expect(portOf(b, 'tcp')).toBe(bPort);
    const got = waitFor<[TransportMessageEvent]>(b, 'message');
    const big = request('MESSAGE', {
      via: `SIP/2.0/UDP ${a.viaSentBy('udp')};branch=${branch()}`,
      body: 'x'.repeat(1400),
      extra: ['Content-Type: text/plain'],
    });
    const used = await a.send(big, { protocol: 'udp', address: '127.0.0.1', port: bPort });
    expect(used.protocol).toBe('tcp');
    expect(used.connectionId).toMatch(/^tcp-/);
    const [{ message, flow }] = await got;
    expect(flow.protocol).toBe('tcp');
    expect(message.topVia?.transport).toBe('TCP');
    expect(message.topVia?.port).toBe(portOf(a, 'tcp'));
    expect(message.body.length).toBe(1400);

    // A small request stays on UDP.
    const small = request('OPTIONS', { via: `SIP/2.0/UDP ${a.viaSentBy('udp')};branch=${branch()}` });
    expect((await a.send(small, { protocol: 'udp', address: '127.0.0.1', port: bPort })).protocol).toBe('udp');
  });

  it('RFC 3261 §18.1.1: without a TCP listener a large request stays on UDP', async () => {
    const a = await transport({ listen: [{ protocol: 'udp', port: 0 }] });
    const b = await transport({ listen: [{ protocol: 'udp', port: 0 }] });
    const got = waitFor<[TransportMessageEvent]>(b, 'message');
    const big = request('MESSAGE', { via: `SIP/2.0/UDP ${a.viaSentBy('udp')};branch=${branch()}`, body: 'y'.repeat(2000) });
    expect((await a.send(big, { protocol: 'udp', address: '127.0.0.1', port: portOf(b, 'udp') })).protocol).toBe('udp');
    const [{ message }] = await got;
    expect(message.body.length).toBe(2000);
  });

  it('RFC 3261 §21.5.6 / §21.4.1: a malformed request is answered statelessly with the parser status hint (505, 400)', async () => {
    const b = await transport({ listen: [{ protocol: 'udp', port: 0 }] });
    const peer = await rawUdp();
    const via = `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${branch()}`;
    const malformed = waitFor<[TransportMalformedEvent]>(b, 'malformed');
    peer.socket.send(requestText('OPTIONS', { via }).replace('SIP/2.0\r\n', 'SIP/2.x\r\n'), portOf(b, 'udp'), '127.0.0.1');
    const res = await peer.next();
    expect(!res.isRequest && res.status).toBe(505);
    expect(res.callId).toBe('call-1@test');
    expect(res.to?.tag).not.toBeNull();
    const [ev] = await malformed;
    expect(ev.error.code).toBe('BAD_VERSION');
    expect(ev.responded).toBe(true);

    peer.socket.send(requestText('OPTIONS', { via, extra: ['this line has no colon'] }), portOf(b, 'udp'), '127.0.0.1');
    const res2 = await peer.next();
    expect(!res2.isRequest && res2.status).toBe(400);

    // Missing Call-ID: framed fine, answerable, 400.
    peer.socket.send(requestText('OPTIONS', { via }).replace('Call-ID: call-1@test\r\n', ''), portOf(b, 'udp'), '127.0.0.1');
    const res3 = await peer.next();
    expect(!res3.isRequest && res3.status).toBe(400);
    expect(b.stats).toMatchObject({ malformed: 3, malformedAnswered: 3, messagesReceived: 0 });
  });

  it('RFC 3261 §18.2.1: unanswerable datagrams (garbage, bad Via, bad response, ACK) are dropped and counted', async () => {
    const b = await transport({ listen: [{ protocol: 'udp', port: 0 }] });
    const peer = await rawUdp();
    const port = portOf(b, 'udp');
    const seen: TransportMalformedEvent[] = [];
    b.on('malformed', (e) => seen.push(e));
    peer.socket.send(Buffer.from([0, 1, 2, 3, 0xff]), port, '127.0.0.1');
    peer.socket.send(requestText('OPTIONS', { via: 'SIP/2.0/UDP ;;;' }), port, '127.0.0.1');
    peer.socket.send('SIP/2.0 200 OK\r\nVia: garbage here\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n', port, '127.0.0.1');
    peer.socket.send(requestText('ACK', { via: `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${branch()}` }).replace('CSeq: 1 ACK', 'CSeq: one ACK'), port, '127.0.0.1');
    peer.socket.send('\r\n\r\n', port, '127.0.0.1'); // a keep-alive: ignored, not malformed
    // A valid request afterwards: its 200 must be the first thing the peer receives.
    b.on('message', ({ message, flow }) => {
      if (message.isRequest) void b.send(createResponse(message, 200, { toTag: 'x' }), responseFlow(message, flow));
    });
    peer.socket.send(requestText('OPTIONS', { via: `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${branch()}`, callId: 'valid' }), port, '127.0.0.1');
    const res = await peer.next();
    expect(res.callId).toBe('valid');
    expect(seen.map((e) => e.responded)).toEqual([false, false, false, false]);
    expect(b.stats).toMatchObject({ malformed: 4, malformedAnswered: 0, keepAlivesReceived: 1, messagesReceived: 1 });
  });

  it('RFC 3261 §18.1.1: sending a message over limits.maxMessageBytes rejects with MESSAGE_TOO_LARGE', async () => {
    const a = await transport({ listen: [{ protocol: 'udp', port: 0 }], limits: { maxMessageBytes: 2000 } });
    const big = request('MESSAGE', { via: `SIP/2.0/UDP ${a.viaSentBy('udp')};branch=${branch()}`, body: 'z'.repeat(3000) });
    const err = await a.send(big, { protocol: 'udp', address: '127.0.0.1', port: 9 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('TRANSPORT_MESSAGE_TOO_LARGE');
  });

  it('RFC 3261 §18: close() is idempotent, closes the sockets and later sends reject with TRANSPORT_CLOSED', async () => {
    const a = await transport({ listen: [{ protocol: 'udp', port: 0 }, { protocol: 'tcp', port: 0 }] });
    expect(a.closed).toBe(false);
    await Promise.all([a.close(), a.close()]);
    expect(a.closed).toBe(true);
    const req = request('OPTIONS', { via: `SIP/2.0/UDP 127.0.0.1;branch=${branch()}` });
    await expect(a.send(req, { protocol: 'udp', address: '127.0.0.1', port: 9 })).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
  });
});

/**
 * A TCP/TLS connection reset mid-dialog (issue 14, "Faults"): a call over TCP
 * and over TLS to a bare peer whose Contact is a {@link TcpRelay}, so every
 * in-dialog request crosses the relay; the relay resets every connection with
 * a RST both ways.
 * - RFC 3261 §18.1.1 / §18.4: the next in-dialog request (re-INVITE) opens a
 *   new connection to the remote target and succeeds; the call goes on.
 * - The remote target unreachable as well (the relay gone): the re-INVITE
 *   fails at once with a typed `CallRequestError` (a transport error, not a
 *   hang to Timer B) and the session is kept (§14.1); the BYE fails the same
 *   way and the call still ends, releasing every port, transaction and
 *   connection.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { TcpRelay } from '@trunkline/impair';
import { createResponse, type SipRequest } from '@trunkline/sip-parser';
import { SipEndpoint, SipTransport } from '@trunkline/transaction-layer';
import { describe, it } from 'vitest';
import { CallRequestError, type UserAgent } from '../../src/index.js';
import { loopbackCert } from '../support/certs.js';
import { testAgent } from '../support/ua.js';

// Timer B (64·T1 = 3.84 s) must cover a TLS handshake on a loaded CI box; Timer M the same after the call.
const T1 = 60;

/** Registers a clean-up of the running test (its own, so the two protocols can run side by side). */
type Cleanup = (fn: () => Promise<void>) => void;

/** A UDP socket that sends every RTP packet back where it came from under an SSRC of its own (the peer's media). */
async function rtpEcho(): Promise<UdpSocket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  socket.on('message', (m, from) => {
    if (m.length >= 12 && (m[1]! & 0x7f) === 0) {
      m[8] = m[8]! ^ 0xff; // our own SSRC coming back would be a loop (RFC 3550 §8.2)
      socket.send(m, from.port, from.address);
    }
  });
  return socket;
}

/** The SDP answer of the bare peer: PCMU to its RTP echo (RFC 3264 §6). */
function answer(port: number): string {
  return ['v=0', 'o=peer 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${port} RTP/AVP 0`, 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', ''].join('\r\n');
}

/**
 * A bare SIP peer over `protocol` behind a TCP relay: it answers INVITEs (and
 * re-INVITEs) with 200 and a Contact naming the relay, and every other request
 * with 200. Counts the requests it got by method.
 */
async function peerBehindRelay(protocol: 'tcp' | 'tls', cleanup: Cleanup): Promise<{ relay: TcpRelay; uri: string; requests: Record<string, number> }> {
  const { cert, key } = loopbackCert();
  const transport = await SipTransport.create({
    listen: [protocol === 'tls' ? { protocol, host: '127.0.0.1', port: 0, tls: { cert, key } } : { protocol, host: '127.0.0.1', port: 0 }],
  });
  const endpoint = new SipEndpoint(transport, { timers: { T1 } });
  const media = await rtpEcho();
  const relay = await TcpRelay.open({ target: { address: '127.0.0.1', port: transport.addresses[0]!.port } });
  const uri = `sip:peer@127.0.0.1:${relay.address.port};transport=${protocol}`;
  const requests: Record<string, number> = {};
  endpoint.on('request', ({ request, respond }: { request: SipRequest; respond: (r: ReturnType<typeof createResponse>) => boolean }) => {
    requests[request.method] = (requests[request.method] ?? 0) + 1;
    const invite = request.method === 'INVITE';
    respond(
      createResponse(request, 200, {
        toTag: 'peer',
        headers: invite ? [['Contact', `<${uri}>`]] : [],
        ...(invite ? { body: answer(media.address().port), contentType: 'application/sdp' } : {}),
      }),
    );
  });
  cleanup(async () => {
    endpoint.close();
    await transport.close();
    await relay.close();
    media.close();
  });
  return { relay, uri, requests };
}

async function caller(protocol: 'tcp' | 'tls', cleanup: Cleanup): Promise<UserAgent> {
  const { cert, key } = loopbackCert();
  const ua = await testAgent({
    transports: [protocol === 'tls' ? { protocol, port: 0, cert, key } : { protocol, port: 0 }],
    tlsClient: { ca: cert },
    timers: { T1, T2: 400, T4: 500 },
    media: { srtp: 'off', mediaTimeoutMs: 0 },
  });
  cleanup(() => ua.close());
  return ua;
}

// The two protocols run side by side: each waits 64·T1 for its Accepted transactions at the end.
describe.concurrent('TCP/TLS connection reset mid-dialog (RFC 3261 §18.1.1, §18.4)', () => {
  for (const protocol of ['tcp', 'tls'] as const) {
    it(`${protocol.toUpperCase()}: after a RST the re-INVITE opens a new connection and succeeds; with the target gone it fails fast with a typed error and the call still ends cleanly`, async ({ expect, onTestFinished }) => {
      const cleanup: Cleanup = (fn) => onTestFinished(fn);
      const peer = await peerBehindRelay(protocol, cleanup);
      const ua = await caller(protocol, cleanup);
      const call = await ua.invite(peer.uri);
      expect(call.transport).toBe(protocol);
      expect(peer.relay.connections).toBeGreaterThanOrEqual(1);

      // A RST racing the request: written before the user agent has read the RST, the re-INVITE
      // fails at once with a typed error (the write's ECONNRESET), or goes out on a new connection.
      expect(peer.relay.reset()).toBeGreaterThanOrEqual(1);
      const t00 = performance.now();
      const raced = await call.reoffer().then(
        () => 'sent on a new connection',
        (e: unknown) => e,
      );
      const racedMs = performance.now() - t00;
      if (raced !== 'sent on a new connection') expect((raced as CallRequestError).code).toBe('CALL_REQUEST_TIMEOUT');
      expect(racedMs).toBeLessThan(64 * T1);
      expect(call.state).toBe('established');

      // A RST the user agent has seen: the next in-dialog request opens a new connection.
      expect(peer.relay.reset()).toBeGreaterThanOrEqual(0);
      await expect.poll(() => ua.stats.connections, { timeout: 3000 }).toBe(0);
      const accepted = peer.relay.counters.accepted;
      const invites = peer.requests['INVITE']!;
      const t0 = performance.now();
      await call.reoffer();
      const reofferMs = performance.now() - t0;
      expect(peer.requests['INVITE']).toBe(invites + 1);
      expect(peer.relay.counters.accepted).toBe(accepted + 1); // a new connection
      expect(call.state).toBe('established');
      const received = call.metrics.media!.packetsReceived;
      await expect.poll(() => call.metrics.media!.packetsReceived, { timeout: 3000 }).toBeGreaterThan(received + 5); // media goes on

      // The remote target unreachable too: a typed error at once, the session kept.
      await peer.relay.close();
      const t1 = performance.now();
      const failure = await call.reoffer().then(
        () => null,
        (e: unknown) => e,
      );
      const failMs = performance.now() - t1;
      expect(failure).toBeInstanceOf(CallRequestError);
      expect((failure as CallRequestError).code).toBe('CALL_REQUEST_TIMEOUT');
      expect(failMs).toBeLessThan(64 * T1); // a transport error, not Timer B
      expect(call.state).toBe('established');

      // The BYE cannot be delivered either: the call ends anyway, everything released.
      const t2 = performance.now();
      await call.hangup();
      const hangupMs = performance.now() - t2;
      console.log(
        `[faults] ${protocol} reset: re-INVITE racing the RST: ${raced instanceof Error ? `failed in ${racedMs.toFixed(0)} ms (${raced.message}: ${String((raced.cause as Error | undefined)?.message)})` : `${String(raced)} in ${racedMs.toFixed(0)} ms`}; ` +
          `after the RST: re-INVITE over a new connection in ${reofferMs.toFixed(0)} ms; ` +
          `target gone: re-INVITE failed in ${failMs.toFixed(0)} ms (${(failure as Error).message}); hangup settled in ${hangupMs.toFixed(0)} ms`,
      );
      expect(hangupMs).toBeLessThan(64 * T1 + 2000);
      expect(ua.stats).toMatchObject({ callsActive: 0, portsInUse: 0 });
      // The client INVITE transactions stay Accepted until Timer M (64·T1, RFC 6026 §8.4); then nothing is left.
      const t3 = performance.now();
      await expect.poll(() => ua.stats, { timeout: 64 * T1 + 3000 }).toMatchObject({ transactions: 0, connections: 0 });
      console.log(`[faults] ${protocol} reset: transactions and connections released ${(performance.now() - t3).toFixed(0)} ms after the call ended (64·T1 = ${64 * T1} ms)`);
    });
  }
});

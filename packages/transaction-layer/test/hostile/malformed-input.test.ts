/**
 * Issue 9 defects 6, 7 and 8 on loopback: a peer that hangs up cannot crash
 * the application, a framed-but-malformed message costs a 400 (not the
 * connection), and every inbound request is validated before application
 * code sees it. A legitimate OPTIONS probe runs during each attack.
 */
import { createResponse } from '@trunkline/sip-parser';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingRequest } from '../../src/node/sip-endpoint.js';
import { closeAll, rawTcp, rawUdp, waitFor } from '../helpers/transport-harness.js';
import { fdCount, optionsServer, startProbe } from './probe.js';

afterEach(closeAll);

function message(lines: string[], body = ''): string {
  return [...lines, `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
}

function headers(n: string, via: string, cseq = '1 OPTIONS'): string[] {
  return [`Via: ${via};branch=z9hG4bK-h-${n}`, 'Max-Forwards: 70', `From: <sip:a@127.0.0.1>;tag=${n}`, 'To: <sip:b@127.0.0.1>', `Call-ID: ${n}@hostile`, `CSeq: ${cseq}`];
}

describe('issue 9 defect 6: a peer that hangs up cannot crash the application', () => {
  it('RFC 3261 §17.2.4: respond() from an app timer after the transaction died of a transport error returns false, never throws', async () => {
    const server = await optionsServer({ listen: [{ protocol: 'tcp', port: 0 }, { protocol: 'udp', port: 0 }] });
    const probe = startProbe('udp', server.port('udp'), { intervalMs: 20 });
    const invites: IncomingRequest[] = [];
    server.endpoint.on('request', (inc) => {
      if (inc.request.method === 'INVITE') invites.push(inc);
    });
    const failed = waitFor(server.endpoint, 'server-failure');
    const peer = await rawTcp(server.port('tcp'));
    // The Via sent-by names a port nobody listens on: once the connection is gone, nothing can be delivered.
    peer.socket.write(message([`INVITE sip:b@127.0.0.1 SIP/2.0`, ...headers('hangup', 'SIP/2.0/TCP 127.0.0.1:9', '1 INVITE'), 'Contact: <sip:a@127.0.0.1>']));
    await waitFor(server.transport, 'message');
    peer.close();
    await waitFor(server.transport, 'close');
    const inc = invites[0]!;
    expect(inc.respond(createResponse(inc.request, 180, { toTag: 'x' }))).toBe(true); // goes out, fails to connect
    await failed;
    const outcome = await new Promise<unknown>((resolve) =>
      setTimeout(() => {
        try {
          resolve(inc.respond(createResponse(inc.request, 200, { toTag: 'x' })));
        } catch (e) {
          resolve(e);
        }
      }, 0),
    );
    expect(outcome).toBe(false);
    const r = await probe.stop();
    expect(r.rate).toBe(1);
    expect(server.endpoint.manager.size).toBeLessThanOrEqual(r.sent); // only probes' Timer J entries
  });
});

describe('issue 9 defect 7: RFC 3261 §18.3 a framed but malformed message over TCP is answered 400, the connection kept', () => {
  it('RFC 3261 §18.3: 400 for the malformed message, then 200 for an OPTIONS on the same connection', async () => {
    const server = await optionsServer({ listen: [{ protocol: 'tcp', port: 0 }, { protocol: 'udp', port: 0 }] });
    const probe = startProbe('udp', server.port('udp'), { intervalMs: 20 });
    const fds = fdCount();
    const peer = await rawTcp(server.port('tcp'));
    const closes: unknown[] = [];
    server.transport.on('close', (e) => closes.push(e));
    const via = `SIP/2.0/TCP 127.0.0.1:${peer.socket.localPort}`;
    // Two spaces after the method: a bad start line, framed correctly by its Content-Length.
    peer.socket.write(message(['OPTIONS  sip:b@127.0.0.1 SIP/2.0', ...headers('bad7', via)], 'junk'));
    peer.socket.write(message(['OPTIONS sip:b@127.0.0.1 SIP/2.0', ...headers('good7', via)]));
    const got = await peer.until((s) => /SIP\/2\.0 200 /.test(s), 3000);
    expect(got).toMatch(/^SIP\/2\.0 400 /);
    expect(got).toContain('Call-ID: bad7@hostile');
    expect(got).toContain('Call-ID: good7@hostile');
    expect(closes).toHaveLength(0);
    expect(server.transport.connectionCount).toBe(1);
    expect(server.transport.stats.malformedAnswered).toBe(1);
    peer.close();
    expect((await probe.stop()).rate).toBe(1);
    await waitFor(server.transport, 'close', () => true, 3000).catch(() => undefined);
    expect(fdCount()).toBeLessThanOrEqual(fds + 1);
  });
});

describe('issue 9 defect 8: RFC 4475 §3.1.2 / §3.3 every inbound request is validated before application code runs', () => {
  const cases: Array<{ name: string; text: (port: number) => string; status: number }> = [
    { name: 'badvers: SIP/7.0 → 505', status: 505, text: (p) => message(['OPTIONS sip:b@127.0.0.1 SIP/7.0', ...headers('v8a', `SIP/2.0/UDP 127.0.0.1:${p}`)]) },
    { name: 'mismatch01: CSeq method differs → 400', status: 400, text: (p) => message(['OPTIONS sip:b@127.0.0.1 SIP/2.0', ...headers('v8b', `SIP/2.0/UDP 127.0.0.1:${p}`, '1 INVITE')]) },
    { name: 'mismatch02: unknown method → 501', status: 501, text: (p) => message(['NEWMETHOD sip:b@127.0.0.1 SIP/2.0', ...headers('v8c', `SIP/2.0/UDP 127.0.0.1:${p}`, '1 NEWMETHOD')]) },
    { name: 'unkscm: unknown Request-URI scheme → 416', status: 416, text: (p) => message(['OPTIONS nobodyknowsthisscheme:b SIP/2.0', ...headers('v8d', `SIP/2.0/UDP 127.0.0.1:${p}`)]) },
    {
      name: 'quotbal: a To that does not decode → 400 (was dropped silently)',
      status: 400,
      text: (p) => message(['OPTIONS sip:b@127.0.0.1 SIP/2.0', ...headers('v8e', `SIP/2.0/UDP 127.0.0.1:${p}`).map((h) => (h.startsWith('To:') ? 'To: "Bob <sip:b@127.0.0.1>' : h))]),
    },
  ];
  for (const c of cases) {
    it(`RFC 4475 §3.1.2 ${c.name}, and the request listener never sees it`, async () => {
      const server = await optionsServer({ listen: [{ protocol: 'udp', port: 0 }] });
      const probe = startProbe('udp', server.port('udp'), { intervalMs: 20 });
      const seen: string[] = [];
      server.endpoint.on('request', (inc) => seen.push(inc.request.callId ?? ''));
      const peer = await rawUdp();
      peer.socket.send(c.text(peer.port), server.port('udp'), '127.0.0.1');
      const res = await peer.next(3000);
      expect(res.isRequest ? 0 : res.status).toBe(c.status);
      expect(seen.filter((id) => id.endsWith('@hostile'))).toEqual([]);
      expect((await probe.stop()).rate).toBe(1);
    });
  }
});

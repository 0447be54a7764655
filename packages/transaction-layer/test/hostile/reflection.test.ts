/**
 * Issue 9 defect 4: `maddr` in the top Via cannot turn the server into a
 * reflector. A request names a third party (another loopback address) in
 * maddr; the third party must receive nothing, and the response (with its
 * retransmissions) goes back to where the request came from.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createResponse } from '@trunkline/sip-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { autoClose, closeAll, rawUdp } from '../helpers/transport-harness.js';
import { optionsServer, startProbe } from './probe.js';

afterEach(closeAll);

async function victim(address: string): Promise<{ socket: UdpSocket; port: number; received: () => number }> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, address, () => r()));
  let n = 0;
  socket.on('message', () => n++);
  autoClose({ close: () => socket.close() });
  return { socket, port: socket.address().port, received: () => n };
}

describe('issue 9 defect 4: RFC 3261 §18.2.2 maddr is honoured for multicast only', () => {
  for (const maddr of ['127.0.0.5', 'victim.invalid']) {
    it(`RFC 3261 §18.2.2: maddr=${maddr} in an INVITE sends nothing to the third party; the 486 and its retransmissions go to the source`, async () => {
      const server = await optionsServer({ listen: [{ protocol: 'udp', port: 0 }] }, { timers: { T1: 20 } });
      server.endpoint.on('request', (inc) => {
        if (inc.request.method === 'INVITE') inc.respond(createResponse(inc.request, 486, { toTag: 'busy' }));
      });
      const third = await victim('127.0.0.5');
      const probe = startProbe('udp', server.port('udp'), { intervalMs: 20 });
      const attacker = await rawUdp();
      let toAttacker = 0;
      attacker.socket.on('message', () => toAttacker++);
      attacker.socket.send(
        [
          'INVITE sip:b@127.0.0.1 SIP/2.0',
          `Via: SIP/2.0/UDP 127.0.0.1:${third.port};maddr=${maddr};rport;branch=z9hG4bK-reflect-${maddr}`,
          'Max-Forwards: 70',
          'From: <sip:a@127.0.0.1>;tag=r1',
          'To: <sip:b@127.0.0.1>',
          `Call-ID: reflect-${maddr}@hostile`,
          'CSeq: 1 INVITE',
          'Contact: <sip:a@127.0.0.1>',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
        server.port('udp'),
        '127.0.0.1',
      );
      // T1 = 20 ms: Timer G retransmits 486 at 20, 60, 140, 300 ms ... (§17.2.1).
      await new Promise((r) => setTimeout(r, 700));
      const r = await probe.stop();
      console.log(`[hostile] defect 4, maddr=${maddr}: third party got ${third.received()} datagrams, source got ${toAttacker}; probe ${r.answered}/${r.sent}`);
      expect(third.received()).toBe(0);
      expect(toAttacker).toBeGreaterThanOrEqual(2); // the 486 and at least one retransmission, to the source
      expect(r.rate).toBe(1);
    });
  }
});

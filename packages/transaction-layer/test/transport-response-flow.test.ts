import { describe, expect, it } from 'vitest';
import { createResponse } from '@trunkline/sip-parser';
import type { Flow } from '../src/flow.js';
import { responseFlow } from '../src/transport/response-flow.js';
import { applyReceived } from '../src/transport/via-received.js';
import { request } from './helpers/transport-harness.js';

const udpSource: Flow = { protocol: 'udp', address: '192.0.2.7', port: 40000 };

describe('responseFlow and applyReceived', () => {
  const cases: Record<string, { via: string; source: Flow; received: string | null; rport: number | true | null; flow: Flow }> = {
    'RFC 3261 §18.2.1: same IP, no rport — nothing added, response to sent-by port': {
      via: 'SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK1',
      source: udpSource,
      received: null,
      rport: null,
      flow: { protocol: 'udp', address: '192.0.2.7', port: 5070 },
    },
    'RFC 3261 §18.2.1: different IP — received added; §18.2.2 response to received and sent-by port': {
      via: 'SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1',
      source: udpSource,
      received: '192.0.2.7',
      rport: null,
      flow: { protocol: 'udp', address: '192.0.2.7', port: 5070 },
    },
    'RFC 3261 §18.2.2: no sent-by port — 5060': {
      via: 'SIP/2.0/UDP host.example.com;branch=z9hG4bK1',
      source: udpSource,
      received: '192.0.2.7',
      rport: null,
      flow: { protocol: 'udp', address: '192.0.2.7', port: 5060 },
    },
    'RFC 3581 §4: rport without value — filled with the source port, received even for the same IP': {
      via: 'SIP/2.0/UDP 192.0.2.7:5070;rport;branch=z9hG4bK1',
      source: udpSource,
      received: '192.0.2.7',
      rport: 40000,
      flow: { protocol: 'udp', address: '192.0.2.7', port: 40000 },
    },
    'RFC 3581 §4 example: NATed client, response to the public address and port': {
      via: 'SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff',
      source: { protocol: 'udp', address: '192.0.2.1', port: 9988 },
      received: '192.0.2.1',
      rport: 9988,
      flow: { protocol: 'udp', address: '192.0.2.1', port: 9988 },
    },
    'RFC 3261 §18.2.2: maddr — to that address and the sent-by port': {
      via: 'SIP/2.0/UDP 192.0.2.7:5070;maddr=239.255.255.1;ttl=1;branch=z9hG4bK1',
      source: udpSource,
      received: null,
      rport: null,
      flow: { protocol: 'udp', address: '239.255.255.1', port: 5070 },
    },
    'RFC 3261 §18.2.2 / issue 9 defect 4: a unicast maddr is ignored — received and rport, not a third party': {
      via: 'SIP/2.0/UDP 192.0.2.7:5070;maddr=198.51.100.66;rport;branch=z9hG4bK1',
      source: { protocol: 'udp', address: '192.0.2.7', port: 40000 },
      received: '192.0.2.7',
      rport: 40000,
      flow: { protocol: 'udp', address: '192.0.2.7', port: 40000 },
    },
    'RFC 3261 §18.2.2 / issue 9 defect 4: a host name in maddr is never resolved — ignored': {
      via: 'SIP/2.0/UDP 192.0.2.7:5070;maddr=victim.example.com;branch=z9hG4bK1',
      source: udpSource,
      received: null,
      rport: null,
      flow: { protocol: 'udp', address: '192.0.2.7', port: 5070 },
    },
    'RFC 3261 §18.2.2: reliable — the source connection, falling back to received and sent-by port': {
      via: 'SIP/2.0/TCP 10.0.0.1:5080;branch=z9hG4bK1',
      source: { protocol: 'tcp', address: '192.0.2.7', port: 50123, connectionId: 'tcp-4' },
      received: '192.0.2.7',
      rport: null,
      flow: { protocol: 'tcp', address: '192.0.2.7', port: 5080, connectionId: 'tcp-4' },
    },
    'RFC 3261 §18.2.2 / RFC 5922 §7.2: reliable with a domain sent-by — the name is kept for TLS verification, port 5061': {
      via: 'SIP/2.0/TLS client.example.com;branch=z9hG4bK1',
      source: { protocol: 'tls', address: '192.0.2.7', port: 50123, connectionId: 'tls-1' },
      received: '192.0.2.7',
      rport: null,
      flow: { protocol: 'tls', address: '192.0.2.7', port: 5061, connectionId: 'tls-1', serverName: 'client.example.com' },
    },
    'RFC 5118 §4.5: an IPv4-mapped source address is written as IPv4': {
      via: 'SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1',
      source: { protocol: 'udp', address: '::ffff:192.0.2.7', port: 7000 },
      received: '192.0.2.7',
      rport: null,
      flow: { protocol: 'udp', address: '192.0.2.7', port: 5070 },
    },
    'RFC 5118 §4.5: IPv6 sent-by and source, received without brackets, lower-cased': {
      via: 'SIP/2.0/UDP [2001:db8::9]:5070;rport;branch=z9hG4bK1',
      source: { protocol: 'udp', address: '2001:DB8::10', port: 7000 },
      received: '2001:db8::10',
      rport: 7000,
      flow: { protocol: 'udp', address: '2001:db8::10', port: 7000 },
    },
  };
  for (const [title, c] of Object.entries(cases)) {
    it(title, () => {
      const req = request('OPTIONS', { via: c.via });
      applyReceived(req, c.source.address, c.source.port);
      expect(req.topVia?.received).toBe(c.received);
      expect(req.topVia?.rport).toBe(c.rport);
      expect(responseFlow(req, c.source)).toEqual(c.flow);
      // §8.2.6.2: the response copies the Via lines, so it routes the same way.
      expect(responseFlow(createResponse(req, 200), c.source)).toEqual(c.flow);
    });
  }

  it('RFC 3261 §18.2.1: only the top Via value changes; the other Via values and lines keep their order', () => {
    const req = request('OPTIONS', {
      via: 'SIP/2.0/UDP 10.0.0.1;rport;branch=z9hG4bKtop, SIP/2.0/UDP proxy.example.com;branch=z9hG4bKmid',
      extra: ['Via: SIP/2.0/TCP last.example.com;branch=z9hG4bKlast'],
    });
    applyReceived(req, '192.0.2.7', 1234);
    expect(req.via.map((v) => v.branch)).toEqual(['z9hG4bKtop', 'z9hG4bKmid', 'z9hG4bKlast']);
    expect(req.via[0]).toMatchObject({ received: '192.0.2.7', rport: 1234 });
    expect(req.via[1]?.received).toBeNull();
    expect(req.headers.getAll('Via')).toHaveLength(3);
  });
});

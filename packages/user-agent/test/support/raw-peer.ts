/**
 * A bare SIP peer for tests: a transport and an endpoint from the
 * transaction layer, with no user agent on top, to send exactly the request
 * a test wants and to answer INVITEs by hand.
 */
import { createRequest, type HeaderInit, type SipResponse } from '@trunkline/sip-parser';
import { SipEndpoint, SipTransport, type IncomingRequest } from '@trunkline/transaction-layer';

/** A raw peer on 127.0.0.1 (UDP, ephemeral port). */
export interface RawPeer {
  readonly port: number;
  readonly endpoint: SipEndpoint;
  /** Sends `method` to `127.0.0.1:port` outside any dialog (or inside one, given To/From tags in `headers`). */
  send(method: string, port: number, headers?: HeaderInit, body?: string): Promise<SipResponse>;
  /** Incoming requests, for a test acting as UAS. */
  onRequest(handler: (incoming: IncomingRequest) => void): void;
  close(): Promise<void>;
}

let seq = 1;

/** Opens a raw peer. */
export async function rawPeer(): Promise<RawPeer> {
  const transport = await SipTransport.create({ listen: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
  const endpoint = new SipEndpoint(transport, { timers: { T1: 100, T2: 400, T4: 500 } });
  const port = transport.addresses[0]!.port;
  return {
    port,
    endpoint,
    send(method, to, headers = [], body) {
      const n = seq++;
      const extra = Symbol.iterator in headers ? [...(headers as Iterable<readonly [string, string]>)] : Object.entries(headers).map(([k, v]) => [k, String(v)] as const);
      const names = new Set(extra.map(([k]) => k.toLowerCase()));
      const base: Array<readonly [string, string]> = [
        ['Via', `SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-raw-${n}-${Date.now()};rport`],
        ['Max-Forwards', '70'],
      ];
      if (!names.has('from')) base.push(['From', `<sip:raw@127.0.0.1:${port}>;tag=raw${n}`]);
      if (!names.has('to')) base.push(['To', `<sip:ua@127.0.0.1:${to}>`]);
      if (!names.has('call-id')) base.push(['Call-ID', `raw-${n}-${Date.now()}@127.0.0.1`]);
      if (!names.has('cseq')) base.push(['CSeq', `1 ${method}`]);
      const request = createRequest({
        method,
        uri: `sip:ua@127.0.0.1:${to}`,
        headers: [...base, ...extra],
        ...(body === undefined ? {} : { body, contentType: 'application/sdp' }),
      });
      return endpoint.request(request, { protocol: 'udp', address: '127.0.0.1', port: to });
    },
    onRequest(handler) {
      endpoint.on('request', handler);
    },
    async close() {
      endpoint.close();
      await transport.close();
    },
  };
}

/**
 * INVITE transactions per second on the in-memory simulator, one core: each
 * transaction is INVITE → 180 → 200 → ACK between two TransactionManagers with
 * every message serialized and re-parsed on the way (the parser is in the path).
 * Time is virtual for the machines; throughput is wall-clock.
 */
import { createRequest, createResponse, parseMessage, serializeMessage, type SipRequest, type SipResponse } from '@trunkline/sip-parser';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TransactionManager, type Flow, type TransactionManagerOptions, type TransactionOutput } from '@trunkline/transaction-layer';

const UAC: Flow = { protocol: 'udp', address: '127.0.0.1', port: 5070 };
const UAS: Flow = { protocol: 'udp', address: '127.0.0.1', port: 5060 };

function invite(n: number): SipRequest {
  return createRequest({
    method: 'INVITE',
    uri: 'sip:agent@127.0.0.1:5060',
    headers: [
      ['Via', `SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-bench-${n};rport`],
      ['Max-Forwards', '70'],
      ['From', `<sip:caller@127.0.0.1>;tag=f${n}`],
      ['To', '<sip:agent@127.0.0.1>'],
      ['Call-ID', `bench-${n}@127.0.0.1`],
      ['CSeq', '1 INVITE'],
      ['Contact', '<sip:caller@127.0.0.1:5070>'],
    ],
    contentType: 'application/sdp',
    body: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n',
  });
}

function wire(m: SipRequest | SipResponse): SipRequest | SipResponse {
  return parseMessage(serializeMessage(m));
}

/**
 * Runs `count` INVITE transactions to completion; returns the wall-clock seconds taken and the
 * most live (`maxTransactions`-counted) UAS transactions seen. `uasOptions` configures the UAS
 * side (e.g. `maxAcceptedTransactions: 0`, Accepted kept as full machines as before issue 14).
 */
export function runInviteTransactions(count: number, uasOptions: TransactionManagerOptions = {}): { seconds: number; messages: number; peakLive: number } {
  const uac = new TransactionManager();
  const uas = new TransactionManager({ maxTransactions: 1_000_000, ...uasOptions });
  let peakLive = 0;
  let now = 0;
  let messages = 0;
  const toUas: Array<SipRequest | SipResponse> = [];
  const toUac: Array<SipRequest | SipResponse> = [];
  const route = (outs: TransactionOutput[], queue: Array<SipRequest | SipResponse>): void => {
    for (const o of outs) if (o.type === 'send') queue.push(o.message);
  };
  const start = process.hrtime.bigint();
  for (let n = 0; n < count; n++) {
    route(uac.sendRequest(invite(n), UAS, now).outputs, toUas);
    while (toUas.length > 0 || toUac.length > 0) {
      const req = toUas.shift();
      if (req) {
        messages++;
        for (const o of uas.receive(wire(req), UAC, now)) {
          if (o.type === 'request') {
            route(uas.respond(o.transactionId, createResponse(o.request, 180, { toTag: `t${n}` }), now), toUac);
            route(uas.respond(o.transactionId, createResponse(o.request, 200, { toTag: `t${n}` }), now), toUac);
          }
        }
      }
      const res = toUac.shift();
      if (res) {
        messages++;
        for (const o of uac.receive(wire(res), UAS, now)) {
          if (o.type === 'response' && o.response.status === 200) {
            const ack = createRequest({
              method: 'ACK',
              uri: 'sip:agent@127.0.0.1:5060',
              headers: [
                ['Via', `SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-ack-${n}`],
                ['Max-Forwards', '70'],
                ['From', o.response.headers.get('From') ?? ''],
                ['To', o.response.headers.get('To') ?? ''],
                ['Call-ID', o.response.callId ?? ''],
                ['CSeq', '1 ACK'],
              ],
            });
            route(uac.sendRequest(ack, UAS, now).outputs, toUas);
          }
        }
      }
    }
    peakLive = Math.max(peakLive, uas.liveCount);
    now += 1;
    // Let Timer L/M expire in virtual time so the tables stay small.
    if (n % 1000 === 999) {
      now += 64 * 500;
      uac.tick(now);
      uas.tick(now);
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  now += 64 * 500;
  uac.tick(now);
  uas.tick(now);
  if (uac.size !== 0 || uas.size !== 0) throw new Error(`leaked transactions: uac ${uac.size}, uas ${uas.size}`);
  return { seconds, messages, peakLive };
}

/**
 * Heap held per INVITE server transaction answered 200 and waiting in Accepted for Timer L
 * (RFC 6026 §7.1): `count` INVITEs parsed from bytes and answered, nothing expired, heap measured
 * after a full GC. Compare `{}` (records) with `{ maxAcceptedTransactions: 0 }` (full machines).
 */
export function acceptedFootprint(count: number, uasOptions: TransactionManagerOptions = {}): { bytesPerTransaction: number; live: number; accepted: number } {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const uas = new TransactionManager({ maxTransactions: 1_000_000, ...uasOptions });
  const wires = Array.from({ length: count }, (_, n) => serializeMessage(invite(n)));
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let n = 0; n < count; n++) {
    for (const o of uas.receive(parseMessage(wires[n]!), UAC, n)) {
      if (o.type === 'request') uas.respond(o.transactionId, createResponse(o.request, 200, { toTag: `t${n}` }), n);
    }
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  return { bytesPerTransaction: (after - before) / count, live: uas.liveCount, accepted: uas.acceptedCount };
}

/**
 * RFC 3262 under signalling loss: two user agents through the seeded SIP
 * impairment proxy (tools/impair) losing 20 % of the SIP datagrams each way.
 * The callee's progress() sends a reliable 183 that is resent until a PRACK
 * gets through; the caller PRACKs it exactly once (§4: retransmissions of the
 * same RSeq are discarded; a lost PRACK is resent by its own transaction,
 * Timer E), and the 2xx leaves only after the PRACK arrived (§3).
 * Small timers (T1 40 ms, T2 160 ms) as in faults/signalling-loss.test.ts.
 */
import { SipImpairmentProxy } from '@trunkline/impair';
import { parseMessage, type SipRequest, type SipResponse } from '@trunkline/sip-parser';
import type { TransportTraceEvent } from '@trunkline/transaction-layer';
import { afterEach, describe, expect, it } from 'vitest';
import type { UserAgent } from '../../src/index.js';
import { seeds } from '../faults/support.js';
import { testAgent } from '../support/ua.js';

const timers = { T1: 40, T2: 160, T4: 100 };
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function tracer(log: Array<SipRequest | SipResponse>): (e: TransportTraceEvent) => void {
  return (e) => {
    if (e.direction === 'out') log.push(parseMessage(e.bytes));
  };
}

async function agent(log: Array<SipRequest | SipResponse>): Promise<UserAgent> {
  const ua = await testAgent({ timers, media: { srtp: 'off' }, trace: tracer(log) });
  cleanup.push(() => ua.close());
  return ua;
}

describe('RFC 3262 under 20 % SIP loss', () => {
  it.each(seeds(4))('seed %i: reliable 183 resent until PRACKed, one PRACK transaction, 2xx after the PRACK, call up and down', async (seed) => {
    const callerSent: Array<SipRequest | SipResponse> = [];
    const calleeSent: Array<SipRequest | SipResponse> = [];
    const callee = await agent(calleeSent);
    const caller = await agent(callerSent);
    const proxy = await SipImpairmentProxy.open({
      seed,
      target: { address: '127.0.0.1', port: callee.addresses[0]!.port },
      signalling: { aToB: { loss: 0.2 }, bToA: { loss: 0.2 } },
    });
    cleanup.push(() => proxy.close());
    let prackedAt = -1;
    callee.on('call', (call) => {
      call
        .progress()
        .then(() => {
          prackedAt = calleeSent.length;
          return call.answer();
        })
        .catch(() => undefined);
    });
    const call = await caller.invite(`sip:echo@127.0.0.1:${proxy.address.port}`);
    expect(call.state).toBe('established');

    const copies183 = calleeSent.filter((m) => !m.isRequest && m.status === 183);
    const rseqs = new Set(copies183.map((m) => m.headers.get('RSeq')));
    expect(rseqs.size).toBe(1);
    const pracks = callerSent.filter((m): m is SipRequest => m.isRequest && m.method === 'PRACK');
    const branches = new Set(pracks.map((m) => m.headers.get('Via')));
    expect(branches.size).toBe(1); // one PRACK transaction whatever number of 183 copies arrived
    expect(pracks[0]!.headers.get('RAck')).toBe(`${[...rseqs][0]!} 1 INVITE`);
    // §3: no 2xx before the PRACK arrived (the first 200 to the INVITE follows the PRACK's acknowledgement).
    const first2xx = calleeSent.findIndex((m) => !m.isRequest && m.status === 200 && m.cseq?.method === 'INVITE');
    expect(prackedAt).toBeGreaterThanOrEqual(0);
    expect(first2xx).toBeGreaterThanOrEqual(prackedAt);
    console.log(`[prack-lossy] seed=${seed}: 183 sent ${copies183.length}×, PRACK sent ${pracks.length}× (one transaction)`);
    await call.hangup();
  }, 15_000);
});

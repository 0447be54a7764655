import { createRequest, createResponse, type SipRequest, type SipResponse } from '@trunkline/sip-parser';
import type { TransactionManager, TransactionOutput } from '../../src/transaction/transaction-manager.js';
import type { SimNetwork, SimNode } from './sim-network.js';

/** What the client TU saw of one of its transactions. */
export interface ClientRecord {
  readonly method: string;
  readonly want: number;
  readonly startedAt: number;
  readonly callId: string;
  provisionals: number;
  finals: Array<{ status: number; at: number; toTag: string | null }>;
  timeouts: Array<{ timer: string; at: number }>;
  terminatedAt: number | null;
  acksSent: number;
}

let counter = 0;

/** A UAC core: starts transactions and ACKs every 2xx to INVITE (§13.2.2.4). */
export class ClientEndpoint implements SimNode {
  readonly records = new Map<string, ClientRecord>();
  private cseq = 1;

  constructor(
    readonly name: string,
    readonly manager: TransactionManager,
    private readonly peer: string,
  ) {}

  start(sim: SimNetwork, method: string, want: number): string {
    const n = ++counter;
    const callId = `call-${n}@${this.name}`;
    const req = createRequest({
      method,
      uri: `sip:${this.peer}@sim.invalid`,
      headers: [
        ['Via', `SIP/2.0/UDP ${this.name}.sim.invalid;branch=z9hG4bK-${this.name}-${n}`],
        ['Max-Forwards', '70'],
        ['From', `<sip:${this.name}@sim.invalid>;tag=f${n}`],
        ['To', `<sip:${this.peer}@sim.invalid>`],
        ['Call-ID', callId],
        ['CSeq', `${this.cseq++} ${method}`],
        ['X-Want', String(want)],
      ],
    });
    const { transactionId, outputs } = this.manager.sendRequest(req, sim.flowTo(this.peer), sim.now);
    if (transactionId === null) throw new Error('expected a transaction');
    this.records.set(transactionId, {
      method, want, startedAt: sim.now, callId, provisionals: 0, finals: [], timeouts: [], terminatedAt: null, acksSent: 0,
    });
    sim.handle(this.name, outputs);
    return transactionId;
  }

  onOutput(out: TransactionOutput, sim: SimNetwork): void {
    if (out.type === 'request' || out.type === 'ack' || out.type === 'send') return;
    const rec = this.records.get(out.transactionId);
    if (!rec) throw new Error(`event for unknown transaction ${out.transactionId}`);
    switch (out.type) {
      case 'response': {
        const r = out.response;
        if (r.status < 200) {
          rec.provisionals++;
          return;
        }
        rec.finals.push({ status: r.status, at: sim.now, toTag: r.to?.tag ?? null });
        if (rec.method === 'INVITE' && r.status < 300) this.ack2xx(sim, rec, r);
        return;
      }
      case 'timeout':
        rec.timeouts.push({ timer: out.timer, at: sim.now });
        return;
      case 'terminated':
        rec.terminatedAt = sim.now;
        return;
      case 'transport-error':
        throw new Error('no transport errors on the simulated wire');
    }
  }

  /** §13.2.2.4: the ACK for a 2xx is the UAC core's, with a new branch. */
  private ack2xx(sim: SimNetwork, rec: ClientRecord, ok: SipResponse): void {
    const n = ++counter;
    const ack = createRequest({
      method: 'ACK',
      uri: `sip:${this.peer}@sim.invalid`,
      headers: [
        ['Via', `SIP/2.0/UDP ${this.name}.sim.invalid;branch=z9hG4bK-ack-${n}`],
        ['Max-Forwards', '70'],
        ['From', ok.headers.get('From') ?? ''],
        ['To', ok.headers.get('To') ?? ''],
        ['Call-ID', rec.callId],
        ['CSeq', `${ok.cseq?.seq ?? 0} ACK`],
      ],
    });
    rec.acksSent++;
    sim.handle(this.name, this.manager.sendRequest(ack, sim.flowTo(this.peer), sim.now).outputs);
  }
}

/** A UAS core: answers after a TU delay with the status the request asks for; retransmits its 2xx until ACKed (§13.3.1.4). */
export class ServerEndpoint implements SimNode {
  /** Request events seen per branch (must never exceed one). */
  readonly requestsByBranch = new Map<string, number>();
  readonly acked = new Set<string>();

  constructor(
    readonly name: string,
    readonly manager: TransactionManager,
    private readonly tuDelay: () => number,
    private readonly t1 = 500,
    private readonly t2 = 4000,
  ) {}

  onOutput(out: TransactionOutput, sim: SimNetwork): void {
    switch (out.type) {
      case 'request': {
        const req = out.request;
        const branch = req.via[0]?.branch ?? '';
        this.requestsByBranch.set(branch, (this.requestsByBranch.get(branch) ?? 0) + 1);
        const want = Number(req.headers.get('X-Want') ?? '200');
        const id = out.transactionId;
        const delay = this.tuDelay();
        if (req.method === 'INVITE') {
          sim.at(sim.now + delay, () => this.respond(sim, id, createResponse(req, 180, { toTag: 'uas' })));
          sim.at(sim.now + delay + 10, () => {
            const fin = createResponse(req, want, { toTag: 'uas' });
            this.respond(sim, id, fin);
            if (want < 300) this.retransmit2xx(sim, id, fin, req.callId ?? '', this.t1, sim.now);
          });
        } else {
          sim.at(sim.now + delay, () => this.respond(sim, id, createResponse(req, want, { toTag: 'uas' })));
        }
        return;
      }
      case 'ack':
        this.acked.add(out.request.callId ?? '');
        return;
      default:
        return;
    }
  }

  private respond(sim: SimNetwork, id: string, res: SipResponse): void {
    if (this.manager.stateOf(id) === undefined) return; // transaction gone (e.g. transport error)
    sim.handle(this.name, this.manager.respond(id, res, sim.now));
  }

  private retransmit2xx(sim: SimNetwork, id: string, ok: SipResponse, callId: string, interval: number, firstAt: number): void {
    sim.at(sim.now + interval, () => {
      if (this.acked.has(callId) || sim.now - firstAt >= 64 * this.t1) return;
      this.respond(sim, id, ok);
      this.retransmit2xx(sim, id, ok, callId, Math.min(2 * interval, this.t2), firstAt);
    });
  }
}

export type { SipRequest };

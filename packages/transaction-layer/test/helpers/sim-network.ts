import { parseMessage, serializeMessage, type SipRequest, type SipResponse } from '@trunkline/sip-parser';
import type { Flow } from '../../src/flow.js';
import type { TransactionManager, TransactionOutput } from '../../src/transaction/transaction-manager.js';

export { seededRandom } from '@trunkline/test-support';

/** Impairments of one direction of the wire. */
export interface Impairment {
  /** Probability a datagram is lost. */
  readonly loss: number;
  /** Probability a delivered datagram is delivered twice. */
  readonly duplicate: number;
  /** Delay range in ms; random delays reorder datagrams. */
  readonly minDelay: number;
  readonly maxDelay: number;
}

export const PERFECT: Impairment = { loss: 0, duplicate: 0, minDelay: 1, maxDelay: 1 };

interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
}

/** One endpoint on the simulated network: a transaction manager and a transaction user. */
export interface SimNode {
  readonly name: string;
  readonly manager: TransactionManager;
  /** Called with every output the manager produces that is not a `send`. */
  onOutput(out: TransactionOutput, sim: SimNetwork): void;
}

/** A record of every message put on the wire, for asserting call flows. */
export interface WireRecord {
  readonly at: number;
  readonly from: string;
  readonly to: string;
  readonly summary: string;
  readonly delivered: boolean;
}

function summarize(m: SipRequest | SipResponse): string {
  return m.isRequest ? m.method : `${m.status}${m.cseq ? ` (${m.cseq.method})` : ''}`;
}

/**
 * Two or more transaction managers joined by a UDP-like wire over virtual
 * time. Every datagram is serialized and re-parsed, so the parser is in the
 * path; loss, duplication and delay (hence reordering) come from a seeded source.
 */
export class SimNetwork {
  now = 0;
  private seqNo = 0;
  private readonly queue: Scheduled[] = [];
  private readonly nodes = new Map<string, SimNode>();
  private readonly impairments = new Map<string, Impairment>();
  readonly wire: WireRecord[] = [];

  constructor(readonly random: () => number) {}

  add(node: SimNode): void {
    this.nodes.set(node.name, node);
  }

  /** Sets the impairment from `from` to `to`. */
  impair(from: string, to: string, imp: Impairment): void {
    this.impairments.set(`${from}>${to}`, imp);
  }

  flowTo(name: string): Flow {
    return { protocol: 'udp', address: name, port: 5060 };
  }

  /** Runs `fn` at virtual time `at`. */
  at(at: number, fn: () => void): void {
    this.queue.push({ at, seq: this.seqNo++, run: fn });
  }

  /** Processes a batch of manager outputs from node `from`. */
  handle(from: string, outputs: readonly TransactionOutput[]): void {
    const node = this.nodes.get(from);
    if (!node) throw new Error(`unknown node ${from}`);
    for (const out of outputs) {
      if (out.type === 'send') this.transmit(from, out.flow.address, out.message);
      // A completed transaction's response, kept encoded; the simulated wire reaches nodes by the source flow's name.
      else if (out.type === 'send-encoded') this.transmit(from, out.flow.address, parseMessage(out.bytes));
      else node.onOutput(out, this);
    }
  }

  private transmit(from: string, to: string, message: SipRequest | SipResponse): void {
    const imp = this.impairments.get(`${from}>${to}`) ?? PERFECT;
    const bytes = serializeMessage(message);
    const lost = this.random() < imp.loss;
    this.wire.push({ at: this.now, from, to, summary: summarize(message), delivered: !lost });
    if (lost) return;
    const copies = this.random() < imp.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = imp.minDelay + Math.floor(this.random() * (imp.maxDelay - imp.minDelay + 1));
      this.at(this.now + delay, () => {
        const target = this.nodes.get(to);
        if (!target) return;
        const parsed = parseMessage(bytes);
        this.handle(to, target.manager.receive(parsed, this.flowTo(from), this.now));
      });
    }
  }

  /** Advances virtual time to `until`, running deliveries, TU actions and transaction timers in order. */
  runUntil(until: number): void {
    for (;;) {
      let best: Scheduled | null = null;
      let bestIdx = -1;
      for (let i = 0; i < this.queue.length; i++) {
        const s = this.queue[i]!;
        if (best === null || s.at < best.at || (s.at === best.at && s.seq < best.seq)) {
          best = s;
          bestIdx = i;
        }
      }
      let timerAt: number | null = null;
      let timerNode: SimNode | null = null;
      for (const n of this.nodes.values()) {
        const d = n.manager.nextDeadline;
        if (d !== null && (timerAt === null || d < timerAt)) {
          timerAt = d;
          timerNode = n;
        }
      }
      const nextAt = Math.min(best?.at ?? Infinity, timerAt ?? Infinity);
      if (nextAt > until) break;
      if (timerNode !== null && timerAt !== null && timerAt <= (best?.at ?? Infinity)) {
        this.now = Math.max(this.now, timerAt);
        this.handle(timerNode.name, timerNode.manager.tick(this.now));
      } else if (best !== null) {
        this.queue.splice(bestIdx, 1);
        this.now = Math.max(this.now, best.at);
        best.run();
      }
    }
    this.now = Math.max(this.now, until);
  }

  /** True when nothing is in flight and no timer is armed anywhere. */
  get quiet(): boolean {
    if (this.queue.length > 0) return false;
    for (const n of this.nodes.values()) if (n.manager.size > 0 || n.manager.nextDeadline !== null) return false;
    return true;
  }
}

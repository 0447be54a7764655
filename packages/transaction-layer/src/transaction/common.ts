import { TrunklineError } from '@trunkline/errors';
import type { SipRequest, SipResponse } from '@trunkline/sip-parser';

/**
 * What one `step()` of a transaction machine asks of its driver: messages to
 * hand to the transport and events for the transaction user (TU). The machine
 * itself never touches a socket or a clock (sans-I/O); its next deadline is
 * read from the machine's `deadline` after each step. A `Uint8Array` in
 * `send` is a message already encoded (a final response retransmitted by a
 * server transaction that keeps only its bytes), routed like the
 * transaction's responses.
 */
export interface Step {
  readonly send: Array<SipRequest | SipResponse | Uint8Array>;
  readonly events: TransactionEvent[];
}

/** Events a transaction reports to its TU. */
export type TransactionEvent =
  /** Client: a response the TU must see (§17.1.1.2, §17.1.2.2). */
  | { readonly type: 'response'; readonly response: SipResponse }
  /** Server: the request that created the transaction (§17.2.1, §17.2.2). */
  | { readonly type: 'request'; readonly request: SipRequest }
  /** Server INVITE in Accepted: an ACK for the 2xx, passed up (RFC 6026 §7.1). */
  | { readonly type: 'ack'; readonly request: SipRequest }
  /** Timer B/F (client) or Timer H (server: no ACK) fired. */
  | { readonly type: 'timeout'; readonly timer: 'B' | 'F' | 'H' }
  /** The transport reported a failure to send (§17.1.4, §17.2.4). */
  | { readonly type: 'transport-error' }
  /** The machine reached Terminated: the driver forgets it. */
  | { readonly type: 'terminated' };

/** Thrown when the TU drives a machine in a way its state does not allow (API misuse). */
export class TransactionStateError extends TrunklineError<'TRANSACTION_INVALID_STATE'> {
  /** @param message - what the state refused */
  constructor(message: string) {
    super('TRANSACTION_INVALID_STATE', message);
  }
}

/** Builds an empty step to fill. */
export function newStep(): { send: Array<SipRequest | SipResponse | Uint8Array>; events: TransactionEvent[] } {
  return { send: [], events: [] };
}

/**
 * A set of named one-shot timers held as absolute deadlines (ms on the
 * driver's clock). `due(now)` yields the expired ones, earliest first.
 */
export class Deadlines<Name extends string> {
  private readonly at = new Map<Name, number>();

  set(name: Name, when: number): void {
    this.at.set(name, when);
  }

  clear(name: Name): void {
    this.at.delete(name);
  }

  clearAll(): void {
    this.at.clear();
  }

  has(name: Name): boolean {
    return this.at.has(name);
  }

  /** The earliest deadline, or null when no timer is armed. */
  get next(): number | null {
    let min: number | null = null;
    for (const t of this.at.values()) if (min === null || t < min) min = t;
    return min;
  }

  /** Removes and returns the earliest expired timer, if any. */
  takeDue(now: number): Name | null {
    let best: Name | null = null;
    let bestAt = Infinity;
    for (const [name, t] of this.at) {
      if (t <= now && t < bestAt) {
        best = name;
        bestAt = t;
      }
    }
    if (best !== null) this.at.delete(best);
    return best;
  }
}

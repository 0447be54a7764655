import { TrunklineError, assertNever } from '@trunkline/errors';
import {
  SipParseError,
  createResponse,
  serializeMessage,
  validateMessage,
  type SipRequest,
  type SipResponse,
  type ValidateOptions,
} from '@trunkline/sip-parser';
import { isReliable, type Flow } from '../flow.js';
import { resolveTimerConfig, timerValues, type TimerConfig, type TimerValues } from '../timers.js';
import { ClientInviteTransaction } from './client-invite-transaction.js';
import { ClientNonInviteTransaction } from './client-non-invite-transaction.js';
import type { Step } from './common.js';
import { DeadlineQueue } from './deadline-queue.js';
import { clientKeyOfRequest, clientKeyOfResponse, serverKey } from './matching.js';
import { ServerInviteTransaction } from './server-invite-transaction.js';
import { ServerNonInviteTransaction } from './server-non-invite-transaction.js';
import { errorResponse } from '../transport/inbound-check.js';
import { responseFlow } from '../transport/response-flow.js';
import { TransactionStateError } from './common.js';

/** Options for {@link TransactionManager}. */
export interface TransactionManagerOptions {
  /** T1/T2/T4 and the 100 Trying delay. Defaults: RFC 3261 (500 ms, 4 s, 5 s, 200 ms). */
  readonly timers?: Partial<TimerConfig>;
  /**
   * Most live transactions (client and server together; completed non-INVITE
   * server transactions have their own budget, see
   * `maxCompletedTransactions`). A new server transaction beyond it is
   * refused with a stateless 503 (RFC 3261 §21.5.4); a new client
   * transaction throws {@link TransactionLimitError}. Fairness between
   * sources: a source (IP address) that already holds as many live server
   * transactions as there are free slots is refused too, so one source's
   * burst can take at most half of the table and always leaves room for the
   * others. Default 10,000.
   */
  readonly maxTransactions?: number;
  /**
   * Most completed non-INVITE server transactions kept over UDP to absorb
   * retransmissions until Timer J (64*T1). Each keeps only its encoded final
   * response, where it goes, and its match key (a few hundred bytes, not the
   * parsed request), and they do not count against `maxTransactions`. At the
   * limit the oldest is forgotten early (a retransmission arriving later
   * reaches the TU again). Default 100,000.
   */
  readonly maxCompletedTransactions?: number;
  /**
   * Most INVITE server transactions kept in the Accepted state (RFC 6026
   * §7.1: after a 2xx, until Timer L = 64*T1, 32 s by default). An
   * Accepted transaction only absorbs retransmitted INVITEs, passes ACKs
   * matching it up and lets the TU retransmit its 2xx, so it is kept as a
   * record of its match key, its flow, where its responses go and Timer L
   * (about 200 bytes, not the parsed INVITE), and it leaves
   * `maxTransactions`: there it would hold a live slot for 32 s after every
   * answered call and cap a UAS at `maxTransactions / 32` calls a second.
   * The budget is its own and bounded, because a peer that gets its INVITEs
   * answered can fill it: at the limit the oldest Accepted transaction is
   * forgotten early (counted in `stats.acceptedEvicted`); a retransmission
   * of that INVITE arriving later would reach the TU as a new request,
   * which RFC 6026 §8 names as the very failure Accepted exists to prevent,
   * so the default is generous: 100,000 (3,125 answered calls a second
   * sustained, about 20 MB). `0` keeps Accepted transactions as full
   * machines inside `maxTransactions` (RFC 3261 behaviour plus §7.1).
   */
  readonly maxAcceptedTransactions?: number;
  /**
   * How a request that would create a server transaction is checked first
   * (sip-parser's `validateMessage`: version 505, method 501, CSeq 400,
   * scheme 416, Require 420, body 415, Accept 406 — RFC 3261 §8.2, RFC 4475
   * §3.1.2, §3.3). A failing request is answered statelessly with the status
   * the verdict names (an ACK is dropped) and never reaches the TU.
   * `false` turns the check off (a proxy core doing its own). Default `{}`:
   * a UAS with sip-parser's default methods, schemes and body types.
   */
  readonly validation?: ValidateOptions | false;
}

/** What the manager asks its driver to do, or tells its transaction user. */
export type TransactionOutput =
  /**
   * Hand `message` to the transport towards `flow`. For a server
   * transaction's response, `to` is where it goes, routed already (RFC 3261
   * §18.2.2, computed once from the request when the transaction was made);
   * without `to` a response is routed by its own Via (§8.2.6.2).
   */
  | { readonly type: 'send'; readonly message: SipRequest | SipResponse; readonly flow: Flow; readonly transactionId: string | null; readonly to?: Flow }
  /**
   * Hand already encoded bytes to the transport towards `to`: the final
   * response of a completed non-INVITE server transaction, first sent or
   * retransmitted, or the 300-699 response a completed INVITE server
   * transaction retransmits (§17.2.1). `to` is routed already (RFC 3261 §18.2.2, computed once
   * from the request, which is not kept); `flow` is the request's source
   * flow, as in `send`.
   */
  | { readonly type: 'send-encoded'; readonly bytes: Uint8Array; readonly flow: Flow; readonly to: Flow; readonly transactionId: string }
  /** A new server transaction: the TU must respond through {@link TransactionManager.respond}. `cancels` names the INVITE transaction a CANCEL targets (§9.2). */
  | { readonly type: 'request'; readonly transactionId: string; readonly request: SipRequest; readonly flow: Flow; readonly cancels: string | null }
  /** A response for a client transaction. */
  | { readonly type: 'response'; readonly transactionId: string; readonly response: SipResponse }
  /** An ACK for a 2xx: inside an Accepted INVITE server transaction (RFC 6026 §7.1) or matching none (§17.2.3: the TU's business). */
  | { readonly type: 'ack'; readonly transactionId: string | null; readonly request: SipRequest; readonly flow: Flow }
  | { readonly type: 'timeout'; readonly transactionId: string; readonly timer: 'B' | 'F' | 'H' }
  | { readonly type: 'transport-error'; readonly transactionId: string }
  | { readonly type: 'terminated'; readonly transactionId: string };

/** Thrown by {@link TransactionManager.sendRequest} when `maxTransactions` is reached. */
export class TransactionLimitError extends TrunklineError<'TOO_MANY_TRANSACTIONS'> {
  /** @param message - which limit was reached */
  constructor(message: string) {
    super('TOO_MANY_TRANSACTIONS', message, { statusHint: 503 });
  }
}

type Machine = ClientInviteTransaction | ClientNonInviteTransaction | ServerInviteTransaction | ServerNonInviteTransaction;

interface Entry {
  readonly id: string;
  readonly machine: Machine;
  readonly flow: Flow;
  /** Where a server transaction's responses go (§18.2.2), computed once; `flow` for a client transaction. */
  readonly to: Flow;
  /** Source IP of a server transaction (fairness between sources), null for client ones. */
  readonly source: string | null;
  /** Deadline last pushed onto the queue, to skip stale heap entries. */
  deadline: number | null;
}

/**
 * A completed non-INVITE server transaction over UDP (RFC 3261 §17.2.2,
 * Completed state): all it does until Timer J is answer a retransmission
 * with its final response, so that, encoded, is all it keeps.
 */
interface CompletedRecord {
  readonly bytes: Uint8Array;
  /** The request's source flow. */
  readonly flow: Flow;
  /** Where the response goes (§18.2.2). */
  readonly to: Flow;
  /** Timer J. */
  readonly expires: number;
}

/**
 * An INVITE server transaction in the Accepted state (RFC 6026 §7.1): it
 * absorbs retransmitted INVITEs, passes up an ACK that matches it, and sends
 * the 2xx retransmissions the TU hands it, until Timer L. That is all it keeps.
 */
interface AcceptedRecord {
  /** The INVITE's source flow (ACK outputs). */
  readonly flow: Flow;
  /** Where the 2xx goes (§18.2.2). */
  readonly to: Flow;
  /** Timer L. */
  readonly expires: number;
}

/** Counters for monitoring. */
export interface TransactionStats {
  /** Responses matching no client transaction, dropped (RFC 3261 §18.1.2 / RFC 6026 §8). */
  strayResponses: number;
  /** Retransmitted requests absorbed by server transactions. */
  absorbedRetransmissions: number;
  /** Server transactions refused with 503 because of `maxTransactions`. */
  refusedOverLimit: number;
  /** Requests refused by validation (answered statelessly, or dropped for an ACK). */
  invalidRequests: number;
  /** Of `refusedOverLimit`, refused because their source held its share of the table. */
  refusedPerSource: number;
  /** Completed transactions forgotten before Timer J because of `maxCompletedTransactions`. */
  completedEvicted: number;
  /** Accepted INVITE server transactions forgotten before Timer L because of `maxAcceptedTransactions`. */
  acceptedEvicted: number;
}

/**
 * The RFC 3261 §17 transaction layer as a sans-I/O object: messages, TU
 * actions and the current time go in; messages to send, TU events and the
 * next deadline come out. Matching follows §17.1.3 (client) and §17.2.3
 * (server, with the RFC 2543 fallback); CANCEL is matched to its INVITE per §9.2.
 */
export class TransactionManager {
  private readonly config: TimerConfig;
  private readonly reliableTimers: TimerValues;
  private readonly unreliableTimers: TimerValues;
  private readonly maxTransactions: number;
  private readonly maxCompleted: number;
  private readonly maxAccepted: number;
  private readonly validation: ValidateOptions | null;
  private readonly entries = new Map<string, Entry>();
  private readonly queue = new DeadlineQueue();
  /**
   * Completed records in insertion order, which is expiry order: every
   * record lives the same Timer J, so the oldest is always first.
   */
  private readonly completed = new Map<string, CompletedRecord>();
  /** Accepted records in insertion order, which is expiry order (every one lives Timer L). */
  private readonly accepted = new Map<string, AcceptedRecord>();
  /** Live server transactions per source IP. */
  private readonly perSource = new Map<string, number>();
  readonly stats: TransactionStats = {
    strayResponses: 0,
    absorbedRetransmissions: 0,
    refusedOverLimit: 0,
    invalidRequests: 0,
    refusedPerSource: 0,
    completedEvicted: 0,
    acceptedEvicted: 0,
  };

  constructor(options: TransactionManagerOptions = {}) {
    this.config = resolveTimerConfig(options.timers);
    this.reliableTimers = timerValues(this.config, true);
    this.unreliableTimers = timerValues(this.config, false);
    const max = options.maxTransactions ?? 10_000;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxTransactions must be a positive integer, got ${max}`);
    this.maxTransactions = max;
    const maxCompleted = options.maxCompletedTransactions ?? 100_000;
    if (!Number.isInteger(maxCompleted) || maxCompleted < 0) {
      throw new RangeError(`maxCompletedTransactions must be a non-negative integer, got ${maxCompleted}`);
    }
    this.maxCompleted = maxCompleted;
    const maxAccepted = options.maxAcceptedTransactions ?? 100_000;
    if (!Number.isInteger(maxAccepted) || maxAccepted < 0) {
      throw new RangeError(`maxAcceptedTransactions must be a non-negative integer, got ${maxAccepted}`);
    }
    this.maxAccepted = maxAccepted;
    const v = options.validation ?? {};
    if (v !== false && (typeof v !== 'object' || v === null)) throw new TypeError('validation must be an object or false');
    this.validation = v === false ? null : v;
  }

  /** Transactions not terminated yet, completed and accepted ones included. Returns to zero once every transaction has terminated. */
  get size(): number {
    return this.entries.size + this.completed.size + this.accepted.size;
  }

  /** Live transactions: what `maxTransactions` counts. */
  get liveCount(): number {
    return this.entries.size;
  }

  /** Completed non-INVITE server transactions waiting for Timer J: what `maxCompletedTransactions` counts. */
  get completedCount(): number {
    return this.completed.size;
  }

  /** INVITE server transactions in the Accepted state kept as records: what `maxAcceptedTransactions` counts. */
  get acceptedCount(): number {
    return this.accepted.size;
  }

  /** When the driver must call {@link tick} next, or null when nothing is pending. */
  get nextDeadline(): number | null {
    // Stale heap heads (superseded or terminated deadlines) are dropped here, so
    // the answer is exact and the queue empties when the last transaction ends.
    let next: number | null = null;
    for (let when = this.queue.peek(); when !== null; when = this.queue.peek()) {
      const entry = this.entries.get(this.queue.peekKey()!);
      if (entry && entry.deadline === when) {
        next = when;
        break;
      }
      this.queue.removeHead();
    }
    for (const records of [this.completed, this.accepted]) {
      const oldest = records.values().next();
      if (!oldest.done && (next === null || oldest.value.expires < next)) next = oldest.value.expires;
    }
    return next;
  }

  /** The timer values in force for a transport kind. */
  timersFor(reliable: boolean): TimerValues {
    return reliable ? this.reliableTimers : this.unreliableTimers;
  }

  /**
   * Starts a client transaction for `request` (which must carry a unique
   * branch, §8.1.1.7) towards `flow`. ACK is not a transaction (§17.1.1.3):
   * it is simply sent. Returns the transaction id (null for ACK) and the outputs.
   */
  sendRequest(request: SipRequest, flow: Flow, now: number): { transactionId: string | null; outputs: TransactionOutput[] } {
    if (request.method === 'ACK') {
      return { transactionId: null, outputs: [{ type: 'send', message: request, flow, transactionId: null }] };
    }
    if (this.entries.size >= this.maxTransactions) {
      throw new TransactionLimitError(`transaction limit reached (${this.maxTransactions})`);
    }
    const id = `c\u0000${clientKeyOfRequest(request)}`;
    if (this.entries.has(id)) throw new TypeError(`a client transaction with branch ${request.via[0]?.branch ?? ''} already exists`);
    const reliable = isReliable(flow.protocol);
    const timers = this.timersFor(reliable);
    const machine =
      request.method === 'INVITE'
        ? new ClientInviteTransaction(request, timers, reliable)
        : new ClientNonInviteTransaction(request, timers, reliable);
    const entry: Entry = { id, machine, flow, to: flow, source: null, deadline: null };
    this.entries.set(id, entry);
    const outputs: TransactionOutput[] = [];
    this.apply(entry, machine.start(now), outputs);
    return { transactionId: id, outputs };
  }

  /** Feeds a message received from the transport (already parsed, with `received`/`rport` applied). */
  receive(message: SipRequest | SipResponse, flow: Flow, now: number): TransactionOutput[] {
    const outputs: TransactionOutput[] = [];
    if (message.isRequest) this.receiveRequest(message, flow, now, outputs);
    else this.receiveResponse(message, now, outputs);
    return outputs;
  }

  /** The TU responds within a server transaction. */
  respond(transactionId: string, response: SipResponse, now: number): TransactionOutput[] {
    if (this.completed.has(transactionId)) {
      throw new TransactionStateError(`cannot send ${response.status}: a final response was already sent (state completed)`);
    }
    const accepted = this.accepted.get(transactionId);
    if (accepted !== undefined) {
      // RFC 6026 §7.1: in Accepted the TU retransmits its 2xx through the transaction; nothing else may follow a 2xx.
      if (response.status < 200 || response.status >= 300) {
        throw new TransactionStateError(`cannot send ${response.status} after a 2xx (state accepted)`);
      }
      return [{ type: 'send', message: response, flow: accepted.flow, transactionId, to: accepted.to }];
    }
    const entry = this.entries.get(transactionId);
    if (!entry) throw new TypeError(`no live transaction ${JSON.stringify(transactionId)}`);
    const m = entry.machine;
    if (!(m instanceof ServerInviteTransaction || m instanceof ServerNonInviteTransaction)) {
      throw new TypeError('respond() needs a server transaction');
    }
    const outputs: TransactionOutput[] = [];
    this.apply(entry, m.step({ type: 'respond', response }, now), outputs);
    return outputs;
  }

  /** The transport failed to deliver a message of this transaction (§17.1.4, §17.2.4). */
  transportError(transactionId: string, now: number): TransactionOutput[] {
    const entry = this.entries.get(transactionId);
    const outputs: TransactionOutput[] = [];
    if (this.completed.delete(transactionId) || this.accepted.delete(transactionId)) {
      // §17.2.4, RFC 6026 §7.1: a transport failure ends the transaction.
      outputs.push({ type: 'transport-error', transactionId }, { type: 'terminated', transactionId });
      return outputs;
    }
    if (entry) this.apply(entry, entry.machine.step({ type: 'transport-error' }, now), outputs);
    return outputs;
  }

  /** Fires every timer due at `now`. */
  tick(now: number): TransactionOutput[] {
    const outputs: TransactionOutput[] = [];
    // §17.2.2: Timer J ends Completed; RFC 6026 §7.1: Timer L ends Accepted.
    for (const records of [this.completed, this.accepted]) {
      for (const [id, record] of records) {
        if (record.expires > now) break;
        records.delete(id);
        outputs.push({ type: 'terminated', transactionId: id });
      }
    }
    for (let due = this.queue.popDue(now); due !== null; due = this.queue.popDue(now)) {
      const entry = this.entries.get(due.key);
      if (!entry || entry.deadline !== due.when) continue;
      entry.deadline = null;
      this.apply(entry, entry.machine.step({ type: 'timer' }, now), outputs);
    }
    return outputs;
  }

  /** Looks up a live transaction's state, for diagnostics and tests. */
  stateOf(transactionId: string): string | undefined {
    const live = this.entries.get(transactionId)?.machine.state;
    if (live !== undefined) return live;
    if (this.completed.has(transactionId)) return 'completed';
    return this.accepted.has(transactionId) ? 'accepted' : undefined;
  }

  /**
   * The request a live transaction was created for: for a server transaction,
   * the one its responses answer and are routed by (RFC 3261 §18.2.2).
   * Undefined once a server transaction has let it go: a completed non-INVITE
   * one, and an INVITE one after its final response (its responses carry
   * their route in `to`).
   */
  requestOf(transactionId: string): SipRequest | undefined {
    return this.entries.get(transactionId)?.machine.request ?? undefined;
  }

  private receiveResponse(response: SipResponse, now: number, outputs: TransactionOutput[]): void {
    const key = clientKeyOfResponse(response);
    const entry = key === null ? undefined : this.entries.get(`c\u0000${key}`);
    if (!entry) {
      this.stats.strayResponses++;
      return;
    }
    const m = entry.machine as ClientInviteTransaction | ClientNonInviteTransaction;
    this.apply(entry, m.step({ type: 'response', response }, now), outputs);
  }

  private receiveRequest(request: SipRequest, flow: Flow, now: number, outputs: TransactionOutput[]): void {
    const key = serverKey(request);
    if (key === null) return; // no Via or CSeq: nothing can be matched or answered
    const id = `s\u0000${key}`;
    const record = this.completed.get(id);
    if (record !== undefined) {
      // §17.2.2: a retransmission in Completed is answered with the final response.
      if (request.method !== 'ACK') this.stats.absorbedRetransmissions++;
      outputs.push({ type: 'send-encoded', bytes: record.bytes, flow: record.flow, to: record.to, transactionId: id });
      return;
    }
    const accepted = this.accepted.get(id);
    if (accepted !== undefined) {
      // RFC 6026 §7.1: a retransmitted INVITE is absorbed; an ACK matching the transaction goes to the TU.
      if (request.method === 'ACK') outputs.push({ type: 'ack', transactionId: id, request, flow: accepted.flow });
      else this.stats.absorbedRetransmissions++;
      return;
    }
    const existing = this.entries.get(id);
    if (existing) {
      const m = existing.machine as ServerInviteTransaction | ServerNonInviteTransaction;
      if (request.method !== 'ACK') this.stats.absorbedRetransmissions++;
      this.apply(existing, m.step({ type: 'request', request }, now), outputs);
      return;
    }
    if (this.validation !== null) {
      // §8.2 before anything acts on the request; retransmissions above already passed it.
      const verdict = validateMessage(request, this.validation);
      if (!verdict.ok) {
        this.stats.invalidRequests++;
        if (!verdict.drop) {
          const extra: Array<[string, string]> = verdict.unsupported === undefined ? [] : [['Unsupported', verdict.unsupported.join(', ')]];
          outputs.push({ type: 'send', message: errorResponse(request, verdict.status, extra), flow, transactionId: null });
        }
        return;
      }
    }
    if (request.method === 'ACK') {
      // §17.2.3: an ACK matching no transaction acknowledges a 2xx; the TU's business.
      outputs.push({ type: 'ack', transactionId: null, request, flow });
      return;
    }
    const source = flow.address;
    const fromSource = this.perSource.get(source) ?? 0;
    const free = this.maxTransactions - this.entries.size;
    if (free <= 0 || fromSource >= free) {
      // §21.5.4: overloaded (for everyone, or for this source's share); answered statelessly.
      this.stats.refusedOverLimit++;
      if (free > 0) this.stats.refusedPerSource++;
      const busy = createResponse(request, 503);
      busy.headers.set('Retry-After', '5');
      outputs.push({ type: 'send', message: busy, flow, transactionId: null });
      return;
    }
    const reliable = isReliable(flow.protocol);
    const timers = this.timersFor(reliable);
    const machine =
      request.method === 'INVITE'
        ? new ServerInviteTransaction(request, timers, reliable)
        : new ServerNonInviteTransaction(request, timers, reliable);
    const entry: Entry = { id, machine, flow, to: routeOf(request, flow), source, deadline: null };
    this.entries.set(id, entry);
    this.perSource.set(source, fromSource + 1);
    let cancels: string | null = null;
    if (request.method === 'CANCEL') {
      // §9.2: the CANCEL matches the INVITE server transaction with the same key but method INVITE.
      const inviteKey = serverKey(request, 'INVITE');
      const inviteId = inviteKey === null ? null : `s\u0000${inviteKey}`;
      if (inviteId !== null && (this.entries.has(inviteId) || this.accepted.has(inviteId))) cancels = inviteId;
    }
    this.apply(entry, machine.start(now), outputs, cancels);
  }

  /** Translates a machine step into outputs and keeps the deadline queue current. */
  private apply(entry: Entry, step: Step, outputs: TransactionOutput[], cancels: string | null = null): void {
    const id = entry.id;
    const m = entry.machine;
    if (m instanceof ServerNonInviteTransaction && m.state === 'completed' && !m.reliable && this.maxCompleted > 0) {
      // The step only sends the final response: entering Completed reports no event.
      this.complete(entry, m, outputs);
      return;
    }
    if (m instanceof ServerInviteTransaction && m.state === 'accepted' && this.maxAccepted > 0) {
      // Likewise entering Accepted: the step only sends the 2xx.
      this.accept(entry, step, outputs);
      return;
    }
    const isServer = entry.source !== null;
    for (const message of step.send) {
      if (message instanceof Uint8Array) outputs.push({ type: 'send-encoded', bytes: message, flow: entry.flow, to: entry.to, transactionId: id });
      else if (isServer) outputs.push({ type: 'send', message, flow: entry.flow, transactionId: id, to: entry.to });
      else outputs.push({ type: 'send', message, flow: entry.flow, transactionId: id });
    }
    let terminated = false;
    for (const ev of step.events) {
      switch (ev.type) {
        case 'request':
          outputs.push({ type: 'request', transactionId: id, request: ev.request, flow: entry.flow, cancels });
          break;
        case 'response':
          outputs.push({ type: 'response', transactionId: id, response: ev.response });
          break;
        case 'ack':
          outputs.push({ type: 'ack', transactionId: id, request: ev.request, flow: entry.flow });
          break;
        case 'timeout':
          outputs.push({ type: 'timeout', transactionId: id, timer: ev.timer });
          break;
        case 'transport-error':
          outputs.push({ type: 'transport-error', transactionId: id });
          break;
        case 'terminated':
          terminated = true;
          outputs.push({ type: 'terminated', transactionId: id });
          break;
        default:
          assertNever(ev);
      }
    }
    if (terminated) {
      this.forget(entry);
      return;
    }
    const next = entry.machine.deadline;
    if (next !== entry.deadline) {
      entry.deadline = next;
      if (next !== null) this.queue.push(next, id);
    }
  }

  /**
   * A non-INVITE server transaction over UDP just entered Completed
   * (§17.2.2): its final response goes out encoded, and the transaction
   * becomes a {@link CompletedRecord} — the parsed request and response are
   * let go, and it leaves the `maxTransactions` budget for its own.
   */
  private complete(entry: Entry, m: ServerNonInviteTransaction, outputs: TransactionOutput[]): void {
    const record: CompletedRecord = { bytes: serializeMessage(m.response!), flow: entry.flow, to: entry.to, expires: m.deadline! };
    this.forget(entry);
    if (this.completed.size >= this.maxCompleted) {
      this.stats.completedEvicted++;
      evictOldest(this.completed, outputs);
    }
    this.completed.set(entry.id, record);
    outputs.push({ type: 'send-encoded', bytes: record.bytes, flow: entry.flow, to: entry.to, transactionId: entry.id });
  }

  /**
   * An INVITE server transaction just sent a 2xx and entered Accepted (RFC
   * 6026 §7.1): the 2xx goes out, and the transaction becomes an
   * {@link AcceptedRecord} with its own budget (`maxAcceptedTransactions`).
   */
  private accept(entry: Entry, step: Step, outputs: TransactionOutput[]): void {
    const record: AcceptedRecord = { flow: entry.flow, to: entry.to, expires: entry.machine.deadline! };
    this.forget(entry);
    if (this.accepted.size >= this.maxAccepted) {
      this.stats.acceptedEvicted++;
      evictOldest(this.accepted, outputs);
    }
    this.accepted.set(entry.id, record);
    for (const message of step.send) {
      if (!(message instanceof Uint8Array)) outputs.push({ type: 'send', message, flow: entry.flow, transactionId: entry.id, to: entry.to });
    }
  }

  /** Drops a live entry and its source's share. */
  private forget(entry: Entry): void {
    this.entries.delete(entry.id);
    if (entry.source === null) return;
    const n = (this.perSource.get(entry.source) ?? 1) - 1;
    if (n > 0) this.perSource.set(entry.source, n);
    else this.perSource.delete(entry.source);
  }
}

/** Where a server transaction's responses go (§18.2.2); the source flow when the top Via does not parse (inbound requests were checked before). */
function routeOf(request: SipRequest, flow: Flow): Flow {
  try {
    return responseFlow(request, flow);
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    return flow;
  }
}

/** Forgets the oldest record of an insertion-ordered table (its transaction terminates early). */
function evictOldest(records: Map<string, unknown>, outputs: TransactionOutput[]): void {
  const [oldest] = records.keys();
  if (oldest === undefined) return;
  records.delete(oldest);
  outputs.push({ type: 'terminated', transactionId: oldest });
}

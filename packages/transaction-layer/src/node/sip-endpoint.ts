import { EventEmitter } from 'node:events';
import type { SipRequest, SipResponse } from '@trunkline/sip-parser';
import type { Flow } from '../flow.js';
import { buildCancel } from '../transaction/derived-requests.js';
import {
  TransactionManager,
  type TransactionManagerOptions,
  type TransactionOutput,
} from '../transaction/transaction-manager.js';
import { responseFlow } from '../transport/response-flow.js';
import type { SipTransport } from '../transport/sip-transport.js';

/** Why a client transaction ended without a final response. */
export type ClientTransactionErrorCode = 'TIMEOUT' | 'TRANSPORT_ERROR' | 'ENDPOINT_CLOSED';

/** Rejects {@link SipEndpoint.request} when no final response arrives. */
export class ClientTransactionError extends Error {
  override readonly name = 'ClientTransactionError';
  constructor(
    readonly code: ClientTransactionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A request received in a new server transaction; answer it with {@link respond}. */
export interface IncomingRequest {
  readonly request: SipRequest;
  readonly flow: Flow;
  readonly transactionId: string;
  /** For a CANCEL: the id of the INVITE server transaction it targets (§9.2), if any is live. */
  readonly cancels: string | null;
  /** Sends a response through the server transaction (retransmissions are the transaction's job). */
  respond(response: SipResponse): void;
}

/** Events of {@link SipEndpoint}. */
export interface SipEndpointEvents {
  /** A new server transaction. */
  request: [IncomingRequest];
  /** An ACK for a 2xx (RFC 6026 §7.1 / RFC 3261 §17.2.3): the UA core's business. */
  ack: [{ request: SipRequest; flow: Flow }];
  /** A 2xx to an INVITE after the first one (retransmission or a fork, RFC 6026 §7.2): the UA core ACKs it. */
  response: [{ response: SipResponse; transactionId: string }];
  /** A server transaction ended without an ACK (Timer H) or with a transport error. */
  'server-failure': [{ transactionId: string; reason: 'timeout' | 'transport-error' }];
}

/** Options for {@link SipEndpoint.request}. */
export interface RequestOptions {
  /** Called with every provisional (1xx) response. Default: none. */
  readonly onProvisional?: (response: SipResponse) => void;
  /**
   * Abandons the request. For an INVITE this means CANCEL (RFC 3261 §9.1): sent
   * at once when a provisional has arrived, otherwise as soon as one does; the
   * promise then settles with the INVITE's final response (usually 487).
   * Other requests: the promise rejects with the signal's reason and the
   * transaction finishes quietly.
   */
  readonly signal?: AbortSignal;
}

/** Options for {@link SipEndpoint}. */
export interface SipEndpointOptions extends TransactionManagerOptions {
  /** Monotonic clock in ms. Default `performance.now`. */
  readonly now?: () => number;
}

interface Pending {
  readonly request: SipRequest;
  readonly flow: Flow;
  readonly options: RequestOptions;
  /**
   * The promise's settle functions until it settles, then null: the entry
   * lives on until the transaction terminates (Timer K, up to T4 later) and
   * must not keep the response alive through the settled promise.
   */
  settle: { readonly resolve: (r: SipResponse) => void; readonly reject: (e: unknown) => void } | null;
  provisional: boolean;
  cancelWanted: boolean;
}

const NO_OPTIONS: RequestOptions = Object.freeze({});

/**
 * The transaction layer on real sockets and real timers: a {@link TransactionManager}
 * fed by a {@link SipTransport}, one timer armed at the manager's next
 * deadline. Client transactions are promises; server transactions arrive as
 * `request` events. Responses leave by the RFC 3261 §18.2.2 / RFC 3581 rules.
 */
export class SipEndpoint extends EventEmitter<SipEndpointEvents> {
  readonly manager: TransactionManager;
  private readonly now: () => number;
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private closedValue = false;
  private readonly onMessage = ({ message, flow }: { message: SipRequest | SipResponse; flow: Flow }): void => {
    this.run(this.manager.receive(message, flow, this.now()));
  };

  constructor(
    readonly transport: SipTransport,
    options: SipEndpointOptions = {},
  ) {
    super();
    this.manager = new TransactionManager(options);
    this.now = options.now ?? (() => performance.now());
    transport.on('message', this.onMessage);
  }

  get closed(): boolean {
    return this.closedValue;
  }

  /**
   * Sends `request` (with a fresh branch in its top Via) in a client transaction
   * towards `flow` and resolves with its final response (for an INVITE, the
   * first final; later 2xx come as `response` events). Rejects with
   * {@link ClientTransactionError} on Timer B/F or a transport error. ACK is not
   * a transaction: use {@link sendAck}.
   */
  request(request: SipRequest, flow: Flow, options: RequestOptions = NO_OPTIONS): Promise<SipResponse> {
    if (this.closedValue) return Promise.reject(new ClientTransactionError('ENDPOINT_CLOSED', 'endpoint is closed'));
    if (request.method === 'ACK') throw new TypeError('ACK is not a transaction: use sendAck()');
    options.signal?.throwIfAborted();
    return new Promise<SipResponse>((resolve, reject) => {
      const { transactionId, outputs } = this.manager.sendRequest(request, flow, this.now());
      const id = transactionId!;
      const p: Pending = { request, flow, options, settle: { resolve, reject }, provisional: false, cancelWanted: false };
      this.pending.set(id, p);
      options.signal?.addEventListener('abort', () => this.abort(id), { once: true });
      this.run(outputs);
    });
  }

  /** Sends an ACK for a 2xx (§13.2.2.4): no transaction, straight to the transport. */
  sendAck(ack: SipRequest, flow: Flow): Promise<Flow> {
    return this.transport.send(ack, flow);
  }

  /** Stops listening and rejects pending requests; the transport is the caller's to close. Idempotent. */
  close(): void {
    if (this.closedValue) return;
    this.closedValue = true;
    this.transport.off('message', this.onMessage);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // Most entries have settled and only wait for Timer K/D: make errors for the rest only.
    for (const p of this.pending.values()) if (p.settle !== null) this.fail(p, new ClientTransactionError('ENDPOINT_CLOSED', 'endpoint closed'));
    this.pending.clear();
  }

  private abort(id: string): void {
    const p = this.pending.get(id);
    if (!p || p.settle === null) return;
    if (p.request.method !== 'INVITE') {
      this.fail(p, p.options.signal?.reason);
      return;
    }
    p.cancelWanted = true;
    if (p.provisional) this.sendCancel(p);
  }

  private sendCancel(p: Pending): void {
    p.cancelWanted = false;
    // The CANCEL's own outcome does not matter: the INVITE's final response settles the promise.
    const { outputs } = this.manager.sendRequest(buildCancel(p.request), p.flow, this.now());
    this.run(outputs);
  }

  private fail(p: Pending, reason: unknown): void {
    const settle = p.settle;
    if (settle === null) return;
    p.settle = null;
    settle.reject(reason);
  }

  /** Carries out manager outputs, then re-arms the single timer. */
  private run(outputs: readonly TransactionOutput[]): void {
    for (const out of outputs) this.perform(out);
    this.arm();
  }

  private perform(out: TransactionOutput): void {
    switch (out.type) {
      case 'send': {
        // A response is routed by the request it answers (§18.2.2), whose top Via is decoded already.
        const to = out.message.isRequest ? out.flow : responseFlow(this.answered(out.message, out.transactionId), out.flow);
        const id = out.transactionId;
        this.transport.post(out.message, to, () => {
          if (id !== null) this.run(this.manager.transportError(id, this.now()));
        });
        return;
      }
      case 'request': {
        const id = out.transactionId;
        this.emit('request', {
          request: out.request,
          flow: out.flow,
          transactionId: id,
          cancels: out.cancels,
          respond: (response) => this.run(this.manager.respond(id, response, this.now())),
        });
        return;
      }
      case 'response': {
        const p = this.pending.get(out.transactionId);
        const r = out.response;
        if (r.status < 200) {
          if (p) {
            p.provisional = true;
            p.options.onProvisional?.(r);
            if (p.cancelWanted) this.sendCancel(p);
          }
        } else if (p && p.settle !== null) {
          const settle = p.settle;
          p.settle = null;
          settle.resolve(r);
        } else {
          this.emit('response', { response: r, transactionId: out.transactionId });
        }
        return;
      }
      case 'ack':
        this.emit('ack', { request: out.request, flow: out.flow });
        return;
      case 'timeout':
      case 'transport-error': {
        const p = this.pending.get(out.transactionId);
        if (p) {
          const code = out.type === 'timeout' ? 'TIMEOUT' : 'TRANSPORT_ERROR';
          this.fail(p, new ClientTransactionError(code, `${p.request.method} ${out.type === 'timeout' ? `timed out (Timer ${out.timer})` : 'could not be sent'}`));
        } else {
          this.emit('server-failure', { transactionId: out.transactionId, reason: out.type === 'timeout' ? 'timeout' : 'transport-error' });
        }
        return;
      }
      case 'terminated':
        this.pending.delete(out.transactionId);
        return;
    }
  }

  /** The request a response answers: its server transaction's, or the response itself (it carries the request's Via, §8.2.6.2) when stateless. */
  private answered(response: SipResponse, transactionId: string | null): SipRequest | SipResponse {
    return (transactionId === null ? undefined : this.manager.requestOf(transactionId)) ?? response;
  }

  private arm(): void {
    if (this.closedValue) return;
    const next = this.manager.nextDeadline;
    if (next === null) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.timerAt = Infinity;
      return;
    }
    if (this.timer && next >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.run(this.manager.tick(this.now()));
    }, Math.max(0, next - this.now()));
  }
}

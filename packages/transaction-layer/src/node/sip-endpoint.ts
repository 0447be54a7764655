import { randomBytes } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import { TrunklineError, assertNever } from '@trunkline/errors';
import type { SipRequest, SipResponse } from '@trunkline/sip-parser';
import type { Flow } from '../flow.js';
import { buildCancel } from '../transaction/derived-requests.js';
import { MAGIC_COOKIE } from '../transaction/matching.js';
import {
  TransactionManager,
  type TransactionManagerOptions,
  type TransactionOutput,
} from '../transaction/transaction-manager.js';
import { TransactionStateError } from '../transaction/common.js';
import { defaultPort } from '../transport/address.js';
import { responseFlow } from '../transport/response-flow.js';
import type { SendOptions, SipTransport } from '../transport/sip-transport.js';
import { TransportError } from '../transport/transport-error.js';

/** Why a client transaction ended without a final response. */
export type ClientTransactionErrorCode =
  /** Timer B or F fired (RFC 3261 §17.1.1.2, §17.1.2.2). */
  | 'TRANSACTION_TIMEOUT'
  /** The transport could not deliver the request (§17.1.4). */
  | 'TRANSACTION_TRANSPORT_ERROR'
  /** The endpoint was closed before a final response arrived. */
  | 'ENDPOINT_CLOSED';

/** Rejects {@link SipEndpoint.request} when no final response arrives. */
export class ClientTransactionError extends TrunklineError<ClientTransactionErrorCode> {}

/** What {@link SipEndpointError} reports. */
export type SipEndpointErrorCode =
  /** An application callback (an event listener, `onProvisional`) threw; the transaction went on. */
  | 'ENDPOINT_CALLBACK_THREW'
  /** `respond()` was called for a server transaction that has already ended (peer gone, Timer H/J, transport error). */
  | 'ENDPOINT_TRANSACTION_ENDED'
  /** `respond()` was refused by the transaction's state (a final response after a final response, RFC 3261 §17.2). */
  | 'ENDPOINT_RESPONSE_REFUSED';

/**
 * A failure the endpoint contained instead of throwing it into the
 * application: reported through the `error` event when someone listens,
 * and always published on {@link ENDPOINT_ERROR_CHANNEL}.
 */
export class SipEndpointError extends TrunklineError<SipEndpointErrorCode> {}

/** `node:diagnostics_channel` name on which every {@link SipEndpointError} is published. */
export const ENDPOINT_ERROR_CHANNEL = 'trunkline:transaction-layer:endpoint-error';
const errorChannel = channel(ENDPOINT_ERROR_CHANNEL);

/** A request received in a new server transaction; answer it with {@link respond}. */
export interface IncomingRequest {
  readonly request: SipRequest;
  readonly flow: Flow;
  readonly transactionId: string;
  /** For a CANCEL: the id of the INVITE server transaction it targets (§9.2), if any is live. */
  readonly cancels: string | null;
  /**
   * Sends a response through the server transaction (retransmissions are the
   * transaction's job). Returns false, never throws, when the transaction has
   * ended or its state refuses the response; that is also reported as a
   * {@link SipEndpointError} (`error` event).
   */
  respond(response: SipResponse): boolean;
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
  /**
   * A contained failure: a throwing callback, a response to an ended
   * transaction. Emitted only when someone listens (never an uncaught
   * `error`); always published on {@link ENDPOINT_ERROR_CHANNEL}.
   */
  error: [SipEndpointError];
}

/** Options for {@link SipEndpoint.request}. */
export interface RequestOptions {
  /** Called with every provisional (1xx) response. Default: none. A throw is contained and reported (`error` event). */
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
  /** Removes the abort listener; called when the promise settles. */
  detach: (() => void) | null;
  provisional: boolean;
  cancelWanted: boolean;
  /** The transport's error when a send failed (a refused connection, a TLS certificate error): the rejection's `cause`. */
  sendError?: unknown;
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
   * Sends `request` in a client transaction towards `flow` and resolves with
   * its final response (for an INVITE, the first final; later 2xx come as
   * `response` events). A request without a Via gets one (RFC 3261 §8.1.1.7,
   * §18.1.1): the sent-by of the transport used, a fresh `z9hG4bK` branch and
   * `rport` (RFC 3581 §3); a request with a Via must carry a unique branch.
   * Rejects with {@link ClientTransactionError} on Timer B/F or a transport
   * error. ACK is not a transaction: use {@link sendAck}.
   */
  request(request: SipRequest, flow: Flow, options: RequestOptions = NO_OPTIONS): Promise<SipResponse> {
    if (this.closedValue) return Promise.reject(new ClientTransactionError('ENDPOINT_CLOSED', 'endpoint is closed'));
    if (request.method === 'ACK') throw new TypeError('ACK is not a transaction: use sendAck()');
    options.signal?.throwIfAborted();
    return new Promise<SipResponse>((resolve, reject) => {
      if (!request.headers.has('Via')) request.headers.prepend('Via', this.newVia(flow));
      const { transactionId, outputs } = this.manager.sendRequest(request, flow, this.now());
      const id = transactionId!;
      const p: Pending = { request, flow, options, settle: { resolve, reject }, detach: null, provisional: false, cancelWanted: false };
      this.pending.set(id, p);
      const signal = options.signal;
      if (signal !== undefined) {
        const onAbort = (): void => this.abort(id);
        signal.addEventListener('abort', onAbort, { once: true });
        p.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.run(outputs);
    });
  }

  /**
   * A top Via for a request we originate (§8.1.1.7, §18.1.1, RFC 3581 §3).
   * Without a listener of the flow's protocol (an outbound-only TLS client),
   * the sent-by names a bound listener's host and the protocol's default
   * port: responses come back on the connection anyway (§18.2.2).
   */
  private newVia(flow: Flow): string {
    let sentBy: string;
    try {
      sentBy = this.transport.viaSentBy(flow.protocol as 'udp' | 'tcp' | 'tls');
    } catch (e) {
      const any = this.transport.addresses[0];
      if (!(e instanceof TransportError) || any === undefined) throw e;
      sentBy = this.transport.viaSentBy(any.protocol).replace(/:\d+$/, `:${defaultPort(flow.protocol)}`);
    }
    return `SIP/2.0/${flow.protocol.toUpperCase()} ${sentBy};branch=${MAGIC_COOKIE}${randomBytes(10).toString('hex')};rport`;
  }

  /**
   * Sends an ACK for a 2xx (§13.2.2.4): no transaction, straight to the
   * transport. `options.signal` stops waiting for a connection to open.
   */
  sendAck(ack: SipRequest, flow: Flow, options: SendOptions = {}): Promise<Flow> {
    return this.transport.send(ack, flow, options);
  }

  /**
   * Stops listening and rejects pending requests; the transport is the
   * caller's to close. Idempotent; resolves at once (nothing to wait for).
   */
  close(): Promise<void> {
    if (this.closedValue) return Promise.resolve();
    this.closedValue = true;
    this.transport.off('message', this.onMessage);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // Most entries have settled and only wait for Timer K/D: make errors for the rest only.
    for (const p of this.pending.values()) if (p.settle !== null) this.fail(p, new ClientTransactionError('ENDPOINT_CLOSED', 'endpoint closed'));
    this.pending.clear();
    return Promise.resolve();
  }

  /** `await using endpoint = new SipEndpoint(...)` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
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
    this.release(p);
    settle.reject(reason);
  }

  private resolve(p: Pending, response: SipResponse): void {
    const settle = p.settle;
    if (settle === null) return;
    this.release(p);
    settle.resolve(response);
  }

  /** The promise settles: forget its settle functions and its abort listener. */
  private release(p: Pending): void {
    p.settle = null;
    p.detach?.();
    p.detach = null;
  }

  /**
   * The TU answers a server transaction. An ended transaction or a state
   * that refuses the response is reported, never thrown: this is called from
   * application timers and callbacks (issue 9 defect 6).
   */
  private respond(id: string, response: SipResponse): boolean {
    if (this.manager.stateOf(id) === undefined) {
      this.report(new SipEndpointError('ENDPOINT_TRANSACTION_ENDED', `cannot send ${response.status}: transaction ${JSON.stringify(id)} has ended`));
      return false;
    }
    let outputs: TransactionOutput[];
    try {
      outputs = this.manager.respond(id, response, this.now());
    } catch (e) {
      if (!(e instanceof TransactionStateError)) throw e;
      this.report(new SipEndpointError('ENDPOINT_RESPONSE_REFUSED', e.message, { cause: e }));
      return false;
    }
    this.run(outputs);
    return true;
  }

  /** Carries out manager outputs, then re-arms the single timer (whatever an output did). */
  private run(outputs: readonly TransactionOutput[]): void {
    try {
      for (const out of outputs) this.perform(out);
    } finally {
      this.arm();
    }
  }

  /** Calls application code: state is committed before, a throw is contained and reported (issue 8 fault 1). */
  private callback(what: string, f: () => void): void {
    try {
      f();
    } catch (e) {
      this.report(new SipEndpointError('ENDPOINT_CALLBACK_THREW', `${what} threw: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));
    }
  }

  /** Publishes a contained failure, and emits it when someone listens (an unheard `error` event would throw). */
  private report(error: SipEndpointError): void {
    if (errorChannel.hasSubscribers) errorChannel.publish(error);
    if (this.listenerCount('error') === 0) return;
    try {
      this.emit('error', error);
    } catch {
      // An `error` listener that throws has nowhere left to report to.
    }
  }

  private perform(out: TransactionOutput): void {
    switch (out.type) {
      case 'send': {
        // A response is routed by the request it answers (§18.2.2), whose top Via is decoded already.
        const to = out.to ?? (out.message.isRequest ? out.flow : responseFlow(this.answered(out.message, out.transactionId), out.flow));
        const id = out.transactionId;
        this.transport.post(out.message, to, (error) => {
          if (id === null) return;
          const p = this.pending.get(id);
          if (p !== undefined) p.sendError = error;
          this.run(this.manager.transportError(id, this.now()));
        });
        return;
      }
      case 'send-encoded': {
        const id = out.transactionId;
        this.transport.postEncoded(out.bytes, out.to, () => this.run(this.manager.transportError(id, this.now())));
        return;
      }
      case 'request': {
        const id = out.transactionId;
        const incoming: IncomingRequest = {
          request: out.request,
          flow: out.flow,
          transactionId: id,
          cancels: out.cancels,
          respond: (response) => this.respond(id, response),
        };
        this.callback('a request listener', () => this.emit('request', incoming));
        return;
      }
      case 'response': {
        const p = this.pending.get(out.transactionId);
        const r = out.response;
        if (r.status < 200) {
          if (p) {
            p.provisional = true;
            const onProvisional = p.options.onProvisional;
            if (onProvisional !== undefined) this.callback('onProvisional', () => onProvisional(r));
            if (p.cancelWanted) this.sendCancel(p);
          }
        } else if (p && p.settle !== null) {
          this.resolve(p, r);
        } else {
          this.callback('a response listener', () => this.emit('response', { response: r, transactionId: out.transactionId }));
        }
        return;
      }
      case 'ack': {
        const ack = { request: out.request, flow: out.flow };
        this.callback('an ack listener', () => this.emit('ack', ack));
        return;
      }
      case 'timeout':
      case 'transport-error': {
        const p = this.pending.get(out.transactionId);
        if (p) {
          const code = out.type === 'timeout' ? 'TRANSACTION_TIMEOUT' : 'TRANSACTION_TRANSPORT_ERROR';
          const why = out.type === 'timeout' ? `timed out (Timer ${out.timer})` : `could not be sent${p.sendError instanceof Error ? `: ${p.sendError.message}` : ''}`;
          this.fail(p, new ClientTransactionError(code, `${p.request.method} ${why}`, p.sendError === undefined ? {} : { cause: p.sendError }));
        } else {
          const failure = { transactionId: out.transactionId, reason: out.type === 'timeout' ? ('timeout' as const) : ('transport-error' as const) };
          this.callback('a server-failure listener', () => this.emit('server-failure', failure));
        }
        return;
      }
      case 'terminated':
        this.pending.delete(out.transactionId);
        return;
      default:
        assertNever(out, 'transaction output');
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

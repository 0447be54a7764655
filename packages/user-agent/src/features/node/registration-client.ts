/**
 * The Node driver of one {@link Registration}: REGISTERs go out through a
 * `SipEndpoint` (which adds the Via and runs the client transactions), the
 * machine's deadlines live in a {@link FeatureScheduler} shared with the
 * other registrations and keep-alives of the user agent.
 */
import { EventEmitter } from 'node:events';
import type { NameAddr, SipResponse } from '@trunkline/sip-parser';
import type { DnsResolver, Flow, SipEndpoint, TransportCloseEvent } from '@trunkline/transaction-layer';
import { assertNever } from '@trunkline/errors';
import { Registration, type RegistrationError, type RegistrationOptions, type RegistrationOutput, type RegistrationState } from '../registration.js';
import { FeatureScheduler } from './feature-scheduler.js';
import { locateFlow, safeEmit, sameStreamFlow } from './feature-target.js';

/** Options of {@link RegistrationClient}: the binding's, plus where and how to send. */
export interface RegistrationClientOptions extends RegistrationOptions {
  /** The endpoint that sends the REGISTERs. Required. */
  readonly endpoint: SipEndpoint;
  /** The scheduler shared with the user agent's other timed features. Default: one of its own (closed with this client). */
  readonly scheduler?: FeatureScheduler;
  /** Where to send. Default: the registrar URI located by RFC 3263 (a numeric host as it is). */
  readonly flow?: Flow;
  /** DNS client for RFC 3263. Default: Node's. */
  readonly resolver?: DnsResolver;
}

/** Events of {@link RegistrationClient}. */
export interface RegistrationClientEvents {
  /** Bound for `expires` seconds (after the first registration and after every refresh). */
  registered: [{ readonly expires: number; readonly bindings: readonly NameAddr[] }];
  /** The binding is gone: `closed` by close(), or `expired` while refreshes failed. */
  unregistered: [{ readonly reason: 'closed' | 'expired' }];
  /** An attempt failed; the next starts at `retryAt` (scheduler clock, ms), null when none will. */
  failed: [{ readonly error: RegistrationError; readonly retryAt: number | null }];
  /** Every final response from the registrar (a trunk keep-alive can count it as liveness). */
  response: [SipResponse];
}

/**
 * REGISTER client on a `SipEndpoint` — RFC 3261 §10.2, digest (§22.2), 423
 * (§10.2.8), refresh before expiry, RFC 5626 §4.5 backoff, and re-registration
 * at once when the TCP/TLS flow it registered over fails (RFC 5626 §4.4.1).
 * Several clients may run at once, each with its own Call-ID and CSeq.
 *
 * @example
 * const reg = new RegistrationClient({ endpoint, scheduler, registrar: 'sip:pbx.example.com',
 *   aor: 'sip:alice@pbx.example.com', contact: 'sip:alice@203.0.113.10:5060',
 *   credentials: { username: 'alice', password } });
 * reg.on('registered', ({ expires }) => log(expires));
 * reg.start();
 * await reg.close(); // Expires: 0
 */
export class RegistrationClient extends EventEmitter<RegistrationClientEvents> {
  /** The machine (read its state; do not feed it directly). */
  readonly registration: Registration;
  readonly #endpoint: SipEndpoint;
  readonly #scheduler: FeatureScheduler;
  readonly #ownScheduler: boolean;
  readonly #resolver: DnsResolver | undefined;
  #flow: Flow | null;
  #flowLookup: Promise<Flow> | null = null;
  /** CSeq of the latest REGISTER sent. */
  #sentCseq: number | undefined = undefined;
  #closed: Promise<void> | null = null;
  #resolveClosed: (() => void) | null = null;
  readonly #onTransportClose = (e: TransportCloseEvent): void => {
    // RFC 5626 §4.4.1: a flow that failed (no CRLF pong, reset) → register again over a new one.
    if (e.error !== null && sameStreamFlow(e.flow, this.#flow)) this.#apply(this.registration.refreshNow(this.#scheduler.now()));
  };

  /** @throws TypeError for invalid options. */
  constructor(options: RegistrationClientOptions) {
    super();
    if (options?.endpoint === undefined || typeof options.endpoint.request !== 'function') throw new TypeError('options.endpoint must be a SipEndpoint');
    this.registration = new Registration(options);
    this.#endpoint = options.endpoint;
    this.#ownScheduler = options.scheduler === undefined;
    this.#scheduler = options.scheduler ?? new FeatureScheduler();
    this.#flow = options.flow ?? null;
    this.#resolver = options.resolver;
  }

  /** The machine's state. */
  get state(): RegistrationState {
    return this.registration.state;
  }

  /** Sends the first REGISTER. Idempotent. */
  start(): void {
    if (this.#closed !== null) return;
    this.#endpoint.transport.on('close', this.#onTransportClose);
    this.#apply(this.registration.start(this.#scheduler.now()));
  }

  /**
   * Removes the binding (Expires: 0) and resolves when the machine is closed:
   * the removal answered or failed (at worst after Timer F), at once when
   * nothing was bound. Idempotent.
   */
  close(): Promise<void> {
    if (this.#closed === null) {
      this.#closed = new Promise<void>((resolve) => (this.#resolveClosed = resolve));
      this.#apply(this.registration.close(this.#scheduler.now()));
    }
    return this.#closed;
  }

  /** `await using reg = new RegistrationClient(...)` unregisters at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #apply(outputs: readonly RegistrationOutput[]): void {
    for (const o of outputs) {
      switch (o.type) {
        case 'send':
          this.#send(o.request);
          break;
        case 'registered':
          safeEmit(this, 'registered', { expires: o.expires, bindings: o.bindings });
          break;
        case 'unregistered':
          safeEmit(this, 'unregistered', { reason: o.reason });
          break;
        case 'failed':
          safeEmit(this, 'failed', { error: o.error, retryAt: o.retryAt });
          break;
        case 'closed':
          this.#finish();
          break;
        default:
          assertNever(o, 'registration output');
      }
    }
    this.#arm();
  }

  #arm(): void {
    const at = this.registration.nextDeadline;
    if (at === null || this.registration.state === 'closed') this.#scheduler.cancel(this);
    else this.#scheduler.schedule(this, at, () => this.#apply(this.registration.tick(this.#scheduler.now())));
  }

  #send(request: Parameters<SipEndpoint['request']>[0]): void {
    const cseq = request.cseq?.seq;
    this.#sentCseq = cseq;
    this.#target()
      .then((flow) => this.#endpoint.request(request, flow))
      .then(
        (response) => {
          safeEmit(this, 'response', response);
          // The machine matches the CSeq itself; a response to an older REGISTER is ignored there.
          this.#apply(this.registration.receiveResponse(response, this.#scheduler.now()));
        },
        (error: unknown) => {
          // Only the latest REGISTER is in flight: an older one's late failure must not touch it.
          if (cseq === this.#sentCseq) this.#apply(this.registration.requestFailed(this.#scheduler.now(), error));
        },
      );
  }

  #target(): Promise<Flow> {
    if (this.#flow !== null) return Promise.resolve(this.#flow);
    this.#flowLookup ??= locateFlow(this.registration.registrar, this.#resolver).then(
      (flow) => (this.#flow = flow),
      (error: unknown) => {
        this.#flowLookup = null; // try DNS again on the next attempt
        throw error;
      },
    );
    return this.#flowLookup;
  }

  #finish(): void {
    this.#scheduler.cancel(this);
    this.#endpoint.transport.off('close', this.#onTransportClose);
    if (this.#ownScheduler) this.#scheduler.close();
    this.#resolveClosed?.();
    this.#resolveClosed = null;
    this.#closed ??= Promise.resolve();
  }
}

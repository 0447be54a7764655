/**
 * The Node driver of one {@link TrunkKeepAlive}: OPTIONS to a trunk through a
 * `SipEndpoint`, deadlines in the shared {@link FeatureScheduler}, TCP/TLS
 * flow failures (the transport's RFC 5626 CRLF keep-alive closing a
 * connection) reported to the machine.
 */
import { EventEmitter } from 'node:events';
import { assertNever } from '@trunkline/errors';
import { createRequest } from '@trunkline/sip-parser';
import type { DnsResolver, Flow, SipEndpoint, TransportCloseEvent } from '@trunkline/transaction-layer';
import { hostPort, randomToken } from '../../sip-helpers.js';
import { TrunkKeepAlive, type TrunkKeepAliveOptions, type TrunkKeepAliveOutput, type TrunkProbeFailure, type TrunkState } from '../trunk-keepalive.js';
import { FeatureScheduler } from './feature-scheduler.js';
import { locateFlow, safeEmit, sameStreamFlow } from './feature-target.js';

/** Options of {@link TrunkKeepAliveClient}. */
export interface TrunkKeepAliveClientOptions extends TrunkKeepAliveOptions {
  /** The endpoint that sends the OPTIONS. Required. */
  readonly endpoint: SipEndpoint;
  /** The trunk's URI: the OPTIONS Request-URI and To (e.g. `sip:sbc.example.com;transport=tcp`). Required. */
  readonly target: string;
  /** Our URI for From. Default `sip:keepalive@<the endpoint's first bound address>`. */
  readonly from?: string;
  /** The scheduler shared with the user agent's other timed features. Default: one of its own. */
  readonly scheduler?: FeatureScheduler;
  /** Where to send. Default: `target` located by RFC 3263. */
  readonly flow?: Flow;
  /** DNS client for RFC 3263. Default: Node's. */
  readonly resolver?: DnsResolver;
}

/** Events of {@link TrunkKeepAliveClient}. */
export interface TrunkKeepAliveClientEvents {
  /** The trunk answers (first time, or again after `trunkDown`). `rttMs` null when other traffic proved it. */
  trunkUp: [{ readonly status: number; readonly rttMs: number | null }];
  /** `failures` consecutive probes failed. */
  trunkDown: [{ readonly failures: number; readonly failure: TrunkProbeFailure }];
}

/**
 * OPTIONS keep-alive of one trunk (see trunk-keepalive.ts for the liveness
 * rule). CRLF keep-alives on TCP/TLS are the transport's: create the
 * `SipTransport` with `keepAlive: { crlfIntervalMs }`; a flow it closes for
 * a missing pong counts here as a failure and triggers an OPTIONS at once.
 *
 * @example
 * const trunk = new TrunkKeepAliveClient({ endpoint, scheduler, target: 'sip:198.51.100.7;transport=tcp', intervalMs: 30_000 });
 * trunk.on('trunkDown', ({ failures }) => alarm(failures));
 * trunk.start();
 */
export class TrunkKeepAliveClient extends EventEmitter<TrunkKeepAliveClientEvents> {
  /** The machine (read its state; do not feed it directly). */
  readonly keepAlive: TrunkKeepAlive;
  readonly #endpoint: SipEndpoint;
  readonly #scheduler: FeatureScheduler;
  readonly #ownScheduler: boolean;
  readonly #target: string;
  readonly #from: string | undefined;
  readonly #resolver: DnsResolver | undefined;
  readonly #aborts = new Map<number, AbortController>();
  readonly #callId = `${randomToken(12)}@trunkline`;
  #cseq = 0;
  #flow: Flow | null;
  #started = false;
  readonly #onTransportClose = (e: TransportCloseEvent): void => {
    if (e.error !== null && sameStreamFlow(e.flow, this.#flow)) this.#apply(this.keepAlive.flowFailed(this.#scheduler.now()));
  };

  /** @throws TypeError for invalid options. */
  constructor(options: TrunkKeepAliveClientOptions) {
    super();
    if (options?.endpoint === undefined || typeof options.endpoint.request !== 'function') throw new TypeError('options.endpoint must be a SipEndpoint');
    if (typeof options.target !== 'string' || options.target === '') throw new TypeError('options.target must be a SIP URI');
    this.keepAlive = new TrunkKeepAlive(options);
    this.#endpoint = options.endpoint;
    this.#ownScheduler = options.scheduler === undefined;
    this.#scheduler = options.scheduler ?? new FeatureScheduler();
    this.#target = options.target;
    this.#from = options.from;
    this.#flow = options.flow ?? null;
    this.#resolver = options.resolver;
  }

  /** `unknown`, `up`, `down` or `closed`. */
  get state(): TrunkState {
    return this.keepAlive.state;
  }

  /** Starts probing (the first OPTIONS at once). Idempotent. */
  start(): void {
    if (this.#started || this.keepAlive.state === 'closed') return;
    this.#started = true;
    this.#endpoint.transport.on('close', this.#onTransportClose);
    this.#apply(this.keepAlive.start(this.#scheduler.now()));
  }

  /** A final response from the trunk to another request (a REGISTER refresh...): liveness, and the next OPTIONS later. */
  trafficSeen(status: number): void {
    this.#apply(this.keepAlive.trafficSeen(status, this.#scheduler.now()));
  }

  /** Stops probing; the OPTIONS in flight is abandoned. Idempotent. */
  close(): void {
    this.#apply(this.keepAlive.close());
    this.#endpoint.transport.off('close', this.#onTransportClose);
    if (this.#ownScheduler) this.#scheduler.close();
  }

  #apply(outputs: readonly TrunkKeepAliveOutput[]): void {
    for (const o of outputs) {
      switch (o.type) {
        case 'probe':
          this.#probe(o.id);
          break;
        case 'abandon':
          this.#aborts.get(o.id)?.abort(new Error('keep-alive probe abandoned'));
          this.#aborts.delete(o.id);
          break;
        case 'trunk-up':
          safeEmit(this, 'trunkUp', { status: o.status, rttMs: o.rttMs });
          break;
        case 'trunk-down':
          safeEmit(this, 'trunkDown', { failures: o.failures, failure: o.failure });
          break;
        default:
          assertNever(o, 'keep-alive output');
      }
    }
    const at = this.keepAlive.nextDeadline;
    if (at === null) this.#scheduler.cancel(this);
    else this.#scheduler.schedule(this, at, () => this.#apply(this.keepAlive.tick(this.#scheduler.now())));
  }

  #probe(id: number): void {
    const abort = new AbortController();
    this.#aborts.set(id, abort);
    const settle = (): void => {
      this.#aborts.delete(id);
    };
    this.#locate()
      .then((flow) => this.#endpoint.request(this.#options(flow), flow, { signal: abort.signal }))
      .then(
        (response) => {
          settle();
          this.#apply(this.keepAlive.receiveResponse(id, response.status, this.#scheduler.now()));
        },
        (error: unknown) => {
          settle();
          // An abandoned probe was already counted by the machine; probeFailed ignores its id.
          this.#apply(this.keepAlive.probeFailed(id, this.#scheduler.now(), error));
        },
      );
  }

  /** RFC 3261 §11.1: an OPTIONS out of any dialog, one Call-ID per trunk, CSeq counting up. */
  #options(flow: Flow): ReturnType<typeof createRequest> {
    const from = this.#from ?? `sip:keepalive@${this.#sentBy(flow)}`;
    return createRequest({
      method: 'OPTIONS',
      uri: this.#target,
      headers: [
        ['Max-Forwards', '70'],
        ['From', `<${from}>;tag=${randomToken(6)}`],
        ['To', `<${this.#target}>`],
        ['Call-ID', this.#callId],
        ['CSeq', `${++this.#cseq} OPTIONS`],
        ['Accept', 'application/sdp'],
      ],
    });
  }

  /** Our advertised host:port for the flow's protocol (publicAddress included), else any bound listener's. */
  #sentBy(flow: Flow): string {
    const t = this.#endpoint.transport;
    try {
      return t.viaSentBy(flow.protocol as 'udp' | 'tcp' | 'tls');
    } catch {
      const a = t.addresses[0];
      return a === undefined ? 'localhost' : hostPort(a.address, a.port);
    }
  }

  #locate(): Promise<Flow> {
    if (this.#flow !== null) return Promise.resolve(this.#flow);
    return locateFlow(this.#target, this.#resolver).then((flow) => (this.#flow = flow));
  }
}

/**
 * The user agent: SIP listeners, the transaction layer and the RTP port
 * range of one process; routes requests to calls (RFC 3261 §8.2, §12.2.2),
 * answers what no call owns, and places outbound calls (§13.2, RFC 3263).
 */
import { channel } from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { PortAllocator } from '@trunkline/rtp-srtp';
import { createResponse, parseNameAddr, parseSipUri, SipParseError, type HeaderInit, type NameAddr, type SipRequest, type SipResponse, createRequest } from '@trunkline/sip-parser';
import {
  ClientTransactionError,
  SipEndpoint,
  SipTransport,
  TargetIterator,
  DigestAuthError,
  answerChallenge,
  dialogIdOf,
  parseDigestChallenge,
  dialogKey,
  locateSipServer,
  responseFlow,
  type DigestUserCredentials,
  type Flow,
  type IncomingRequest,
  type SipProtocol,
  type Target,
  type TransportCloseEvent,
  type TransportError,
  type TransportMessageEvent,
} from '@trunkline/transaction-layer';
import type { SignallingTransport } from '@trunkline/sdp';
import { Call, capabilityHeaders, failureCode, type CallHost, type CallMediaChoices } from './call.js';
import { CallFailedError, type CallFailedCode } from './call-errors.js';
import type { CallEnd } from './call-state.js';
import { readUui, uuiHeaderValues, type CallUui, type UuiInput } from './call-uui.js';
import { CallMedia } from './media/index.js';
import { answerSdp, offerSdp } from './negotiation.js';
import { FeatureScheduler } from './features/node/feature-scheduler.js';
import { RegistrationClient, type RegistrationClientOptions } from './features/node/registration-client.js';
import { TrunkKeepAliveClient, type TrunkKeepAliveClientOptions } from './features/node/trunk-keepalive-client.js';
import { SessionTimer, SessionTimerError } from './features/session-timer.js';
import { ALLOWED_METHODS, ACCEPTED_BODY_TYPES, KNOWN_METHODS, SDP_TYPE, SUPPORTED_TAGS, bodyType, hostPort, randomToken, uriTransport, viaValue } from './sip-helpers.js';
import { resolveUserAgentOptions, type LogEntry, type ResolvedUserAgentOptions, type UserAgentOptions } from './user-agent-options.js';

/** diagnostics_channel name of call lifecycle records (`created`, `state`, `established`, `ended`). */
export const CALL_CHANNEL = 'trunkline:user-agent:call';
/** diagnostics_channel name of log records (the same {@link LogEntry} the `logger` hook gets). */
export const LOG_CHANNEL = 'trunkline:user-agent:log';

const callChannel = channel(CALL_CHANNEL);
const logChannel = channel(LOG_CHANNEL);

/** Typed events of {@link UserAgent}. */
export interface UserAgentEvents {
  /** A new inbound call: ring, answer, reject or redirect it. */
  call: [Call];
  /**
   * An INVITE refused before any call existed: closing or `maxCalls` (503),
   * an offer we can never answer (488 with Warning, RFC 3264 §6), an option
   * tag we lack (420), a body we cannot read (415), a Session-Expires below
   * our Min-SE (422), or nobody listening (480). Requests from outside
   * `allow` are not reported (they cost nothing).
   */
  refused: [RefusedInvite];
  /**
   * RFC 5626 §4.4.1: a TCP/TLS connection we opened failed its CRLF
   * keep-alive (no pong within `crlfKeepAlive.pongTimeoutMs`) and was
   * closed. Registrations and trunk probes over it go on a new connection;
   * re-register now to restore reachability behind a NAT.
   */
  flowFailed: [FlowFailure];
}

/** A flow that failed its keep-alive (see {@link UserAgentEvents.flowFailed}). */
export interface FlowFailure {
  /** The transport's connection id. */
  readonly connectionId: string;
  /** `tcp` or `tls` (a stream transport). */
  readonly protocol: SipProtocol;
  /** The peer, `host:port`. */
  readonly remote: string;
  /** The transport's error (code `TRANSPORT_KEEPALIVE_TIMEOUT`). */
  readonly error: TransportError;
}

/** An INVITE the user agent refused on its own (see {@link UserAgentEvents.refused}). */
export interface RefusedInvite {
  readonly callId: string;
  /** From and To header values as received. */
  readonly from: string;
  readonly to: string;
  readonly transport: SipProtocol;
  /** Source of the INVITE, `host:port`. */
  readonly remote: string;
  /** The final status sent, and its Warning value when one went with it. */
  readonly status: number;
  readonly warning: string | null;
  /** User-to-User values of the INVITE, decoded (RFC 7433). */
  readonly uui: readonly CallUui[];
}

/** Options of {@link UserAgent.invite}. */
export interface InviteOptions extends CallMediaChoices {
  /** From (name-addr or URI). Default `<sip:USER@PUBLIC_ADDRESS>`. */
  readonly from?: string;
  /** Extra header fields for the INVITE. Default: none. */
  readonly headers?: HeaderInit;
  /** User-to-User data (RFC 7433), sent hex-encoded. Default: none. */
  readonly uui?: UuiInput | readonly UuiInput[];
  /** Digest credentials: a 401/407 is answered once (RFC 3261 §22.2). Default: none (CALL_AUTH_FAILED). */
  readonly credentials?: DigestUserCredentials;
  /** Aborting before the answer sends CANCEL (§9.1); after it, BYE. */
  readonly signal?: AbortSignal;
  /** Give up ringing after this long (ms): CANCEL, then CALL_TIMEOUT. Default: none (Timer B, 64*T1). */
  readonly timeoutMs?: number;
  /** Send the INVITE without SDP (RFC 3261 §13.2.1 delayed offer): the 2xx carries the peer's offer, our ACK the answer. Default false. */
  readonly delayedOffer?: boolean;
  /**
   * Called with the call when a 18x with SDP starts media before the answer (early media: ringback, IVR
   * prompts): read `call.audio` from here on. A throw is logged. Default: none (the audio is buffered and
   * the oldest frames dropped, as for any unread call).
   */
  readonly onEarlyMedia?: (call: Call) => void;
}

/** Options of {@link UserAgent.register}: the {@link RegistrationClientOptions} the user agent does not fill in. */
export type RegisterOptions = Omit<RegistrationClientOptions, 'endpoint' | 'scheduler' | 'resolver' | 'contact'> & {
  /** The Contact to bind. Default: this user agent's, over the registrar URI's transport (RFC 3263 §4.1). */
  readonly contact?: string;
};

/** Options of {@link UserAgent.keepAlive}: the {@link TrunkKeepAliveClientOptions} the user agent does not fill in. */
export type KeepAliveOptions = Omit<TrunkKeepAliveClientOptions, 'endpoint' | 'scheduler' | 'resolver'>;

/** A snapshot of the user agent's counters (`ua.stats`). */
export interface UserAgentStats {
  /** Calls not yet terminated. */
  readonly callsActive: number;
  /** Calls created since start, inbound and outbound. */
  readonly callsTotal: number;
  readonly callsInbound: number;
  readonly callsOutbound: number;
  /** Calls that ended before being established, by {@link CallFailedCode}. */
  readonly failed: Readonly<Partial<Record<CallFailedCode, number>>>;
  /** Requests refused before any call existed. */
  readonly refused: { readonly allowList: number; readonly maxCalls: number; readonly notAcceptable: number };
  /** Live SIP transactions; 0 once closed (`close()` abandons those that only wait to absorb retransmissions, RFC 3261 Timers I, J, K, L, M). */
  readonly transactions: number;
  /** RTP ports held by calls. */
  readonly portsInUse: number;
  /** Open TCP/TLS connections. */
  readonly connections: number;
}

/** Where the user agent listens, once started. */
export interface UserAgentAddress {
  readonly protocol: 'udp' | 'tcp' | 'tls';
  readonly address: string;
  readonly port: number;
}

/**
 * Creates a user agent and binds its listeners.
 *
 * @example
 * const ua = await createUserAgent({ transports: [{ protocol: 'udp', port: 5060 }] });
 * ua.on('call', async (call) => {
 *   await call.answer();
 *   for await (const frame of call.audio) await call.audio.write(frame.samples);
 * });
 */
export async function createUserAgent(options: UserAgentOptions): Promise<UserAgent> {
  const ua = new UserAgent(resolveUserAgentOptions(options));
  try {
    await ua.start();
  } catch (e) {
    await ua.close();
    throw e;
  }
  return ua;
}

/** A SIP user agent that answers and places calls. Create it with {@link createUserAgent}. */
export class UserAgent extends EventEmitter<UserAgentEvents> {
  readonly #options: ResolvedUserAgentOptions;
  readonly #transport: SipTransport;
  readonly #endpoint: SipEndpoint;
  readonly #ports: PortAllocator;
  readonly #calls = new Set<Call>();
  readonly #byDialog = new Map<string, Call>();
  readonly #byInvite = new Map<string, Call>();
  readonly #outbound = new Map<string, Call>();
  readonly #iterators = new Set<{ push(call: Call | null): void }>();
  readonly #host: CallHost;
  #endpointListeners: Array<(ev: TransportMessageEvent) => void> = [];
  readonly #filter = (ev: TransportMessageEvent): void => this.#onMessage(ev);
  #closing: Promise<void> | null = null;
  /** Timers that keep ended outbound calls routable for late 2xx; cleared on close. */
  readonly #lingering = new Set<NodeJS.Timeout>();
  #counts = { total: 0, inbound: 0, outbound: 0, allowList: 0, maxCalls: 0, notAcceptable: 0 };
  readonly #failed: Partial<Record<CallFailedCode, number>> = {};
  /** One scheduler for every timed feature: session timers, registrations, keep-alives (issue 12: they never race). */
  readonly #scheduler: FeatureScheduler;
  readonly #registrations = new Set<RegistrationClient>();
  readonly #keepAlives = new Set<TrunkKeepAliveClient>();

  /** @internal Use {@link createUserAgent}. */
  constructor(options: ResolvedUserAgentOptions) {
    super({ captureRejections: true });
    this.#options = options;
    this.#transport = new SipTransport({
      listen: options.transports.map((t) => ({
        protocol: t.protocol,
        host: t.host!,
        ...(t.port === undefined ? {} : { port: t.port }),
        ...(t.protocol === 'tls'
          ? { tls: { cert: t.cert!, key: t.key!, ...(t.ca === undefined ? {} : { ca: t.ca }), ...(t.requestClientCert === undefined ? {} : { requestClientCert: t.requestClientCert }) } }
          : {}),
      })),
      ...(options.publicAddress === undefined ? {} : { publicAddress: options.publicAddress }),
      ...(options.tlsClient === undefined ? {} : { tlsClient: options.tlsClient }),
      ...(options.trace === undefined ? {} : { trace: options.trace }),
      keepAlive: { crlfIntervalMs: options.crlfKeepAlive.intervalMs, pongTimeoutMs: options.crlfKeepAlive.pongTimeoutMs },
    });
    // Workaround: SipEndpoint subscribes to the transport itself. To refuse requests from outside
    // the allow list *before* a transaction exists, its listener is taken off and called from ours.
    const before = new Set(this.#transport.listeners('message'));
    // Inbound validation (RFC 3261 §8.2): our option tags and body types pass, the rest gets 420/415 statelessly.
    this.#endpoint = new SipEndpoint(this.#transport, {
      timers: options.timers,
      maxTransactions: options.maxTransactions,
      maxAcceptedTransactions: options.maxAcceptedTransactions,
      validation: { supported: SUPPORTED_TAGS, acceptTypes: ACCEPTED_BODY_TYPES },
    });
    this.#scheduler = new FeatureScheduler({ onError: (error) => this.#log({ level: 'error', message: 'a timed feature failed', error }) });
    this.#endpointListeners = this.#transport.listeners('message').filter((l) => !before.has(l)) as Array<(ev: TransportMessageEvent) => void>;
    for (const l of this.#endpointListeners) this.#transport.off('message', l);
    this.#transport.on('message', this.#filter);
    this.#endpoint.on('request', (incoming) => this.#onRequest(incoming));
    this.#endpoint.on('ack', ({ request }) => this.#onAck(request));
    this.#endpoint.on('response', ({ response }) => this.#onLateResponse(response));
    this.#transport.on('error', (e) => this.#log({ level: 'warn', message: 'transport error', error: e }));
    this.#transport.on('close', (e) => this.#onConnectionClose(e));
    this.#ports = new PortAllocator({ minPort: options.rtpPorts[0], maxPort: options.rtpPorts[1], address: options.rtpHost });
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the host's getter below needs the UserAgent, not the host object
    const ua = this;
    this.#host = {
      options,
      endpoint: this.#endpoint,
      scheduler: this.#scheduler,
      get mediaAddress() {
        return ua.#mediaAddress();
      },
      via: (protocol) => viaValue(protocol, this.#transport.viaSentBy(protocol as 'udp' | 'tcp' | 'tls')),
      contact: (protocol) => this.#contact(protocol),
      openMedia: (choices) => this.#openMedia(choices),
      bindDialog: (call, id) => this.#byDialog.set(dialogKey(id), call),
      release: (call, end) => this.#release(call, end),
      log: (entry) => this.#log(entry),
      publish: (record) => {
        if (callChannel.hasSubscribers) callChannel.publish(record);
      },
    };
  }

  /** @internal Binds the listeners. */
  async start(): Promise<void> {
    await this.#transport.listen();
  }

  /** The bound listeners (ephemeral ports resolved). */
  get addresses(): readonly UserAgentAddress[] {
    return this.#transport.addresses;
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closing !== null;
  }

  /** A snapshot of the counters. */
  get stats(): UserAgentStats {
    return {
      callsActive: this.#calls.size,
      callsTotal: this.#counts.total,
      callsInbound: this.#counts.inbound,
      callsOutbound: this.#counts.outbound,
      failed: { ...this.#failed },
      refused: { allowList: this.#counts.allowList, maxCalls: this.#counts.maxCalls, notAcceptable: this.#counts.notAcceptable },
      transactions: this.#endpoint.closed ? 0 : this.#endpoint.manager.size,
      portsInUse: this.#ports.inUse.size,
      connections: this.#transport.connectionCount,
    };
  }

  /**
   * Inbound calls as an async iterable (each call is also emitted as `call`).
   * Ends when the user agent closes or `signal` aborts.
   */
  calls(options: { readonly signal?: AbortSignal } = {}): AsyncIterableIterator<Call> {
    const queue: Call[] = [];
    let wake: (() => void) | null = null;
    let done = this.#closing !== null;
    const sink = {
      push: (call: Call | null) => {
        if (call === null) done = true;
        else queue.push(call);
        wake?.();
      },
    };
    this.#iterators.add(sink);
    const finish = (): void => {
      done = true;
      this.#iterators.delete(sink);
      wake?.();
    };
    options.signal?.addEventListener('abort', finish, { once: true });
    const iterator: AsyncIterableIterator<Call> = {
      next: async () => {
        for (;;) {
          const call = queue.shift();
          if (call !== undefined) return { value: call, done: false };
          if (done) {
            finish();
            options.signal?.removeEventListener('abort', finish);
            return { value: undefined, done: true };
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
        }
      },
      return: async () => {
        finish();
        options.signal?.removeEventListener('abort', finish);
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /**
   * Places a call to `target` (a `sip:`/`sips:` URI; RFC 3263 picks transport,
   * address and port, with failover on timeouts, transport errors and 503).
   * Resolves with the established call; rejects with {@link CallFailedError}.
   *
   * @throws TypeError (synchronously rejected) for a bad target or option.
   */
  async invite(target: string, options: InviteOptions = {}): Promise<Call> {
    if (typeof target !== 'string') throw new TypeError('target must be a sip: or sips: URI string');
    let uri;
    try {
      uri = parseSipUri(target.startsWith('<') ? target.slice(1, -1) : target);
    } catch (e) {
      throw new TypeError(`target is not a sip: or sips: URI: ${JSON.stringify(target)}`, { cause: e });
    }
    if (options.timeoutMs !== undefined && (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0)) {
      throw new TypeError('options.timeoutMs must be a positive integer');
    }
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new TypeError('options.signal must be an AbortSignal');
    if (options.onEarlyMedia !== undefined && typeof options.onEarlyMedia !== 'function') throw new TypeError('options.onEarlyMedia must be a function');
    const c = options.credentials;
    if (c !== undefined && (typeof c.username !== 'string' || typeof c.password !== 'string')) throw new TypeError('options.credentials needs username and password');
    const uui = uuiHeaderValues(options.uui, 'options.uui');
    const fromText = options.from ?? `<sip:${this.#options.user}@${this.#publicHost()}>`;
    let from: NameAddr;
    try {
      from = parseNameAddr(fromText.includes('<') ? fromText : `<${fromText}>`, 'From');
    } catch (e) {
      throw new TypeError(`options.from is not a name-addr or URI: ${JSON.stringify(fromText)}`, { cause: e });
    }
    if (this.#closing !== null) throw new CallFailedError('CALL_CLOSED', 'the user agent is closed');
    if (this.#calls.size >= this.#options.maxCalls) throw new CallFailedError('CALL_UNAVAILABLE', `maxCalls (${this.#options.maxCalls}) reached`);
    if (options.signal?.aborted === true) throw new CallFailedError('CALL_CANCELLED', 'aborted before the call was placed', { cause: options.signal.reason });

    const callId = `${randomToken(12)}@${this.#publicHost()}`;
    const fromTag = randomToken(6);
    const to = parseNameAddr(`<${uri.raw}>`, 'To');
    const call = Call.outgoing(this.#host, callId, from, to, uri.scheme === 'sips' ? 'tls' : 'udp');
    this.#adopt(call, 'outbound');
    this.#outbound.set(callId, call);
    if (options.onEarlyMedia !== undefined) call.onEarlyMediaHandler = options.onEarlyMedia;

    // The app's signal: before the answer CANCEL (§9.1), after it BYE.
    const onAbort = (): void => call.abortAttempt('hangup');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = options.timeoutMs === undefined ? null : setTimeout(() => call.abortAttempt('timeout'), options.timeoutMs);
    void call.done.then(() => options.signal?.removeEventListener('abort', onAbort));
    const stopTimer = (): void => {
      if (timer !== null) clearTimeout(timer);
    };
    void call.established().then(stopTimer, stopTimer);

    void this.#dial(call, { uriText: uri.raw, uri, from, fromTag, uui, options });
    await call.established();
    return call;
  }

  /** The outbound procedure: locate (RFC 3263), offer, INVITE, auth retry, failover. */
  async #dial(
    call: Call,
    d: { uriText: string; uri: ReturnType<typeof parseSipUri>; from: NameAddr; fromTag: string; uui: string[]; options: InviteOptions },
  ): Promise<void> {
    const listening = [...new Set(this.#transport.addresses.map((a) => a.protocol))];
    let targets: Target[];
    try {
      targets = await locateSipServer(d.uri, {
        preferTransports: (['tls', 'tcp', 'udp'] as const).filter((p) => listening.includes(p)),
        ...(this.#options.resolver === undefined ? {} : { resolver: this.#options.resolver }),
      });
    } catch (e) {
      this.#log({ level: 'info', message: 'target did not resolve', callId: call.callId, error: e });
      call.onNoAnswer('unreachable');
      return;
    }
    let media: CallMedia;
    try {
      media = await this.#openMedia(d.options);
    } catch (e) {
      this.#log({ level: 'error', message: 'no media port for the call', callId: call.callId, error: e });
      call.onNoAnswer('unreachable');
      return;
    }
    call.attachMedia(media);
    const abort = new AbortController();
    const targetsLeft = new TargetIterator(targets);
    let cseq = 1;
    let auth: Array<readonly [string, string]> = [];
    // RFC 3261 §22.2: a challenge is answered once; RFC 7616 §3.3: once more when it only says our nonce went stale.
    let authTries = 0;
    for (let target = targetsLeft.current; target !== null; ) {
      if (call.state === 'terminating' || call.state === 'terminated') {
        call.onNoAnswer('timeout'); // cancelled between attempts: nothing is outstanding
        return;
      }
      const flow: Flow = {
        protocol: target.transport,
        address: target.address,
        port: target.port,
        ...(target.hostname === null ? {} : { serverName: target.hostname }),
      };
      const signalling: SignallingTransport = flow.protocol === 'tls' ? 'tls' : flow.protocol === 'tcp' ? 'tcp' : 'udp';
      let invite: SipRequest;
      try {
        const offer = d.options.delayedOffer === true ? null : offerSdp(this.#options.media, signalling, this.#mediaAddress(), media.localPort);
        invite = this.#buildInvite(call, d, flow.protocol, cseq, auth, offer?.sdp ?? null);
        call.setAttempt(invite, flow, offer, abort);
      } catch (e) {
        this.#log({ level: 'error', message: 'could not build the INVITE', callId: call.callId, error: e });
        call.onNoAnswer('unreachable');
        return;
      }
      let response: SipResponse;
      try {
        response = await this.#endpoint.request(invite, flow, { signal: abort.signal, onProvisional: (r) => call.onProvisional(r) });
      } catch (e) {
        const timeout = e instanceof ClientTransactionError && e.code === 'TRANSACTION_TIMEOUT';
        if (!abort.signal.aborted) {
          // RFC 3263 §4.3: a timeout or transport error moves on to the next target.
          target = targetsLeft.nextTarget(timeout ? 'timeout' : 'transport-error');
          if (target !== null) {
            cseq++;
            continue;
          }
        }
        this.#log({ level: 'info', message: `INVITE failed: ${(e as Error).message}`, callId: call.callId });
        call.onNoAnswer(timeout ? 'timeout' : 'unreachable', e instanceof Error && e.cause !== undefined ? e.cause : e);
        return;
      }
      const status = response.status;
      if ((status === 401 || status === 407) && d.options.credentials !== undefined && (authTries === 0 || (authTries === 1 && isStaleChallenge(response))) && !abort.signal.aborted) {
        // RFC 3261 §22.2: answer the challenge, same Call-ID and tags, CSeq + 1.
        authTries++;
        try {
          auth = answerChallenge(response, invite, d.options.credentials).map((h) => [h.name, h.value] as const);
          cseq++;
          continue;
        } catch (e) {
          this.#log({ level: 'info', message: 'challenge could not be answered', callId: call.callId, error: e });
        }
      }
      if (status === 422 && !abort.signal.aborted && call.retryAfter422(response)) {
        cseq++; // RFC 4028 §7.4: again with the 422's Min-SE
        continue;
      }
      if (status === 503 && !abort.signal.aborted) {
        target = targetsLeft.nextTarget('service-unavailable');
        if (target !== null) {
          cseq++;
          continue;
        }
      }
      call.onFinal(response);
      return;
    }
  }

  #buildInvite(
    call: Call,
    d: { uriText: string; from: NameAddr; fromTag: string; uui: string[]; options: InviteOptions },
    protocol: SipProtocol,
    cseq: number,
    auth: ReadonlyArray<readonly [string, string]>,
    sdp: string | null,
  ): SipRequest {
    const headers: Array<readonly [string, string]> = [
      ['Via', this.#host.via(protocol)],
      ['Max-Forwards', '70'],
      ['From', `${d.from.raw.replace(/;tag=[^;]*/i, '')};tag=${d.fromTag}`],
      ['To', `<${d.uriText}>`],
      ['Call-ID', call.callId],
      ['CSeq', `${cseq} INVITE`],
      ['Contact', this.#contact(protocol)],
      ['User-Agent', this.#options.userAgent],
      ...capabilityHeaders(),
      ...call.sessionTimerHeaders(),
      ...d.uui.map((v) => ['User-to-User', v] as const),
      ...auth,
    ];
    const extra = d.options.headers;
    if (extra !== undefined) {
      const pairs = Symbol.iterator in extra ? [...(extra as Iterable<readonly [string, string]>)] : Object.entries(extra).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v] as const] : v.map((x) => [k, x] as const)));
      headers.push(...pairs);
    }
    return createRequest({ method: 'INVITE', uri: d.uriText, headers, ...(sdp === null ? {} : { body: sdp, contentType: SDP_TYPE }) });
  }

  /**
   * Registers `aor` with `registrar` (RFC 3261 §10) and keeps it registered:
   * refreshed before expiry, 423 answered, retried with backoff on failure
   * (see {@link RegistrationClient}). Listen for `registered`, `unregistered`
   * and `failed` on the returned client; `client.close()` unregisters, and
   * so does {@link close}. Several registrations may run at once.
   * @throws TypeError for invalid options; Error once closed.
   */
  register(options: RegisterOptions): RegistrationClient {
    if (this.#closing !== null) throw new Error('the user agent is closed');
    if (typeof options !== 'object' || options === null || typeof options.registrar !== 'string') throw new TypeError('options.registrar must be a SIP URI string');
    let contact = options.contact;
    if (contact === undefined) {
      let uri;
      try {
        uri = parseSipUri(options.registrar);
      } catch (e) {
        throw new TypeError(`options.registrar is not a SIP URI: ${JSON.stringify(options.registrar)}`, { cause: e });
      }
      contact = this.#contact(uriTransport(uri, 'udp')).slice(1, -1);
    }
    const client = new RegistrationClient({
      ...options,
      contact,
      endpoint: this.#endpoint,
      scheduler: this.#scheduler,
      ...(this.#options.resolver === undefined ? {} : { resolver: this.#options.resolver }),
    });
    this.#registrations.add(client);
    client.start();
    return client;
  }

  /**
   * Probes a trunk with OPTIONS every `intervalMs` (RFC 3261 §11) and emits
   * `trunkUp`/`trunkDown` on the returned client (see
   * {@link TrunkKeepAliveClient}); it runs on the same scheduler as the
   * registrations and session timers. Stopped by `client.close()` or
   * {@link close}.
   * @throws TypeError for invalid options; Error once closed.
   */
  keepAlive(options: KeepAliveOptions): TrunkKeepAliveClient {
    if (this.#closing !== null) throw new Error('the user agent is closed');
    const client = new TrunkKeepAliveClient({
      ...options,
      endpoint: this.#endpoint,
      scheduler: this.#scheduler,
      ...(this.#options.resolver === undefined ? {} : { resolver: this.#options.resolver }),
    });
    this.#keepAlives.add(client);
    client.start();
    return client;
  }

  /**
   * Ends every call (BYE, CANCEL or a final response), unregisters every
   * registration and stops keep-alives, waits for those transactions, then
   * releases every socket and port. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** `await using ua = await createUserAgent(...)` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(): Promise<void> {
    for (const it of this.#iterators) it.push(null);
    this.#iterators.clear();
    for (const k of this.#keepAlives) k.close();
    await Promise.all([
      ...[...this.#calls].map((c) => c.close()),
      ...[...this.#registrations].map((r) => r.close().catch((error: unknown) => this.#log({ level: 'warn', message: 'unregister failed', error }))),
    ]);
    this.#scheduler.close();
    for (const t of this.#lingering) clearTimeout(t);
    this.#lingering.clear();
    this.#outbound.clear();
    this.#transport.off('message', this.#filter);
    this.#endpoint.close();
    await this.#transport.close();
  }

  // ---------------------------------------------------------------- inbound routing

  /** Every message passes here first: requests from outside the allow list never reach the transaction layer. */
  #onMessage(ev: TransportMessageEvent): void {
    const allow = this.#options.allow;
    if (allow !== null && ev.message.isRequest && !allow.allows(ev.flow.address)) {
      this.#counts.allowList++;
      if (this.#options.refuse === 'reject' && ev.message.method !== 'ACK') {
        // Stateless 403 (RFC 3261 §8.2.1 allows refusing at once; no transaction is created).
        const response = createResponse(ev.message, 403);
        this.#transport.post(response, responseFlow(ev.message, ev.flow), () => undefined);
      }
      return;
    }
    for (const l of this.#endpointListeners) {
      try {
        l(ev);
      } catch (e) {
        this.#log({ level: 'error', message: 'the transaction layer threw on a message', error: e });
      }
    }
  }

  #onRequest(incoming: IncomingRequest): void {
    try {
      this.#route(incoming);
    } catch (e) {
      this.#log({ level: 'error', message: `${incoming.request.method} could not be handled`, error: e });
      this.#reply(incoming, 500);
    }
  }

  #route(incoming: IncomingRequest): void {
    const req = incoming.request;
    const method = req.method;
    // RFC 3261 §8.2.1: unknown methods 501, known but unsupported 405 with Allow.
    if (!KNOWN_METHODS.has(method)) return this.#reply(incoming, 501, [['Allow', ALLOWED_METHODS.join(', ')]]);
    if (!(ALLOWED_METHODS as readonly string[]).includes(method)) return this.#reply(incoming, 405, [['Allow', ALLOWED_METHODS.join(', ')]]);
    if (method === 'CANCEL') return this.#onCancel(incoming);
    if (req.to?.tag != null) {
      // §12.2.2: a request within a dialog; 481 when we know no such dialog.
      const id = dialogIdOf(req);
      const call = id === null ? undefined : this.#byDialog.get(dialogKey(id));
      if (call !== undefined) return call.onRequest(incoming);
      return this.#reply(incoming, method === 'OPTIONS' ? 200 : 481, method === 'OPTIONS' ? capabilityHeaders() : []);
    }
    switch (method) {
      case 'OPTIONS':
        // §11.2: what we support.
        return this.#reply(incoming, 200, capabilityHeaders());
      case 'INVITE':
        return this.#onInvite(incoming);
      default:
        return this.#reply(incoming, 481);
    }
  }

  /** Answers an INVITE with a call, or refuses it and reports the refusal (`refused` event). */
  #onInvite(incoming: IncomingRequest): void {
    const status = this.#admitInvite(incoming);
    if (status === null || this.listenerCount('refused') === 0) return;
    const req = incoming.request;
    const flow = incoming.flow;
    const event: RefusedInvite = {
      callId: req.callId ?? '',
      from: req.headers.get('From') ?? '',
      to: req.headers.get('To') ?? '',
      transport: flow.protocol,
      remote: hostPort(flow.address, flow.port),
      status: status.status,
      warning: status.warning,
      uui: readUui(req).uui,
    };
    try {
      this.emit('refused', event);
    } catch (e) {
      this.#log({ level: 'warn', message: 'a refused listener threw', callId: event.callId, error: e });
    }
  }

  /** RFC 3261 §8.2, RFC 3264 §6: refuses what cannot become a call (the status sent), else emits the call (null). */
  #admitInvite(incoming: IncomingRequest): { status: number; warning: string | null } | null {
    const req = incoming.request;
    const refuse = (status: number, headers: ReadonlyArray<readonly [string, string]> = []): { status: number; warning: string | null } => {
      this.#reply(incoming, status, headers);
      return { status, warning: headers.find(([k]) => k === 'Warning')?.[1] ?? null };
    };
    const busy: Array<readonly [string, string]> = [['Retry-After', String(this.#options.retryAfterSeconds)]];
    if (this.#closing !== null) return refuse(503, busy);
    if (this.#calls.size >= this.#options.maxCalls) {
      this.#counts.maxCalls++;
      return refuse(503, busy); // §21.5.4
    }
    const required = req.headers
      .getAll('Require')
      .flatMap((v) => v.split(',').map((s) => s.trim()).filter((s) => s !== ''))
      .filter((tag) => !(SUPPORTED_TAGS as readonly string[]).includes(tag.toLowerCase()));
    if (required.length > 0) return refuse(420, [['Unsupported', required.join(', ')]]); // §8.2.2.3
    if (req.body.length > 0 && bodyType(req.contentType) !== SDP_TYPE) return refuse(415, [['Accept', SDP_TYPE]]); // §8.2.3
    if (this.#options.sessionTimers !== null) {
      // RFC 4028 §9: a Session-Expires below our Min-SE gets 422 before any call exists.
      try {
        const a = new SessionTimer(this.#options.sessionTimers).answerRequest(req);
        if (a.action === 'reject') return refuse(422, a.headers);
      } catch (e) {
        if (!(e instanceof SessionTimerError)) throw e;
        return refuse(400);
      }
    }
    // An empty body is a delayed offer (RFC 3261 §13.3.1.1): our offer goes in the 2xx.
    const offer = new TextDecoder().decode(req.body);
    if (offer !== '') {
      // RFC 3264 §6: refuse what we could never answer before bothering the app (port 9 stands in for the real one).
      const signalling: SignallingTransport = incoming.flow.protocol === 'tls' ? 'tls' : incoming.flow.protocol === 'tcp' ? 'tcp' : 'udp';
      const check = answerSdp(offer, this.#options.media, signalling, this.#mediaAddress(), 9);
      if (!check.ok) {
        this.#counts.notAcceptable++;
        return refuse(check.status, check.warning === null ? [] : [['Warning', check.warning]]);
      }
    }
    if (this.listenerCount('call') === 0 && this.#iterators.size === 0) {
      this.#log({ level: 'warn', message: 'an inbound call arrived and nobody listens for calls', callId: req.callId ?? '' });
      return refuse(480, busy);
    }
    // §8.1.1.8: an INVITE carries one Contact, the dialog's remote target (§12.1.1); without it no dialog can exist.
    if (!hasOneContact(req)) return refuse(400, [['Warning', '399 - "Missing or malformed Contact"']]);
    const call = Call.incoming(this.#host, incoming, randomToken(6), offer);
    this.#adopt(call, 'inbound');
    this.#byInvite.set(incoming.transactionId, call);
    for (const it of this.#iterators) it.push(call);
    this.#safeEmit('call', call, call.callId);
    return null;
  }

  #onCancel(incoming: IncomingRequest): void {
    // §9.2: 200 for a CANCEL matching a live INVITE transaction, else 481; the INVITE gets 487.
    const call = incoming.cancels === null ? undefined : this.#byInvite.get(incoming.cancels);
    this.#reply(incoming, incoming.cancels === null ? 481 : 200);
    call?.onCancel(incoming.request);
  }

  #onAck(request: SipRequest): void {
    try {
      const id = dialogIdOf(request);
      if (id !== null) this.#byDialog.get(dialogKey(id))?.onAck(request);
    } catch (e) {
      this.#log({ level: 'debug', message: 'unusable ACK dropped', error: e });
    }
  }

  #onLateResponse(response: SipResponse): void {
    if (response.cseq?.method !== 'INVITE' || response.status < 200 || response.status >= 300) return;
    // Outbound INVITEs by Call-ID; a re-INVITE of an inbound call by its dialog (ours is the From tag).
    const callId = response.callId ?? '';
    const call =
      this.#outbound.get(callId) ??
      this.#byDialog.get(dialogKey({ callId, localTag: response.from?.tag ?? '', remoteTag: response.to?.tag ?? '' }));
    if (call !== undefined) call.onLate2xx(response);
    else this.#log({ level: 'debug', message: 'a 2xx for an INVITE we no longer track was dropped', callId: response.callId ?? '' });
  }

  /** RFC 5626 §4.4.1: a connection closed for want of a pong is a failed flow: reported as `flowFailed`. */
  #onConnectionClose(e: TransportCloseEvent): void {
    if (e.error?.code !== 'TRANSPORT_KEEPALIVE_TIMEOUT' || e.flow.protocol === 'udp') return;
    const failure: FlowFailure = { connectionId: e.connectionId, protocol: e.flow.protocol, remote: hostPort(e.flow.address, e.flow.port), error: e.error };
    this.#log({ level: 'warn', message: `flow ${failure.remote} failed its CRLF keep-alive`, error: e.error });
    this.#safeEmit('flowFailed', failure);
  }

  #reply(incoming: IncomingRequest, status: number, headers: ReadonlyArray<readonly [string, string]> = []): void {
    try {
      const tag = incoming.request.to?.tag === null && status > 100 ? { toTag: randomToken(6) } : {};
      incoming.respond(createResponse(incoming.request, status, { ...tag, headers: [...headers, ['Server', this.#options.userAgent]] }));
    } catch (e) {
      this.#log({ level: 'debug', message: `could not answer ${incoming.request.method} with ${status}`, error: e });
    }
  }

  // ---------------------------------------------------------------- calls

  #adopt(call: Call, direction: 'inbound' | 'outbound'): void {
    this.#calls.add(call);
    this.#counts.total++;
    this.#counts[direction]++;
  }

  #release(call: Call, end: CallEnd): void {
    this.#calls.delete(call);
    for (const [k, c] of this.#byDialog) if (c === call) this.#byDialog.delete(k);
    const tx = call.inviteTransactionId;
    if (tx !== null) this.#byInvite.delete(tx);
    // Keep routing late 2xx of an outbound INVITE (forks, retransmissions) for 64*T1 after the end (§13.2.2.4).
    if (call.direction === 'outbound') {
      const t = setTimeout(() => {
        this.#outbound.delete(call.callId);
        this.#lingering.delete(t);
      }, 64 * this.#options.timers.T1);
      t.unref();
      this.#lingering.add(t);
    }
    if (call.metrics.setupMs === null || end.reason === 'ack-timeout') {
      const code = failureCode(end);
      this.#failed[code] = (this.#failed[code] ?? 0) + 1;
    }
  }

  /** Emits `name` to each listener in turn; a throw or a rejected promise is logged (with `callId`) and the others still run. */
  #safeEmit<K extends 'call' | 'flowFailed'>(name: K, arg: UserAgentEvents[K][0], callId?: string): void {
    for (const l of this.rawListeners(name)) {
      try {
        const r: unknown = (l as (a: UserAgentEvents[K][0]) => unknown).call(this, arg);
        if (r instanceof Promise) r.catch((e: unknown) => this.#log({ level: 'error', message: `a '${name}' listener failed`, ...(callId === undefined ? {} : { callId }), error: e }));
      } catch (e) {
        this.#log({ level: 'error', message: `a '${name}' listener threw`, ...(callId === undefined ? {} : { callId }), error: e });
      }
    }
  }

  async #openMedia(choices: CallMediaChoices): Promise<CallMedia> {
    const m = this.#options.media;
    const media = await CallMedia.open({
      ports: this.#ports,
      codecs: m.codecs, // with OPUS among them, libopus is loaded (once per process) before the SDP is built
      sampleRate: m.sampleRate,
      maxQueuedMs: m.maxQueuedMs,
      maxReadFrames: m.maxReadFrames,
      sendSilence: m.sendSilence,
      mediaTimeoutMs: m.mediaTimeoutMs,
      ...(m.jitter === undefined ? {} : { jitter: m.jitter }),
      ...(choices.record === undefined ? {} : { record: choices.record }),
    });
    media.reflect = choices.reflect ?? false;
    return media;
  }

  // ---------------------------------------------------------------- addressing

  #publicHost(): string {
    if (this.#options.publicAddress !== undefined) return this.#options.publicAddress;
    const first = this.#transport.addresses[0];
    if (first === undefined) return '127.0.0.1';
    const sentBy = this.#transport.viaSentBy(first.protocol);
    return sentBy.startsWith('[') ? sentBy.slice(1, sentBy.indexOf(']')) : sentBy.slice(0, sentBy.lastIndexOf(':'));
  }

  #mediaAddress(): string {
    if (this.#options.publicAddress !== undefined) return this.#options.publicAddress;
    const h = this.#options.rtpHost;
    return h === '0.0.0.0' || h === '::' || isIP(h) === 0 ? this.#publicHost() : h;
  }

  /** Our Contact for requests and dialogs over `protocol` (RFC 3261 §8.1.1.8). */
  #contact(protocol: SipProtocol): string {
    const bound = this.#transport.addresses.find((a) => a.protocol === protocol) ?? this.#transport.addresses[0]!;
    const param = bound.protocol === 'udp' ? '' : `;transport=${bound.protocol}`;
    return `<sip:${this.#options.user}@${hostPort(this.#publicHost(), bound.port)}${param}>`;
  }

  #log(entry: LogEntry): void {
    if (logChannel.hasSubscribers) logChannel.publish(entry);
    try {
      this.#options.logger?.(entry);
    } catch {
      // A throwing logger must not break what it logs.
    }
  }
}

/** True when the INVITE has exactly one readable Contact (RFC 3261 §8.1.1.8). Never throws on a malformed one. */
function hasOneContact(req: SipRequest): boolean {
  try {
    return req.contact.length === 1;
  } catch (e) {
    if (e instanceof SipParseError) return false;
    throw e;
  }
}

/** True when a 401/407 says only that our nonce was stale (RFC 7616 §3.3 `stale=true`): retry without re-asking for credentials. */
function isStaleChallenge(response: SipResponse): boolean {
  const values = [...response.headers.getAll('WWW-Authenticate'), ...response.headers.getAll('Proxy-Authenticate')];
  return values.some((v) => {
    try {
      return parseDigestChallenge(v)?.stale === true;
    } catch (e) {
      if (e instanceof DigestAuthError) return false; // a malformed challenge is not a stale one
      throw e;
    }
  });
}

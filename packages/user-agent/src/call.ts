/**
 * A call: the I/O shell around {@link CallMachine}. It turns the machine's
 * effects into SIP messages (through the transaction layer) and media
 * actions, and app calls and network events into machine inputs.
 */
import { EventEmitter } from 'node:events';
import { createResponse, type NameAddr, type SipRequest, type SipResponse } from '@trunkline/sip-parser';
import {
  ClientTransactionError,
  InviteForkTracker,
  createAckFor2xx,
  createInDialogRequest,
  createUasDialog,
  receiveInDialogRequest,
  terminateDialog,
  type Dialog,
  type DialogId,
  type Flow,
  type IncomingRequest,
  type SipEndpoint,
  type SipProtocol,
} from '@trunkline/transaction-layer';
import type { SignallingTransport } from '@trunkline/sdp';
import { CallMachine, type CallEffect, type CallEnd, type CallInput, type CallState, type EndReason } from './call-state.js';
import { CallFailedError, CallStateError, failedCodeForStatus, type CallFailedCode } from './call-errors.js';
import { readUui, uuiHeaderValues, type CallUui, type UuiInput } from './call-uui.js';
import type { CallAudio, CallMedia, MediaMetrics, RecordingTap } from './media/index.js';
import { answerSdp, readAnswer, type PendingOffer } from './negotiation.js';
import { ACCEPTED_TYPES, ALLOWED_METHODS, dialogFlow } from './sip-helpers.js';
import type { LogEntry, ResolvedUserAgentOptions } from './user-agent-options.js';

/** One side of a call as named in From/To. */
export interface CallParty {
  /** The URI, as text. */
  readonly uri: string;
  /** The display name, or null. */
  readonly displayName: string | null;
}

/** Per-call figures: signalling measured here, media from the media engine. */
export interface CallMetrics {
  /** Outbound: INVITE → 2xx; inbound: INVITE → ACK (ms). Null until set up. */
  readonly setupMs: number | null;
  /** INVITE → first 18x (outbound received, inbound sent), ms. Null when none. */
  readonly postDialDelayMs: number | null;
  /** Established → ended (ms); live while the call is up; null if never established. */
  readonly durationMs: number | null;
  /** Why the call ended, once it has. */
  readonly endReason: EndReason | null;
  /** Who ended it, once it has. */
  readonly endedBy: 'local' | 'remote' | null;
  /** The final status that decided the end, when one did. */
  readonly finalStatus: number | null;
  /** Media figures (codec, SRTP suite, packets, loss, jitter, RTT, MOS...), null before media existed. */
  readonly media: MediaMetrics | null;
}

/** Payload of the `ended` event. */
export interface CallEndedEvent extends CallEnd {
  /** The Reason header (RFC 3326) of the BYE/CANCEL/response that ended it, when the peer sent one. */
  readonly reasonHeader: string | null;
  /** User-to-User data the peer sent with its BYE (RFC 7433), if any. */
  readonly uui: readonly CallUui[];
  /** Final copy of the metrics. */
  readonly metrics: CallMetrics;
  /** Status of the response to our BYE, when we sent one and it was answered (RFC 3261 §15.1.1); else null. */
  readonly byeStatus: number | null;
  /** Its reason phrase, or null. */
  readonly byeReason: string | null;
}

/** Typed events of a {@link Call}. */
export interface CallEvents {
  /** The state changed (already committed). */
  state: [CallState];
  /** Outbound: a 18x arrived. */
  ringing: [{ readonly status: number }];
  /** The dialog is confirmed. */
  established: [];
  /** The call is over; fired exactly once. */
  ended: [CallEndedEvent];
  /** RFC 4733 digit received. */
  dtmf: [{ readonly digit: string; readonly durationMs: number; readonly source: 'rfc4733' | 'inband' }];
  /** Audio written before `audio.mark(name)` has been sent. */
  mark: [{ readonly name: string }];
  /** No RTP for `mediaTimeoutMs`. The call is hung up unless `hangupOnMediaTimeout` is false. */
  'media-timeout': [{ readonly silentForMs: number }];
}

/** Options of {@link Call.hangup}. */
export interface HangupOptions {
  /** Reason header value (RFC 3326), e.g. `SIP;cause=200;text="Call completed"` or `Q.850;cause=16`. Default: none. */
  readonly reason?: string;
  /** User-to-User data for the BYE (RFC 7433). Default: none. */
  readonly uui?: UuiInput | readonly UuiInput[];
}

/** Per-call media choices, for {@link Call.answer} and `UserAgent.invite`. */
export interface CallMediaChoices {
  /** Recording tap: both directions as decoded PCM at the app's rate (e.g. a `StereoWavRecorder`). Default: none. */
  readonly record?: RecordingTap;
  /**
   * Echo endpoints: send every received RTP packet straight back (see
   * `CallMedia.reflect`); audio written to `call.audio` is then not sent.
   * Default false.
   */
  readonly reflect?: boolean;
}

/** Options of {@link Call.answer}. */
export interface AnswerOptions extends CallMediaChoices {
  /** Extra header fields for the 2xx. Default: none. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** @internal What a call needs from its user agent. */
export interface CallHost {
  readonly options: ResolvedUserAgentOptions;
  readonly endpoint: SipEndpoint;
  /** Address for our SDP. */
  readonly mediaAddress: string;
  /** A Via value with a fresh branch for `protocol`. */
  via(protocol: SipProtocol): string;
  /** Our Contact header value for `protocol`. */
  contact(protocol: SipProtocol): string;
  openMedia(choices: CallMediaChoices): Promise<CallMedia>;
  /** Route in-dialog requests of `id` to `call`. */
  bindDialog(call: Call, id: DialogId): void;
  /** The call ended: forget it. */
  release(call: Call, end: CallEnd): void;
  log(entry: LogEntry): void;
  /** Publishes a call lifecycle record on diagnostics_channel. */
  publish(record: { readonly type: string; readonly callId: string; readonly [k: string]: unknown }): void;
}

/** @internal State only an inbound call has. */
interface Inbound {
  readonly invite: SipRequest;
  readonly flow: Flow;
  readonly transactionId: string;
  readonly respond: (r: SipResponse) => void;
  readonly toTag: string;
  readonly offer: string;
  ok: SipResponse | null;
}

/** @internal State only an outbound call has. */
interface Outbound {
  invite: SipRequest;
  flow: Flow;
  forks: InviteForkTracker;
  offer: PendingOffer;
  ack: SipRequest | null;
  readonly abort: AbortController;
}

const REASON_OF_STATUS: Readonly<Record<number, string>> = { 480: 'Temporarily Unavailable', 487: 'Request Terminated', 503: 'Service Unavailable' };

function partyOf(n: NameAddr | undefined): CallParty {
  return { uri: n === undefined ? '' : n.uri.raw, displayName: n?.displayName ?? null };
}

/** Stable code for an outbound call that ended before it was established. */
export function failureCode(end: CallEnd): CallFailedCode {
  switch (end.reason) {
    case 'rejected':
      return end.status === null ? 'CALL_REJECTED' : failedCodeForStatus(end.status);
    case 'cancelled':
    case 'hangup':
      return 'CALL_CANCELLED';
    case 'timeout':
    case 'ack-timeout':
      return 'CALL_TIMEOUT';
    case 'unreachable':
      return 'CALL_UNREACHABLE';
    case 'not-acceptable':
      return 'CALL_NOT_ACCEPTABLE';
    case 'closed':
      return 'CALL_CLOSED';
    case 'media-timeout':
      return 'CALL_ENDED';
  }
}

/** Why `answer()` of an inbound call failed, from how the call ended. */
function inboundFailureCode(end: CallEnd): CallFailedCode {
  switch (end.reason) {
    case 'ack-timeout':
      return 'CALL_TIMEOUT';
    case 'cancelled':
      return 'CALL_CANCELLED';
    case 'not-acceptable':
      return 'CALL_NOT_ACCEPTABLE';
    case 'closed':
      return 'CALL_CLOSED';
    default:
      return 'CALL_ENDED';
  }
}

let nextCallNumber = 1;

/**
 * One call, inbound or outbound. Obtain inbound calls from the user agent's
 * `call` event or `calls()`; outbound ones from `ua.invite()`.
 *
 * Events are emitted after the state is committed; a listener that throws
 * (or returns a rejected promise) is reported to the logger and changes
 * nothing.
 */
export class Call extends EventEmitter<CallEvents> {
  /** Unique within the process, for logs. */
  readonly id: string;
  /** `inbound`: they called us; `outbound`: we called them. */
  readonly direction: 'inbound' | 'outbound';
  /** SIP Call-ID. */
  readonly callId: string;
  /** The From party of the INVITE (the caller). */
  readonly from: CallParty;
  /** The To party of the INVITE (the callee). */
  readonly to: CallParty;
  /** Every well-formed User-to-User value of the INVITE (RFC 7433), decoded. Empty when none. */
  readonly uui: readonly CallUui[];
  #transport: SipProtocol;

  readonly #host: CallHost;
  readonly #machine: CallMachine;
  #inbound: Inbound | null = null;
  #outbound: Outbound | null = null;
  #dialog: Dialog | null = null;
  #media: CallMedia | null = null;
  #localSdp: string | null = null;
  #timer: NodeJS.Timeout | null = null;
  readonly #queue: CallInput[] = [];
  #draining = false;
  #answering: Promise<void> | null = null;
  #hangup: { reason: string | undefined; uui: string[] } = { reason: undefined, uui: [] };
  #remoteReason: string | null = null;
  /** The reason phrase of the final non-2xx that ended an outbound attempt. */
  #finalReasonPhrase: string | null = null;
  /** Its Warning header values (RFC 3261 §20.43). */
  #finalWarnings: readonly string[] = [];
  /** Why an outbound attempt got no response at all (the transport's error), for `CallFailedError.cause`. */
  #failureCause: unknown = undefined;
  /** The response to our BYE (RFC 3261 §15.1.1), once it came. */
  #byeResponse: { readonly status: number; readonly reason: string } | null = null;
  #remoteUui: CallUui[] = [];
  readonly #established: Promise<void>;
  #resolveEstablished!: () => void;
  #rejectEstablished!: (e: unknown) => void;
  readonly #done: Promise<CallEndedEvent>;
  #resolveDone!: (e: CallEndedEvent) => void;
  #mediaClosed: Promise<void> = Promise.resolve();
  // metrics (performance.now() times)
  readonly #startedAt: number;
  #ringingAt: number | null = null;
  #setupAt: number | null = null;
  #establishedAt: number | null = null;
  #endedAt: number | null = null;
  #finalMedia: MediaMetrics | null = null;

  /** @internal Use the user agent's `call` event or `invite()`. */
  constructor(
    host: CallHost,
    init: {
      direction: 'inbound' | 'outbound';
      callId: string;
      from: NameAddr | undefined;
      to: NameAddr | undefined;
      uui: readonly CallUui[];
      transport: SipProtocol;
    },
  ) {
    super({ captureRejections: true });
    this.id = `call-${nextCallNumber++}`;
    this.#host = host;
    this.direction = init.direction;
    this.callId = init.callId;
    this.from = partyOf(init.from);
    this.to = partyOf(init.to);
    this.uui = init.uui;
    this.#transport = init.transport;
    const t = host.options.timers;
    this.#machine = new CallMachine({ role: init.direction === 'inbound' ? 'uas' : 'uac', reliable: init.transport !== 'udp', T1: t.T1, T2: t.T2 });
    this.#startedAt = performance.now();
    this.#established = new Promise<void>((resolve, reject) => {
      this.#resolveEstablished = resolve;
      this.#rejectEstablished = reject;
    });
    this.#established.catch(() => undefined); // observed by answer()/dial() when they wait
    this.#done = new Promise<CallEndedEvent>((resolve) => (this.#resolveDone = resolve));
  }

  /** The signalling transport of the INVITE. */
  get transport(): SipProtocol {
    return this.#transport;
  }

  /**
   * The peer's signalling address as `host:port` (`[v6]:port`): where the
   * INVITE came from (inbound) or went to (outbound); empty before an
   * outbound INVITE is sent.
   */
  get remote(): string {
    const flow = this.#inbound?.flow ?? this.#outbound?.flow;
    if (flow === undefined) return '';
    const host = flow.address.includes(':') ? `[${flow.address}]` : flow.address;
    return `${host}:${flow.port}`;
  }

  /** The current state. */
  get state(): CallState {
    return this.#machine.state;
  }

  /** True once the call is terminated. */
  get closed(): boolean {
    return this.#machine.state === 'terminated';
  }

  /**
   * The call's audio: read the peer's 20 ms frames, write ours.
   * @throws CallStateError before media exists (inbound: before `answer()`).
   */
  get audio(): CallAudio {
    if (this.#media === null) throw new CallStateError('use audio', this.state === 'terminated' ? 'terminated' : 'not answered yet');
    return this.#media.audio;
  }

  /** Live metrics; a final copy comes with `ended`. */
  get metrics(): CallMetrics {
    const now = this.#endedAt ?? performance.now();
    const end = this.#machine.end;
    return {
      setupMs: this.#setupAt === null ? null : round(this.#setupAt - this.#startedAt),
      postDialDelayMs: this.#ringingAt === null ? null : round(this.#ringingAt - this.#startedAt),
      durationMs: this.#establishedAt === null ? null : round(now - this.#establishedAt),
      endReason: end?.reason ?? null,
      endedBy: end?.by ?? null,
      finalStatus: end?.status ?? null,
      media: this.#finalMedia ?? (this.#media === null ? null : { ...this.#media.metrics }),
    };
  }

  /** Resolves with the `ended` payload once the call is over and its media released. */
  get done(): Promise<CallEndedEvent> {
    return this.#done;
  }

  /** The INVITE that started the call (inbound), for reading any header. Null for outbound calls. */
  get request(): SipRequest | null {
    return this.#inbound?.invite ?? null;
  }

  /**
   * Inbound: send 180 Ringing (RFC 3261 §13.3.1.1). Idempotent while ringing.
   * @throws CallStateError in any other state.
   */
  ring(): void {
    this.#act({ type: 'ring' }, 'ring');
  }

  /**
   * Inbound: answer — open media, answer the SDP offer (RFC 3264), send 200
   * and resolve when the ACK arrives (§13.3.1.4). Idempotent. Rejects with
   * {@link CallFailedError}: `CALL_NOT_ACCEPTABLE` (the offer cannot be
   * answered: 488 sent), `CALL_TIMEOUT` (no ACK), `CALL_CANCELLED` (the caller
   * gave up first), `CALL_ENDED`.
   */
  answer(options: AnswerOptions = {}): Promise<void> {
    if (this.#answering !== null) return this.#answering;
    if (this.#inbound === null) return Promise.reject(new CallStateError('answer an outbound call', this.state));
    if (this.state !== 'incoming' && this.state !== 'ringing') return Promise.reject(new CallStateError('answer', this.state));
    this.#answering = this.#answer(this.#inbound, options);
    return this.#answering;
  }

  /**
   * Inbound: refuse the call with a final response (default 486 Busy Here).
   * @throws TypeError for a status outside 400-699.
   * @throws CallStateError once answered or ended.
   */
  reject(status = 486, reasonPhrase?: string): void {
    if (!Number.isInteger(status) || status < 400 || status > 699) throw new TypeError('status must be an integer 400-699');
    if (this.#inbound === null) throw new CallStateError('reject an outbound call', this.state);
    this.#finalExtras = { reason: reasonPhrase, headers: [] };
    this.#act({ type: 'reject', status, reason: 'rejected' }, 'reject');
  }

  /**
   * Inbound: redirect the caller (RFC 3261 §8.3) to `contacts` with a 3xx (default 302).
   * @throws TypeError for no contacts or a status outside 300-399.
   */
  redirect(contacts: readonly string[], status = 302): void {
    if (!Array.isArray(contacts) || contacts.length === 0 || contacts.some((c) => typeof c !== 'string' || c === '')) {
      throw new TypeError('contacts must be a non-empty array of URIs');
    }
    if (!Number.isInteger(status) || status < 300 || status > 399) throw new TypeError('status must be an integer 300-399');
    if (this.#inbound === null) throw new CallStateError('redirect an outbound call', this.state);
    this.#finalExtras = { reason: undefined, headers: contacts.map((c) => ['Contact', c.startsWith('<') ? c : `<${c}>`] as const) };
    this.#act({ type: 'reject', status, reason: 'rejected' }, 'redirect');
  }

  /**
   * End the call, whatever its state: BYE once established (RFC 3261 §15.1.1),
   * CANCEL while an outbound call rings (§9.1), a final response (480) while
   * an inbound one does. Idempotent; resolves when the call is over (the BYE
   * transaction ended).
   * @throws TypeError for a bad `reason` or `uui`.
   */
  hangup(options: HangupOptions = {}): Promise<void> {
    if (options.reason !== undefined && (typeof options.reason !== 'string' || /[\r\n]/.test(options.reason))) {
      throw new TypeError('reason must be a single-line Reason header value');
    }
    const uui = uuiHeaderValues(options.uui, 'uui');
    if (this.#machine.state !== 'terminated' && this.#machine.state !== 'terminating') {
      this.#hangup = { reason: options.reason, uui };
    }
    this.#feed({ type: 'hangup', reason: 'hangup' });
    return this.#done.then(() => undefined);
  }

  /** RFC 4733 digits; resolves when sent. @throws CallStateError without media. */
  sendDtmf(digits: string, options?: { durationMs?: number; signal?: AbortSignal }): Promise<void> {
    if (this.#media === null) return Promise.reject(new CallStateError('send DTMF', this.state));
    return this.#media.sendDtmf(digits, options);
  }

  /** `await using call = ...` hangs up. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.hangup();
  }

  // ---------------------------------------------------------------- internal: user agent → call

  /** @internal A new inbound call for an INVITE the user agent accepted to pass up. */
  static incoming(host: CallHost, incoming: IncomingRequest, toTag: string, offer: string): Call {
    const invite = incoming.request;
    const call = new Call(host, {
      direction: 'inbound',
      callId: invite.callId ?? '',
      from: invite.from,
      to: invite.to,
      uui: readUui(invite).uui,
      transport: incoming.flow.protocol,
    });
    call.#inbound = {
      invite,
      flow: incoming.flow,
      transactionId: incoming.transactionId,
      respond: incoming.respond,
      toTag,
      offer,
      ok: null,
    };
    host.bindDialog(call, { callId: call.callId, localTag: toTag, remoteTag: invite.from?.tag ?? '' });
    host.publish({ type: 'created', callId: call.callId, direction: 'inbound' });
    return call;
  }

  /** @internal The inbound INVITE transaction id (CANCEL matching, §9.2). */
  get inviteTransactionId(): string | null {
    return this.#inbound?.transactionId ?? null;
  }

  /** @internal CANCEL for our INVITE (§9.2); the user agent answered the CANCEL itself. */
  onCancel(cancel: SipRequest): void {
    this.#remoteReason = cancel.headers.get('Reason') ?? null;
    this.#feed({ type: 'cancel' });
  }

  /** @internal ACK for our 2xx (§13.3.1.4). */
  onAck(): void {
    if (this.#setupAt === null && this.#machine.state === 'accepted') this.#setupAt = performance.now();
    this.#feed({ type: 'ack' });
  }

  /** @internal A request within our dialog (§12.2.2). */
  onRequest(incoming: IncomingRequest): void {
    const req = incoming.request;
    if (this.#dialog === null) {
      // Early: only the INVITE's dialog id is known (our To tag). A BYE from the caller ends the attempt (§15.1.2).
      if (req.method === 'BYE') {
        this.#reply(incoming, 200);
        this.#remoteReason = req.headers.get('Reason') ?? null;
        this.#feed({ type: 'bye' });
      } else {
        this.#reply(incoming, req.method === 'OPTIONS' ? 200 : 481);
      }
      return;
    }
    const { dialog, reject } = receiveInDialogRequest(this.#dialog, req);
    if (reject !== null) {
      this.#reply(incoming, reject.status);
      return;
    }
    this.#dialog = dialog;
    switch (req.method) {
      case 'BYE':
        // §15.1.2: answer 200 and end the session.
        this.#remoteReason = req.headers.get('Reason') ?? null;
        this.#remoteUui = readUui(req).uui;
        this.#reply(incoming, 200);
        this.#feed({ type: 'bye' });
        return;
      case 'INVITE':
        this.#reInvite(incoming);
        return;
      case 'OPTIONS':
        this.#reply(incoming, 200, capabilityHeaders());
        return;
      default:
        this.#reply(incoming, 405, [['Allow', ALLOWED_METHODS.join(', ')]]);
    }
  }

  /** @internal A 2xx to our INVITE after the first final response (retransmission or another fork, RFC 6026 §7.2). */
  onLate2xx(response: SipResponse): void {
    const out = this.#outbound;
    if (out === null) return;
    let ev;
    try {
      ev = out.forks.receive(response);
    } catch (e) {
      this.#log('debug', 'a 2xx that answers another INVITE was ignored', e);
      return;
    }
    if (ev.type === 'retransmission') {
      // §13.2.2.4: every retransmission of the 2xx gets the same ACK.
      if (out.ack !== null) void this.#sendAck(out.ack);
    } else if (ev.type === 'extra-2xx') {
      // §13.2.2.4: another fork answered: ACK it, then BYE it.
      for (const action of ev.actions) {
        if (action.kind === 'ack') void this.#sendAck(action.request, ev.dialog);
        else void this.#request(action.request, ev.dialog).catch(() => undefined);
      }
    }
  }

  /** @internal The user agent is closing. */
  close(): Promise<void> {
    this.#feed({ type: 'hangup', reason: 'closed' });
    return this.#done.then(() => undefined);
  }

  // ---------------------------------------------------------------- outbound

  /** @internal Creates an outbound call; {@link dial} places it. */
  static outgoing(host: CallHost, callId: string, from: NameAddr, to: NameAddr, transport: SipProtocol): Call {
    const call = new Call(host, { direction: 'outbound', callId, from, to, uui: [], transport });
    host.publish({ type: 'created', callId, direction: 'outbound' });
    return call;
  }

  /** @internal Media for an outbound call, opened before the offer is made (closed at once if the call already ended). */
  attachMedia(media: CallMedia): void {
    if (this.state === 'terminated') {
      void media.close();
      return;
    }
    this.#media = media;
    this.#watchMedia(media);
  }

  /** @internal Outbound: the INVITE (or its retry) is being sent. */
  setAttempt(invite: SipRequest, flow: Flow, offer: PendingOffer, abort: AbortController): void {
    const forks = new InviteForkTracker(invite, { via: () => this.#host.via(flow.protocol) });
    this.#transport = flow.protocol;
    if (this.#outbound === null) this.#outbound = { invite, flow, forks, offer, ack: null, abort };
    else Object.assign(this.#outbound, { invite, flow, forks, offer });
    this.#localSdp = offer.sdp;
  }

  /** @internal Outbound: a provisional response. */
  onProvisional(response: SipResponse): void {
    const out = this.#outbound;
    if (out === null) return;
    let dialog = false;
    try {
      dialog = out.forks.receive(response).type === 'early';
    } catch {
      return;
    }
    if (response.status >= 180 && response.status < 190) {
      this.#ringingAt ??= performance.now();
      this.#safeEmit('ringing', { status: response.status });
    }
    this.#feed({ type: 'provisional', dialog });
  }

  /**
   * @internal Outbound: the first final response. A 2xx is ACKed whatever
   * the state (§13.2.2.4) and its SDP answer applied.
   */
  onFinal(response: SipResponse): void {
    const out = this.#outbound;
    if (out === null) return;
    if (response.status >= 300) {
      this.#remoteReason = response.headers.get('Reason') ?? null;
      this.#finalReasonPhrase = response.reason;
      this.#finalWarnings = response.headers.getAll('Warning');
      this.#feed({ type: 'failed', status: response.status, reason: 'rejected' });
      return;
    }
    let ev;
    try {
      ev = out.forks.receive(response);
    } catch (e) {
      this.#log('warn', 'unusable 2xx', e);
      this.#feed({ type: 'failed', status: response.status, reason: 'rejected' });
      return;
    }
    if (ev.type !== 'established') return;
    this.#setupAt = performance.now();
    this.#dialog = ev.dialog;
    this.#host.bindDialog(this, ev.dialog.id);
    const cseq = out.invite.cseq?.seq ?? 0;
    out.ack = createAckFor2xx(ev.dialog, cseq, { via: this.#host.via(out.flow.protocol) });
    void this.#sendAck(out.ack);
    const answer = readAnswer(out.offer, new TextDecoder().decode(response.body));
    if (!answer.ok || this.#media === null) {
      this.#log('warn', `unusable SDP answer: ${answer.ok ? 'no media' : answer.reason}`);
      this.#feed({ type: 'answered' });
      this.#feed({ type: 'hangup', reason: 'not-acceptable' });
      return;
    }
    try {
      this.#media.start(answer.media);
    } catch (e) {
      this.#log('error', 'media failed to start', e);
    }
    this.#feed({ type: 'answered' });
  }

  /** @internal Outbound: no final response (Timer B) or a transport error (`cause`: the transport's error, e.g. a TLS certificate failure). */
  onNoAnswer(reason: 'timeout' | 'unreachable', cause?: unknown): void {
    this.#failureCause = cause;
    this.#feed({ type: 'failed', status: null, reason });
  }

  /** @internal Outbound: stop ringing (abort signal, `timeoutMs`). */
  abortAttempt(reason: 'hangup' | 'timeout'): void {
    this.#feed({ type: 'hangup', reason });
  }

  /**
   * @internal Outbound: resolves once established; rejects with
   * {@link CallFailedError} when the call ended before.
   */
  established(): Promise<void> {
    return this.#established;
  }

  // ---------------------------------------------------------------- the machine loop

  #finalExtras: { reason: string | undefined; headers: Array<readonly [string, string]> } = { reason: undefined, headers: [] };

  /** An app action: refused with CallStateError when the machine does not take it. */
  #act(input: CallInput, what: string): void {
    if (this.#draining) {
      // Re-entered from a listener: the input waits its turn; validity is checked against the current state.
      if (!this.#allowedLater(input)) throw new CallStateError(what, this.state);
      this.#queue.push(input);
      return;
    }
    const effects = this.#machine.step(input, performance.now());
    if (effects === null) throw new CallStateError(what, this.state);
    this.#run(effects);
  }

  #allowedLater(input: CallInput): boolean {
    const s = this.state;
    if (input.type === 'ring') return s === 'incoming' || s === 'ringing';
    if (input.type === 'reject' || input.type === 'answer') return s === 'incoming' || s === 'ringing';
    return true;
  }

  /** A network event or internal decision; never throws. */
  #feed(input: CallInput): void {
    this.#queue.push(input);
    if (this.#draining) return;
    this.#run([]);
  }

  #run(first: readonly CallEffect[]): void {
    this.#draining = true;
    try {
      this.#perform(first);
      for (let input = this.#queue.shift(); input !== undefined; input = this.#queue.shift()) {
        const effects = this.#machine.step(input, performance.now());
        if (effects !== null) this.#perform(effects);
      }
    } finally {
      this.#draining = false;
      this.#arm();
    }
  }

  #perform(effects: readonly CallEffect[]): void {
    if (effects.length > 0) this.#host.publish({ type: 'state', callId: this.callId, state: this.state });
    for (const e of effects) {
      try {
        this.#effect(e);
      } catch (err) {
        this.#log('error', `effect ${e.type} failed`, err);
      }
    }
    if (effects.length > 0) this.#safeEmit('state', this.state);
  }

  #effect(e: CallEffect): void {
    switch (e.type) {
      case 'send-ringing': {
        const inb = this.#inbound!;
        this.#ringingAt ??= performance.now();
        this.#respondInvite(createResponse(inb.invite, 180, { toTag: inb.toTag, headers: [['Contact', this.#host.contact(inb.flow.protocol)]] }));
        return;
      }
      case 'send-2xx':
      case 'resend-2xx': {
        const ok = this.#inbound?.ok;
        if (ok) this.#respondInvite(ok);
        return;
      }
      case 'send-final': {
        const inb = this.#inbound!;
        const headers: Array<readonly [string, string]> = [['Server', this.#host.options.userAgent], ...this.#finalExtras.headers];
        if (e.status === 503 || e.status === 480) headers.push(['Retry-After', String(this.#host.options.retryAfterSeconds)]);
        if (e.status === 488 && this.#finalWarning !== null) headers.push(['Warning', this.#finalWarning]);
        const reason = this.#finalExtras.reason ?? REASON_OF_STATUS[e.status];
        this.#respondInvite(createResponse(inb.invite, e.status, { toTag: inb.toTag, headers, ...(reason === undefined ? {} : { reason }) }));
        return;
      }
      case 'send-cancel':
        // §9.1: the endpoint sends CANCEL as soon as a provisional response has arrived.
        this.#outbound?.abort.abort();
        return;
      case 'send-bye':
        void this.#sendBye();
        return;
      case 'established':
        this.#establishedAt = performance.now();
        this.#setupAt ??= this.#establishedAt;
        this.#resolveEstablished();
        this.#host.publish({ type: 'established', callId: this.callId });
        this.#safeEmit('established');
        return;
      case 'ended':
        this.#ended(e.end);
        return;
    }
  }

  #finalWarning: string | null = null;

  #arm(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const at = this.#machine.nextDeadline;
    if (at === null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#feed({ type: 'timer' });
    }, Math.max(0, at - performance.now()));
  }

  #ended(end: CallEnd): void {
    this.#endedAt = performance.now();
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#dialog !== null) this.#dialog = terminateDialog(this.#dialog);
    const media = this.#media;
    if (media !== null) {
      this.#finalMedia = { ...media.metrics };
      this.#mediaClosed = media.close().catch((err: unknown) => this.#log('warn', 'media close failed', err));
    }
    this.#rejectEstablished(
      new CallFailedError(this.direction === 'outbound' ? failureCode(end) : inboundFailureCode(end), `the call ended (${end.by}, ${end.reason}${end.status === null ? '' : `, ${end.status}`})`, {
        status: end.status,
        reasonPhrase: this.#finalReasonPhrase,
        reasonHeader: this.#remoteReason,
        warnings: this.#finalWarnings,
        ...(this.#failureCause === undefined ? {} : { cause: this.#failureCause }),
      }),
    );
    const event: CallEndedEvent = {
      ...end,
      reasonHeader: this.#remoteReason,
      uui: this.#remoteUui,
      metrics: this.metrics,
      byeStatus: this.#byeResponse?.status ?? null,
      byeReason: this.#byeResponse?.reason ?? null,
    };
    this.#host.release(this, end);
    this.#host.publish({ type: 'ended', callId: this.callId, by: end.by, reason: end.reason, status: end.status });
    this.#safeEmit('ended', event);
    void this.#mediaClosed.then(() => this.#resolveDone(event));
  }

  // ---------------------------------------------------------------- inbound answer

  async #answer(inb: Inbound, options: AnswerOptions): Promise<void> {
    let media: CallMedia;
    try {
      media = await this.#host.openMedia(options);
    } catch (e) {
      // No RTP port: 503 (RFC 3261 §21.5.4).
      this.#log('error', 'no media port for the call', e);
      this.#feedReject(503, 'rejected');
      throw new CallFailedError('CALL_UNAVAILABLE', 'no RTP port available', { status: 503, cause: e });
    }
    if (this.state !== 'incoming' && this.state !== 'ringing') {
      await media.close();
      await this.#established; // rejects with why the call ended
      return;
    }
    const signalling: SignallingTransport = inb.flow.protocol === 'udp' ? 'udp' : inb.flow.protocol === 'tcp' ? 'tcp' : 'tls';
    const r = answerSdp(inb.offer, this.#host.options.media, signalling, this.#host.mediaAddress, media.localPort);
    if (!r.ok) {
      await media.close();
      this.#finalWarning = r.warning;
      this.#feedReject(r.status, 'not-acceptable');
      throw new CallFailedError('CALL_NOT_ACCEPTABLE', `the offer cannot be answered: ${r.reason}`, { status: r.status });
    }
    this.#media = media;
    this.#watchMedia(media);
    this.#localSdp = r.sdp;
    const headers: Array<readonly [string, string]> = [['Contact', this.#host.contact(inb.flow.protocol)], ...capabilityHeaders(), ['Server', this.#host.options.userAgent]];
    for (const [k, v] of Object.entries(options.headers ?? {})) headers.push([k, v]);
    // §12.1.1: a dialog-creating response copies Record-Route.
    inb.ok = createResponse(inb.invite, 200, { toTag: inb.toTag, copyRecordRoute: true, headers, body: r.sdp, contentType: 'application/sdp' });
    try {
      media.start(r.media);
    } catch (e) {
      this.#log('error', 'media failed to start', e);
    }
    // §12.1.1: the dialog as the 2xx makes it; the ACK confirms it (§13.3.1.4).
    this.#dialog = createUasDialog(inb.invite, inb.ok, { overTls: inb.flow.protocol === 'tls' });
    this.#act({ type: 'answer' }, 'answer');
    await this.#established;
  }

  #feedReject(status: number, reason: 'rejected' | 'not-acceptable'): void {
    this.#feed({ type: 'reject', status, reason });
  }

  #reInvite(incoming: IncomingRequest): void {
    // RFC 3261 §14.2: a re-INVITE with an offer is answered with our answer; media follows it.
    const body = new TextDecoder().decode(incoming.request.body);
    const media = this.#media;
    if (body === '' || media === null) {
      // No offer: our last SDP is the offer; its answer in the ACK changes nothing we use.
      this.#reply(incoming, 200, [['Contact', this.#host.contact(this.transport)], ...capabilityHeaders()], this.#localSdp ?? undefined);
      return;
    }
    const signalling: SignallingTransport = this.transport === 'udp' ? 'udp' : this.transport === 'tcp' ? 'tcp' : 'tls';
    const r = answerSdp(body, this.#host.options.media, signalling, this.#host.mediaAddress, media.localPort, this.#localSdp ?? undefined);
    if (!r.ok) {
      this.#reply(incoming, r.status, r.warning === null ? [] : [['Warning', r.warning]]);
      return;
    }
    this.#localSdp = r.sdp;
    try {
      media.update(r.media);
    } catch (e) {
      this.#log('error', 'media update failed', e);
    }
    this.#reply(incoming, 200, [['Contact', this.#host.contact(this.transport)], ...capabilityHeaders()], r.sdp);
  }

  // ---------------------------------------------------------------- sending

  #respondInvite(response: SipResponse): void {
    try {
      this.#inbound!.respond(response);
    } catch (e) {
      // The INVITE transaction is gone (it timed out or the endpoint closed): nothing to answer through.
      this.#log('debug', `could not send ${response.status}`, e);
    }
  }

  #reply(incoming: IncomingRequest, status: number, headers: ReadonlyArray<readonly [string, string]> = [], sdp?: string): void {
    try {
      const tagged = incoming.request.to?.tag === null ? { toTag: this.#inbound?.toTag ?? 'x' } : {};
      incoming.respond(
        createResponse(incoming.request, status, {
          ...tagged,
          headers: [...headers, ['Server', this.#host.options.userAgent]],
          ...(sdp === undefined ? {} : { body: sdp, contentType: 'application/sdp' }),
        }),
      );
    } catch (e) {
      this.#log('debug', `could not answer ${incoming.request.method}`, e);
    }
  }

  async #flowFor(dialog: Dialog): Promise<Flow> {
    const connectionId = this.#inbound?.flow.connectionId;
    return dialogFlow(dialog, this.transport, connectionId, this.#host.options.resolver);
  }

  async #sendAck(ack: SipRequest, dialog: Dialog | null = this.#dialog): Promise<void> {
    if (dialog === null) return;
    try {
      await this.#host.endpoint.sendAck(ack, await this.#flowFor(dialog));
    } catch (e) {
      this.#log('warn', 'ACK could not be sent', e);
    }
  }

  /** Sends an in-dialog request and resolves with its final response. */
  async #request(request: SipRequest, dialog: Dialog): Promise<SipResponse> {
    const flow = await this.#flowFor(dialog);
    return this.#host.endpoint.request(request, flow);
  }

  async #sendBye(): Promise<void> {
    const dialog = this.#dialog;
    try {
      if (dialog === null || dialog.state === 'terminated') return;
      const headers: Array<readonly [string, string]> = [['User-Agent', this.#host.options.userAgent]];
      // RFC 3326: why we hang up; RFC 7433: UUI with the BYE.
      const reason = this.#hangup.reason ?? byeReason(this.#machine.ending?.reason);
      if (reason !== undefined) headers.push(['Reason', reason]);
      for (const v of this.#hangup.uui) headers.push(['User-to-User', v]);
      const { request, dialog: next } = createInDialogRequest(dialog, 'BYE', { via: this.#host.via(this.transport), headers });
      this.#dialog = terminateDialog(next);
      const response = await this.#request(request, next);
      this.#byeResponse = { status: response.status, reason: response.reason };
      if (response.status >= 300) this.#log('info', `BYE answered ${response.status}`);
    } catch (e) {
      if (!(e instanceof ClientTransactionError)) this.#log('warn', 'BYE failed', e);
    } finally {
      // §15.1.1: the session is over whatever the BYE's outcome.
      this.#feed({ type: 'bye-done' });
    }
  }

  // ---------------------------------------------------------------- media and events

  #watchMedia(media: CallMedia): void {
    media.on('dtmf', (d) => this.#safeEmit('dtmf', d));
    media.on('mark', (m) => this.#safeEmit('mark', m));
    media.on('error', (e) => this.#log('warn', 'media error', e));
    media.on('media-timeout', (t) => {
      this.#safeEmit('media-timeout', t);
      if (this.#host.options.media.hangupOnMediaTimeout) {
        this.#feed({ type: 'hangup', reason: 'media-timeout' });
      }
    });
  }

  /**
   * Emits to each listener in turn; a throw or a rejected promise is logged
   * and the other listeners still run (the state is already committed).
   */
  #safeEmit<K extends keyof CallEvents>(name: K, ...args: CallEvents[K]): void {
    for (const l of this.rawListeners(name as string)) {
      try {
        const r: unknown = (l as (...a: unknown[]) => unknown).apply(this, args);
        if (r instanceof Promise) r.catch((e: unknown) => this.#log('error', `a '${String(name)}' listener failed`, e));
      } catch (e) {
        this.#log('error', `a '${String(name)}' listener threw`, e);
      }
    }
  }

  #log(level: LogEntry['level'], message: string, error?: unknown): void {
    this.#host.log({ level, message, callId: this.callId, ...(error === undefined ? {} : { error }) });
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Allow, Accept and Supported (RFC 3261 §20.5, §20.1, §20.37). */
export function capabilityHeaders(): Array<readonly [string, string]> {
  return [
    ['Allow', ALLOWED_METHODS.join(', ')],
    ['Accept', ACCEPTED_TYPES],
    ['Supported', ''],
  ];
}

/** The Reason header (RFC 3326) of a BYE we send on our own initiative; the app's `hangup({ reason })` wins. */
function byeReason(reason: EndReason | undefined): string | undefined {
  switch (reason) {
    case 'ack-timeout':
      return 'SIP;cause=408;text="ACK timeout"';
    case 'media-timeout':
      return 'SIP;cause=408;text="Media timeout"';
    case 'not-acceptable':
      return 'SIP;cause=488;text="Not Acceptable Here"';
    case 'closed':
      return 'SIP;cause=503;text="Service closing"';
    default:
      return undefined;
  }
}

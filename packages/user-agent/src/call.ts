/**
 * A call: the I/O shell around {@link CallMachine}. It turns the machine's
 * effects into SIP messages (through the transaction layer) and media
 * actions, and app calls and network events into machine inputs.
 */
import { EventEmitter } from 'node:events';
import { assertNever } from '@trunkline/errors';
import { createResponse, type NameAddr, type SipRequest, type SipResponse } from '@trunkline/sip-parser';
import {
  ClientTransactionError,
  InviteForkTracker,
  DialogError,
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
import type { MediaDirection, NegotiatedMedia, SignallingTransport } from '@trunkline/sdp';
import { CallMachine, type CallEffect, type CallEnd, type CallInput, type CallState, type EndReason } from './call-state.js';
import { CallFailedError, CallRequestError, CallStateError, failedCodeForStatus, type CallFailedCode } from './call-errors.js';
import { readUui, uuiHeaderValues, type CallUui, type UuiInput } from './call-uui.js';
import { InfoDtmfError, formatInfoDtmf, isInfoDtmfType, parseInfoDtmf } from './features/info-dtmf.js';
import {
  RELIABLE_OPTION_TAG,
  ReliableProvisionalReceiver,
  ReliableProvisionalSender,
  isReliableProvisional,
  parseRAck,
  reliabilityOf,
  type ReliableProvisionalOutput,
} from './features/reliable-provisional.js';
import type { FeatureScheduler } from './features/node/feature-scheduler.js';
import { SessionTimerDriver } from './features/node/session-timer-driver.js';
import { SESSION_EXPIRED_REASON, SessionTimerError, type SessionTimerAnswer } from './features/session-timer.js';
import type { CallAudio, CallMedia, MediaMetrics, RecordingTap } from './media/index.js';
import { answerSdp, offerSdp, readAnswer, type PendingOffer } from './negotiation.js';
import { ACCEPTED_TYPES, ALLOWED_METHODS, SDP_TYPE, SUPPORTED_TAGS, bodyType, dialogFlow } from './sip-helpers.js';
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
  /** A digit received: RFC 4733 events, or SIP INFO (`application/dtmf-relay`, `application/dtmf`; `durationMs` 0 when the body gave none). */
  dtmf: [{ readonly digit: string; readonly durationMs: number; readonly source: 'rfc4733' | 'inband' | 'info' }];
  /** The peer put us on hold: its SDP is `sendonly` or `inactive`, or its c= is 0.0.0.0 (RFC 3264 §8.4). Nothing is sent to it until `unhold`. */
  hold: [{ readonly direction: MediaDirection }];
  /** The peer took us off hold. */
  unhold: [];
  /** The session was re-negotiated (a re-INVITE or UPDATE with SDP, ours or the peer's) and media follows it. */
  renegotiated: [{ readonly by: 'local' | 'remote' }];
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

/** Options of {@link Call.reoffer}. */
export interface ReofferOptions {
  /** `INVITE` (RFC 3261 §14, default) or `UPDATE` (RFC 3311; only when the peer allows it). */
  readonly method?: 'INVITE' | 'UPDATE';
}

/** Options of {@link Call.sendDtmf}. */
export interface SendDtmfOptions {
  /** `rfc4733` (telephone-event RTP packets, default) or `info` (SIP INFO, `application/dtmf-relay`, one request per digit). */
  readonly method?: 'rfc4733' | 'info';
  /** Tone length per digit (ms). Default: the media engine's (RFC 4733) / 250 (INFO, the `Duration` field). */
  readonly durationMs?: number;
  /** Stops sending the remaining digits. */
  readonly signal?: AbortSignal;
}

/** 491 retries of one re-offer before giving up (RFC 3261 §14.1 sets no bound). */
const MAX_GLARE_RETRIES = 3;

/** @internal What a call needs from its user agent. */
export interface CallHost {
  readonly options: ResolvedUserAgentOptions;
  readonly endpoint: SipEndpoint;
  /** The user agent's one scheduler for timed features (session timers). */
  readonly scheduler: FeatureScheduler;
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
  /** The INVITE's SDP offer; empty for a delayed offer (RFC 3261 §13.2.1: then ours goes in the 2xx, the answer in the ACK). */
  readonly offer: string;
  ok: SipResponse | null;
  /** Delayed offer: our offer in the 2xx, waiting for the answer in the ACK. */
  offerInOk: PendingOffer | null;
  /** What the INVITE asks of our 1xx (RFC 3262 §3: Require or Supported 100rel). */
  readonly reliability: 'required' | 'supported' | 'none';
  /** Our reliable 1xx (RFC 3262 §3), once one was sent. */
  reliable: ReliableProvisionalSender<ReliableItem> | null;
  /** Reliable 1xx whose fate (PRACKed or not) the app has not learnt yet. */
  readonly unsettled: Set<ReliableItem>;
}

/** @internal One reliable 1xx of ours (RFC 3262 §3), built once its RSeq is known. */
interface ReliableItem {
  readonly status: number;
  readonly sdp: string | null;
  /** Our offer in it (a delayed-offer INVITE): the answer comes in the PRACK (RFC 3262 §5). */
  readonly offer: PendingOffer | null;
  response: SipResponse | null;
  /** Called once: PRACKed (true), or not (false: given up after 64·T1, or the call ended first). */
  readonly settle: (acknowledged: boolean) => void;
}

/** @internal Our 2xx to a peer's re-INVITE, waiting for its ACK. */
interface PendingReInvite {
  readonly incoming: IncomingRequest;
  readonly ok: SipResponse;
  readonly cseq: number;
  /** Our offer in the 2xx (the re-INVITE had none): its answer comes in the ACK. */
  readonly offer: PendingOffer | null;
  timer: NodeJS.Timeout | null;
}

/** @internal State only an outbound call has. */
interface Outbound {
  invite: SipRequest;
  flow: Flow;
  forks: InviteForkTracker;
  /** Our offer; null for a delayed offer (the 2xx carries the peer's, the ACK our answer). */
  offer: PendingOffer | null;
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
    case 'session-expired':
      return 'CALL_ENDED';
  }
}

/** Why `answer()` of an inbound call failed, from how the call ended. */
function inboundFailureCode(end: CallEnd): CallFailedCode {
  switch (end.reason) {
    case 'ack-timeout':
    case 'timeout':
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
  /** `progress()`: early media set up and 183 sent. */
  #early: Promise<void> | null = null;
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
  // in-call features (issue 12)
  readonly #sessionTimer: SessionTimerDriver | null;
  /** The peer lists UPDATE in Allow: session refreshes go by UPDATE (RFC 4028 §9), else re-INVITE. */
  #peerAllowsUpdate = false;
  /** We hold the peer (our offers say sendonly). */
  #localHold = false;
  /** The peer holds us (its SDP says so). */
  #remoteHeld = false;
  /** An offer/answer exchange is in progress, ours or the peer's (RFC 3261 §14.1/§14.2: a second one gets 491). */
  #offerPending = false;
  /** A 2xx to a peer's re-INVITE waiting for its ACK (retransmitted over UDP, §14.2 / §13.3.1.4). */
  #reInviteOk: PendingReInvite | null = null;
  /** The ACK of our last re-INVITE's 2xx, resent for each retransmission of that 2xx (§13.2.2.4). */
  #reofferAck: { readonly cseq: number; readonly ack: SipRequest } | null = null;

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
    const st = host.options.sessionTimers;
    this.#sessionTimer =
      st === null
        ? null
        : new SessionTimerDriver(host.scheduler, st, {
            refresh: () => this.#refreshSession(),
            expire: () => this.#feed({ type: 'hangup', reason: 'session-expired' }),
          });
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

  /**
   * Sends `digits` (0-9, *, #, A-D): as RFC 4733 telephone-events on the RTP
   * stream (default), or as SIP INFO requests (`application/dtmf-relay`, one
   * per digit, each waiting for its 200). Resolves when the last is sent.
   * Rejects with CallStateError without media / an established dialog, and
   * for `info` with {@link CallRequestError} when the peer refuses an INFO.
   * @throws TypeError for a bad `method`.
   */
  sendDtmf(digits: string, options: SendDtmfOptions = {}): Promise<void> {
    const method = options.method ?? 'rfc4733';
    if (method !== 'rfc4733' && method !== 'info') throw new TypeError(`options.method must be 'rfc4733' or 'info'`);
    if (method === 'info') return this.#sendInfoDtmf(digits, options);
    if (this.#media === null) return Promise.reject(new CallStateError('send DTMF', this.state));
    return this.#media.sendDtmf(digits, {
      ...(options.durationMs === undefined ? {} : { durationMs: options.durationMs }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }

  /**
   * Sends a new offer in a re-INVITE (RFC 3261 §14.1; default) or an UPDATE
   * (RFC 3311 §5.1) — same codecs and direction, fresh SRTP keys, `o=`
   * version + 1 (RFC 3264 §8) — and applies the answer. A 491 (glare) is
   * retried after the randomised §14.1 wait; any other failure keeps the
   * session as it was and rejects with {@link CallRequestError}.
   * Rejects with CallStateError unless established, or while another
   * offer/answer exchange is in progress.
   */
  reoffer(options: ReofferOptions = {}): Promise<void> {
    const method = options.method ?? 'INVITE';
    if (method !== 'INVITE' && method !== 'UPDATE') throw new TypeError(`options.method must be 'INVITE' or 'UPDATE'`);
    return this.#reoffer(this.#localHold ? 'sendonly' : 'sendrecv', method);
  }

  /**
   * Puts the peer on hold (RFC 3264 §8.4): a re-INVITE offering `sendonly`.
   * While we hold, what the app writes to `call.audio` is still sent (music on
   * hold); the peer's audio stops. Resolves once the peer answered; on failure
   * nothing changes.
   */
  async hold(): Promise<void> {
    await this.#reoffer('sendonly', 'INVITE');
    this.#localHold = true;
  }

  /** Takes the peer off hold: a re-INVITE offering `sendrecv`. */
  async unhold(): Promise<void> {
    await this.#reoffer('sendrecv', 'INVITE');
    this.#localHold = false;
  }

  /** True while we hold the peer ({@link hold}). */
  get onHold(): boolean {
    return this.#localHold;
  }

  /** True while the peer holds us (see the `hold` event). */
  get heldByPeer(): boolean {
    return this.#remoteHeld;
  }

  /** The negotiated session-timer interval (s) and who refreshes, or null when none runs (RFC 4028). */
  get sessionTimer(): { readonly interval: number; readonly refresher: 'local' | 'remote' } | null {
    const t = this.#sessionTimer?.timer;
    const interval = t?.interval ?? null;
    const refresher = t?.refresher ?? null;
    return interval === null || refresher === null ? null : { interval, refresher };
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
      offerInOk: null,
      reliability: reliabilityOf(invite),
      reliable: null,
      unsettled: new Set(),
    };
    call.#peerAllowsUpdate = allowsUpdate(invite);
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

  /** @internal ACK for a 2xx of ours (§13.3.1.4): the INVITE's, or a re-INVITE's (§14.2). */
  onAck(ack: SipRequest): void {
    const pending = this.#reInviteOk;
    if (pending !== null && ack.cseq?.seq === pending.cseq) {
      this.#ackReInvite(pending, ack);
      return;
    }
    if (this.#machine.state !== 'accepted') return; // a retransmitted ACK
    this.#setupAt ??= performance.now();
    const offer = this.#inbound?.offerInOk ?? null;
    this.#feed({ type: 'ack' });
    if (offer === null) return;
    // RFC 3261 §13.2.1 / RFC 3264: a delayed offer's answer comes in the ACK; none (or a bad one) ends the call with BYE.
    this.#inbound!.offerInOk = null;
    const body = new TextDecoder().decode(ack.body);
    const answer = body === '' ? ({ ok: false, reason: 'the ACK carries no SDP answer' } as const) : readAnswer(offer, body);
    if (!answer.ok || this.#media === null) {
      this.#log('warn', `delayed offer: ${answer.ok ? 'no media' : answer.reason}`);
      this.#feed({ type: 'hangup', reason: 'not-acceptable' });
      return;
    }
    this.#startMedia(answer.media);
  }

  /** @internal A request within our dialog (§12.2.2). */
  onRequest(incoming: IncomingRequest): void {
    const req = incoming.request;
    if (this.#dialog === null) {
      // Early: only the INVITE's dialog id is known (our To tag). A BYE from the caller ends the attempt (§15.1.2).
      if (req.method === 'PRACK') {
        this.#onPrack(incoming); // RFC 3262 §3, in the early dialog
      } else if (req.method === 'BYE') {
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
      case 'UPDATE':
        this.#onOffer(incoming);
        return;
      case 'INFO':
        this.#onInfo(incoming);
        return;
      case 'PRACK':
        this.#onPrack(incoming); // RFC 3262 §3: one that overtook our 2xx
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
    const again = this.#reofferAck;
    if (again !== null && response.cseq?.seq === again.cseq) {
      // §13.2.2.4: a retransmitted 2xx of our re-INVITE gets the same ACK.
      void this.#sendAck(again.ack);
      return;
    }
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

  /** @internal Outbound: the INVITE (or its retry) is being sent; `offer` null for a delayed offer. */
  setAttempt(invite: SipRequest, flow: Flow, offer: PendingOffer | null, abort: AbortController): void {
    const forks = new InviteForkTracker(invite, { via: () => this.#host.via(flow.protocol) });
    this.#transport = flow.protocol;
    if (this.#outbound === null) this.#outbound = { invite, flow, forks, offer, ack: null, abort };
    else Object.assign(this.#outbound, { invite, flow, forks, offer });
    this.#localSdp = offer?.sdp ?? null;
  }

  /** @internal Outbound: called once media starts from a 18x with SDP (early media), with this call. */
  onEarlyMediaHandler: ((call: Call) => void) | null = null;

  /**
   * Outbound: a 18x with an SDP answer (RFC 3261 §13.2.1, RFC 3264; early
   * media as in RFC 3960 §3): media starts now, so ringback or an IVR prompt
   * reaches `call.audio` before the 2xx, whose SDP is applied again.
   */
  #earlyMedia(out: Outbound, response: SipResponse): void {
    if (this.#earlyStarted || out.offer === null || !hasSdp(response) || this.#media === null) return;
    const answer = readAnswer(out.offer, new TextDecoder().decode(response.body));
    if (!answer.ok) {
      this.#log('info', `ignored the SDP of a ${response.status}: ${answer.reason}`);
      return;
    }
    this.#startEarlyMedia(answer.media);
  }

  /**
   * Outbound: the SDP of a reliable 1xx (RFC 3262 §5) completes an
   * offer/answer exchange: the answer to our INVITE's offer, or — when our
   * INVITE had none — the peer's offer, whose answer this returns for the
   * PRACK. Media starts either way; the 2xx then carries no new offer.
   */
  #reliableSdp(out: Outbound, response: SipResponse): string | null {
    if (this.#reliableMedia !== null || !hasSdp(response) || this.#media === null) return null;
    const body = new TextDecoder().decode(response.body);
    if (out.offer !== null) {
      const answer = readAnswer(out.offer, body);
      if (!answer.ok) {
        this.#log('info', `ignored the SDP of a reliable ${response.status}: ${answer.reason}`);
        return null;
      }
      this.#reliableMedia = answer.media;
      this.#startEarlyMedia(answer.media);
      return null;
    }
    const r = answerSdp(body, this.#host.options.media, this.#signalling(), this.#host.mediaAddress, this.#media.localPort);
    if (!r.ok) {
      // The PRACK cannot go without the answer (§5): give up the attempt (CANCEL).
      this.#log('warn', `the offer of a reliable ${response.status} cannot be answered: ${r.reason}`);
      this.#feed({ type: 'hangup', reason: 'not-acceptable' });
      return null;
    }
    this.#localSdp = r.sdp;
    this.#reliableMedia = r.media;
    this.#startEarlyMedia(r.media);
    return r.sdp;
  }

  #startEarlyMedia(media: NegotiatedMedia): void {
    const first = !this.#earlyStarted;
    this.#earlyStarted = true;
    this.#startMedia(media);
    const handler = this.onEarlyMediaHandler;
    if (handler === null || !first) return; // the app is told once
    try {
      handler(this);
    } catch (e) {
      this.#log('error', 'the onEarlyMedia callback threw', e);
    }
  }

  #earlyStarted = false;
  /** Outbound: the media an offer/answer in a reliable 1xx agreed (RFC 3262 §5); the 2xx's SDP is then not read. */
  #reliableMedia: NegotiatedMedia | null = null;
  /** Outbound: RSeq per early dialog and the PRACKs' CSeq (RFC 3262 §4). */
  readonly #prack = new ReliableProvisionalReceiver();

  /**
   * Outbound: a reliable 1xx (RFC 3262 §4) in an early dialog. A new RSeq is
   * processed (ringing, SDP) and PRACKed, in order; a retransmission or an
   * out-of-order RSeq is discarded without PRACK. False when discarded.
   */
  #onReliableProvisional(out: Outbound, dialog: Dialog, response: SipResponse): boolean {
    let r;
    try {
      r = this.#prack.receive(dialog, response);
    } catch (e) {
      if (!(e instanceof DialogError)) throw e;
      this.#log('info', `a reliable ${response.status} with a bad RSeq was discarded`, e);
      return false;
    }
    if (r.verdict !== 'new') return false; // §4: "MUST NOT be acknowledged with a PRACK, and MUST NOT be processed further"
    const answer = this.#reliableSdp(out, response);
    if (this.state === 'terminating' || this.state === 'terminated') return true; // given up (CANCEL): no PRACK
    const { request, dialog: next } = this.#prack.prack(dialog.id.remoteTag, r.rack, {
      via: this.#host.via(this.transport),
      headers: [['User-Agent', this.#host.options.userAgent]],
      ...(answer === null ? {} : { body: answer, contentType: SDP_TYPE }),
    });
    this.#request(request, next).then(
      (res) => {
        if (res.status >= 300) this.#log('warn', `PRACK answered ${res.status} ${res.reason}`);
      },
      (e: unknown) => this.#log('warn', 'PRACK got no final response', e),
    );
    return true;
  }

  /** @internal Session-timer headers for our INVITE (RFC 4028 §7.1), none when timers are off. */
  sessionTimerHeaders(): Array<readonly [string, string]> {
    return this.#sessionTimer === null ? [] : withoutSupported(this.#sessionTimer.requestHeaders());
  }

  /**
   * @internal Outbound: a 422 to our INVITE (RFC 4028 §7.4). True when the
   * INVITE is to be sent again (new CSeq, {@link sessionTimerHeaders} now
   * carry the larger Min-SE).
   */
  retryAfter422(response: SipResponse): boolean {
    return this.#sessionTimer?.receiveResponse(response).type === 'retry';
  }

  /** @internal Outbound: a provisional response. */
  onProvisional(response: SipResponse): void {
    const out = this.#outbound;
    if (out === null) return;
    let ev;
    try {
      ev = out.forks.receive(response);
    } catch {
      return;
    }
    const reliable = ev.type === 'early' && isReliableProvisional(response);
    if (ev.type === 'early' && reliable && !this.#onReliableProvisional(out, ev.dialog, response)) return;
    if (response.status >= 180 && response.status < 190) {
      this.#ringingAt ??= performance.now();
      this.#safeEmit('ringing', { status: response.status });
      if (!reliable) this.#earlyMedia(out, response);
    }
    this.#feed({ type: 'provisional', dialog: ev.type === 'early' });
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
    this.#dialog = this.#prack.confirmed(ev.dialog); // CSeq above our PRACKs (RFC 3261 §12.2.1.1)
    this.#host.bindDialog(this, ev.dialog.id);
    this.#peerAllowsUpdate = allowsUpdate(response);
    this.#sessionTimer?.receiveResponse(response); // RFC 4028 §7.2
    const cseq = out.invite.cseq?.seq ?? 0;
    const body = new TextDecoder().decode(response.body);
    let answer: { ok: true; media: NegotiatedMedia } | { ok: false; reason: string };
    let ackBody: string | null = null;
    const early = this.#reliableMedia;
    if (early !== null) {
      // RFC 3262 §5 with RFC 3261 §13.2.1: the offer/answer completed in a reliable 1xx; SDP in the 2xx is a copy, not a new offer.
      answer = { ok: true, media: early };
    } else if (out.offer === null) {
      // Delayed offer (RFC 3261 §13.2.1): the 2xx carries the peer's offer, our answer goes in the ACK.
      const media = this.#media;
      const r = media === null || body === '' ? null : answerSdp(body, this.#host.options.media, this.#signalling(), this.#host.mediaAddress, media.localPort);
      if (r?.ok === true) {
        ackBody = r.sdp;
        this.#localSdp = r.sdp;
        answer = { ok: true, media: r.media };
      } else {
        answer = { ok: false, reason: r === null ? 'the 2xx carries no SDP offer' : r.reason };
      }
    } else {
      answer = readAnswer(out.offer, body);
    }
    out.ack = createAckFor2xx(ev.dialog, cseq, {
      via: this.#host.via(out.flow.protocol),
      ...(ackBody === null ? {} : { body: ackBody, contentType: SDP_TYPE }),
    });
    void this.#sendAck(out.ack);
    if (!answer.ok || this.#media === null) {
      this.#log('warn', `unusable SDP answer: ${answer.ok ? 'no media' : answer.reason}`);
      this.#feed({ type: 'answered' });
      this.#feed({ type: 'hangup', reason: 'not-acceptable' });
      return;
    }
    if (early === null) this.#startMedia(answer.media);
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
        // RFC 3262 §3: with `Require: 100rel` every 1xx but 100 goes reliably; with only `Supported` the 180 stays unreliable.
        if (inb.reliability === 'required') this.#sendReliable(inb, 180, null, null, () => undefined);
        else this.#respondInvite(this.#provisional(inb, 180, null, []));
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
        this.#stopReliable(inb);
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
    this.#sessionTimer?.close();
    if (this.#inbound !== null) this.#stopReliable(this.#inbound);
    if (this.#reInviteOk?.timer != null) clearTimeout(this.#reInviteOk.timer);
    this.#reInviteOk = null;
    if (this.#dialog !== null) this.#dialog = terminateDialog(this.#dialog);
    const media = this.#media;
    if (media !== null) {
      this.#finalMedia = { ...media.metrics };
      this.#mediaClosed = media.close().catch((err: unknown) => this.#log('warn', 'media close failed', err));
    }
    // An established call's promise has resolved: building the error (a stack trace) would be wasted on every call.
    if (this.#establishedAt === null) {
      this.#rejectEstablished(
        new CallFailedError(this.direction === 'outbound' ? failureCode(end) : inboundFailureCode(end), `the call ended (${end.by}, ${end.reason}${end.status === null ? '' : `, ${end.status}`})`, {
          status: end.status,
          reasonPhrase: this.#finalReasonPhrase,
          reasonHeader: this.#remoteReason,
          warnings: this.#finalWarnings,
          ...(this.#failureCause === undefined ? {} : { cause: this.#failureCause }),
        }),
      );
    }
    // RFC 3262: a reliable 1xx the call outlived was never PRACKed (`progress()` rejects with why the call ended).
    for (const item of this.#inbound?.unsettled ?? []) this.#settle(this.#inbound!, item, false);
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
    if (this.#early !== null) {
      // RFC 3262 §3: a reliable 183 (it carries SDP) must be PRACKed before the 2xx.
      await this.#early.catch(() => undefined);
      if (this.state !== 'incoming' && this.state !== 'ringing') {
        await this.#established; // rejects with why the call ended
        throw new CallStateError('answer', this.state);
      }
    }
    const early = this.#media !== null && this.#localSdp !== null;
    const prepared = early ? { sdp: this.#localSdp!, negotiated: null } : await this.#prepareMedia(inb, options);
    const sdp = prepared.sdp;
    const negotiated = prepared.negotiated;
    // RFC 4028 §9: the session timer's answer (the user agent already refused, with 422, what it must).
    const timerAnswer = this.#timerAnswer(inb.invite);
    const headers: Array<readonly [string, string]> = [
      ['Contact', this.#host.contact(inb.flow.protocol)],
      ...capabilityHeaders(),
      ...withoutSupported(timerAnswer?.action === 'accept' ? timerAnswer.headers : []),
      ['Server', this.#host.options.userAgent],
    ];
    for (const [k, v] of Object.entries(options.headers ?? {})) headers.push([k, v]);
    // RFC 3262 §3: no more 1xx once the final response goes (a PRACK for the last one still gets 200).
    this.#stopReliable(inb);
    // §12.1.1: a dialog-creating response copies Record-Route.
    let dialog: Dialog;
    try {
      inb.ok = createResponse(inb.invite, 200, { toTag: inb.toTag, copyRecordRoute: true, headers, body: sdp, contentType: SDP_TYPE });
      // §12.1.1: the dialog as the 2xx makes it; the ACK confirms it (§13.3.1.4).
      dialog = createUasDialog(inb.invite, inb.ok, { overTls: inb.flow.protocol === 'tls' });
    } catch (e) {
      // An INVITE the user agent admitted but that cannot make a dialog (a malformed header §12.1.1 reads):
      // refuse it (the call ends, its media closes) rather than leave it ringing for ever.
      this.#log('error', 'the INVITE cannot create a dialog', e);
      this.#feedReject(500, 'rejected');
      throw new CallFailedError('CALL_REJECTED', 'the INVITE cannot create a dialog; answered 500', { status: 500, cause: e });
    }
    this.#dialog = dialog;
    if (negotiated !== null) this.#startMedia(negotiated);
    this.#act({ type: 'answer' }, 'answer');
    if (timerAnswer !== null) this.#sessionTimer?.answered(timerAnswer);
    await this.#established;
  }

  /** Opens media and answers the INVITE's offer (or makes ours, for a delayed offer); refuses the call (503/488) when it cannot. */
  async #prepareMedia(inb: Inbound, options: CallMediaChoices): Promise<{ sdp: string; negotiated: NegotiatedMedia | null }> {
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
      throw new CallStateError('answer', this.state);
    }
    const signalling = this.#signalling();
    let sdp: string;
    let negotiated: NegotiatedMedia | null = null;
    if (inb.offer === '') {
      // Delayed offer (RFC 3261 §13.3.1.1 with RFC 3264 §5): our offer in the 2xx, the answer in the ACK.
      inb.offerInOk = offerSdp(this.#host.options.media, signalling, this.#host.mediaAddress, media.localPort);
      sdp = inb.offerInOk.sdp;
    } else {
      const r = answerSdp(inb.offer, this.#host.options.media, signalling, this.#host.mediaAddress, media.localPort);
      if (!r.ok) {
        await media.close();
        this.#finalWarning = r.warning;
        this.#feedReject(r.status, 'not-acceptable');
        throw new CallFailedError('CALL_NOT_ACCEPTABLE', `the offer cannot be answered: ${r.reason}`, { status: r.status });
      }
      sdp = r.sdp;
      negotiated = r.media;
    }
    this.#media = media;
    this.#watchMedia(media);
    this.#localSdp = sdp;
    return { sdp, negotiated };
  }

  /**
   * Inbound: early media (RFC 3261 §13.3.1.1 with RFC 3960's gateway model):
   * open media, answer the offer and send 183 Session Progress with the SDP,
   * so `call.audio` plays (an IVR prompt, a ringback) before `answer()`. The
   * 2xx later carries the same SDP. Idempotent.
   *
   * When the INVITE says `Supported: 100rel` or `Require: 100rel` the 183 is
   * sent reliably (RFC 3262 §3: `Require: 100rel`, `RSeq`, resent until the
   * PRACK) and the promise resolves once it is PRACKed; `answer()` waits for
   * that PRACK (§3: no 2xx while a 1xx with SDP is unacknowledged). A
   * delayed-offer INVITE then gets our offer in the 183 and its answer comes
   * in the PRACK (§5), which starts the media. No PRACK within 64·T1: the
   * INVITE is rejected with 500 and the promise rejects (CALL_TIMEOUT).
   * Without 100rel the 183 is unreliable and a delayed-offer INVITE is
   * refused (CallStateError: its offer would need a reliable 183).
   * Rejects with CallStateError after the answer or for an outbound call.
   */
  progress(options: CallMediaChoices = {}): Promise<void> {
    if (this.#early !== null) return this.#early;
    const inb = this.#inbound;
    if (inb === null) return Promise.reject(new CallStateError('send early media on an outbound call', this.state));
    if (this.#answering !== null || (this.state !== 'incoming' && this.state !== 'ringing')) return Promise.reject(new CallStateError('send early media', this.state));
    const reliable = inb.reliability !== 'none';
    if (inb.offer === '' && !reliable) return Promise.reject(new CallStateError('send early media', 'a delayed-offer INVITE without 100rel (its offer needs a reliable 183)'));
    this.#early = (async () => {
      const { sdp, negotiated } = await this.#prepareMedia(inb, options);
      this.#ringingAt ??= performance.now();
      if (!reliable) {
        if (negotiated !== null) this.#startMedia(negotiated);
        this.#respondInvite(this.#provisional(inb, 183, sdp, []));
        return;
      }
      // RFC 3262 §5: a delayed offer's offer goes in the reliable 183 and is answered in the PRACK, not the ACK.
      const offer = inb.offerInOk;
      inb.offerInOk = null;
      if (negotiated !== null) this.#startMedia(negotiated);
      await new Promise<void>((resolve, reject) =>
        this.#sendReliable(inb, 183, sdp, offer, (acknowledged) => {
          // Not PRACKed: the call ended (no PRACK within 64·T1 → 500 and CALL_TIMEOUT, or CANCEL, hangup...): reject with why.
          if (acknowledged) resolve();
          else this.#established.then(() => reject(new CallStateError('send early media', this.state)), reject);
        }),
      );
    })();
    return this.#early;
  }

  /** A 1xx to the INVITE with our Contact, `extra` headers and, when given, an SDP body. */
  #provisional(inb: Inbound, status: number, sdp: string | null, extra: ReadonlyArray<readonly [string, string]>): SipResponse {
    return createResponse(inb.invite, status, {
      toTag: inb.toTag,
      headers: [['Contact', this.#host.contact(inb.flow.protocol)], ...extra, ['Server', this.#host.options.userAgent]],
      ...(sdp === null ? {} : { body: sdp, contentType: SDP_TYPE }),
    });
  }

  /** RFC 3262 §3: sends a 1xx reliably (queued behind an unacknowledged one); `settle` learns whether it was PRACKed. */
  #sendReliable(inb: Inbound, status: number, sdp: string | null, offer: PendingOffer | null, settle: (acknowledged: boolean) => void): void {
    const sender = (inb.reliable ??= new ReliableProvisionalSender<ReliableItem>({
      T1: this.#host.options.timers.T1,
      retransmit: inb.flow.protocol === 'udp',
      inviteCSeq: inb.invite.cseq?.seq ?? 0,
    }));
    const item: ReliableItem = { status, sdp, offer, response: null, settle };
    inb.unsettled.add(item);
    this.#reliableOutputs(inb, sender.enqueue(item, sdp !== null, this.#host.scheduler.now()));
  }

  #reliableOutputs(inb: Inbound, outputs: ReadonlyArray<ReliableProvisionalOutput<ReliableItem>>): void {
    for (const o of outputs) {
      switch (o.type) {
        case 'send':
          o.item.response ??= this.#provisional(inb, o.item.status, o.item.sdp, [['Require', RELIABLE_OPTION_TAG], ['RSeq', String(o.rseq)]]);
          this.#respondInvite(o.item.response);
          break;
        case 'acknowledged':
          this.#settle(inb, o.item, true);
          break;
        case 'timeout':
          // RFC 3262 §3: "the UAS SHOULD reject the original request with a 5xx response".
          this.#log('warn', `no PRACK for our reliable ${o.item.status} (RSeq ${o.rseq}) within 64*T1`);
          this.#feedReject(500, 'timeout');
          this.#settle(inb, o.item, false);
          break;
        default:
          assertNever(o, 'reliable provisional output');
      }
    }
    const sender = inb.reliable;
    if (sender === null) return;
    const at = sender.nextDeadline;
    if (at === null) this.#host.scheduler.cancel(sender);
    else this.#host.scheduler.schedule(sender, at, () => this.#reliableOutputs(inb, sender.tick(this.#host.scheduler.now())));
  }

  #settle(inb: Inbound, item: ReliableItem, acknowledged: boolean): void {
    if (inb.unsettled.delete(item)) item.settle(acknowledged);
  }

  /** A final response goes out (or the call ended): reliable 1xx are no longer resent. */
  #stopReliable(inb: Inbound): void {
    if (inb.reliable === null) return;
    inb.reliable.finalSent();
    this.#host.scheduler.cancel(inb.reliable);
  }

  /**
   * PRACK (RFC 3262 §3): 200 when its RAck names our unacknowledged reliable
   * 1xx, else 481. The answer to an offer in that 1xx is in its body (§5):
   * it starts the early media; none, or a bad one, refuses the INVITE (488).
   * When our 1xx carried the answer, SDP in the PRACK is a new offer (§5),
   * answered in the PRACK's 200.
   */
  #onPrack(incoming: IncomingRequest): void {
    const inb = this.#inbound;
    const sender = inb?.reliable ?? null;
    if (inb === null || sender === null) {
      this.#reply(incoming, 481);
      return;
    }
    const { matched, outputs } = sender.receivePrack(parseRAck(incoming.request.headers.get('RAck')), this.#host.scheduler.now());
    if (!matched) {
      this.#reply(incoming, 481);
      return;
    }
    const body = new TextDecoder().decode(incoming.request.body);
    const offer = outputs.find((o) => o.type === 'acknowledged')?.item.offer ?? null;
    const media = this.#media;
    if (offer !== null) {
      this.#reply(incoming, 200);
      const answer = body === '' ? ({ ok: false, reason: 'the PRACK carries no SDP answer to the offer of our 183' } as const) : readAnswer(offer, body);
      if (!answer.ok) {
        this.#log('warn', `delayed offer by 100rel: ${answer.reason}`);
        this.#feedReject(488, 'not-acceptable');
      } else {
        this.#startMedia(answer.media);
      }
    } else if (body !== '' && media !== null && (this.state === 'incoming' || this.state === 'ringing')) {
      const r = answerSdp(body, this.#host.options.media, this.#signalling(), this.#host.mediaAddress, media.localPort, { previous: this.#localSdp });
      if (r.ok) {
        this.#localSdp = r.sdp;
        const headers: Array<readonly [string, string]> = [['Server', this.#host.options.userAgent]];
        this.#respond(incoming, createResponse(incoming.request, 200, { headers, body: r.sdp, contentType: SDP_TYPE }));
        this.#applyMedia(r.media, 'remote');
      } else {
        // §3 wants a 2xx for a matching PRACK; the session cannot go on with an offer we refuse: the INVITE gets 488.
        this.#reply(incoming, 200);
        this.#log('warn', `the offer in a PRACK cannot be answered: ${r.reason}`);
        this.#feedReject(r.status, 'not-acceptable');
      }
    } else {
      this.#reply(incoming, 200);
    }
    this.#reliableOutputs(inb, outputs);
  }

  #feedReject(status: number, reason: 'rejected' | 'not-acceptable' | 'timeout'): void {
    this.#feed({ type: 'reject', status, reason });
  }

  // ---------------------------------------------------------------- in-call offers (RFC 3261 §14, RFC 3311)

  #signalling(): SignallingTransport {
    return this.transport === 'udp' ? 'udp' : this.transport === 'tcp' ? 'tcp' : 'tls';
  }

  /** RFC 4028 §9 for a received INVITE/UPDATE: null when timers are off. @throws SessionTimerError (400) */
  #timerAnswer(request: SipRequest): SessionTimerAnswer | null {
    return this.#sessionTimer?.answerRequest(request) ?? null;
  }

  #startMedia(m: NegotiatedMedia): void {
    try {
      this.#media?.start(m);
    } catch (e) {
      this.#log('error', 'media failed to start', e);
    }
    this.#noteHold(m);
  }

  /** Applies a re-negotiation: the media engine re-keys, resets the latch and follows address/codec/direction. */
  #applyMedia(m: NegotiatedMedia, by: 'local' | 'remote'): void {
    try {
      this.#media?.update(m);
    } catch (e) {
      this.#log('error', 'media update failed', e);
    }
    this.#noteHold(m);
    this.#safeEmit('renegotiated', { by });
  }

  /** `hold`/`unhold` when the peer's SDP starts or stops holding us (RFC 3264 §8.4, sendonly/inactive/0.0.0.0). */
  #noteHold(m: NegotiatedMedia): void {
    if (m.remoteHold === this.#remoteHeld) return;
    this.#remoteHeld = m.remoteHold;
    if (m.remoteHold) this.#safeEmit('hold', { direction: m.direction });
    else this.#safeEmit('unhold');
  }

  /** A re-INVITE or UPDATE from the peer (RFC 3261 §14.2, RFC 3311 §5.2), with or without an offer. */
  #onOffer(incoming: IncomingRequest): void {
    const req = incoming.request;
    const body = new TextDecoder().decode(req.body);
    const isInvite = req.method === 'INVITE';
    // §14.2 / RFC 3311 §5.2: an offer while another exchange is in progress is glare: 491.
    if (this.#offerPending && (isInvite || body !== '')) {
      this.#reply(incoming, 491);
      return;
    }
    let timer: SessionTimerAnswer | null;
    try {
      timer = this.#timerAnswer(req);
    } catch (e) {
      if (!(e instanceof SessionTimerError)) throw e;
      this.#reply(incoming, 400, [['Warning', `399 ${this.#host.mediaAddress} "${e.message.replace(/"/g, "'")}"`]]);
      return;
    }
    if (timer?.action === 'reject') {
      this.#reply(incoming, 422, timer.headers); // RFC 4028 §9
      return;
    }
    const media = this.#media;
    if (body !== '' && bodyType(req.contentType) !== SDP_TYPE) {
      this.#reply(incoming, 415, [['Accept', SDP_TYPE]]);
      return;
    }
    let sdp: string | undefined;
    let offerInOk: PendingOffer | null = null;
    if (body === '') {
      if (isInvite && media !== null) {
        // §14.2 with RFC 3264: a re-INVITE without an offer gets ours in the 2xx; the answer comes in the ACK.
        offerInOk = offerSdp(this.#host.options.media, this.#signalling(), this.#host.mediaAddress, media.localPort, {
          previous: this.#localSdp,
          direction: this.#localHold ? 'sendonly' : 'sendrecv',
        });
        sdp = offerInOk.sdp;
        this.#localSdp = sdp;
      }
      // An UPDATE without a body is a session refresh (RFC 4028 §7): 200 and the timer restarts.
    } else {
      if (media === null) {
        this.#reply(incoming, 488);
        return;
      }
      const r = answerSdp(body, this.#host.options.media, this.#signalling(), this.#host.mediaAddress, media.localPort, {
        previous: this.#localSdp,
        ...(this.#localHold ? { direction: 'sendonly' } : {}),
      });
      if (!r.ok) {
        // §14.2: a re-offer we cannot accept is refused; the session goes on as it was.
        this.#reply(incoming, r.status, r.warning === null ? [] : [['Warning', r.warning]]);
        return;
      }
      sdp = r.sdp;
      this.#localSdp = r.sdp;
      this.#applyMedia(r.media, 'remote');
    }
    const headers: Array<readonly [string, string]> = [
      ['Contact', this.#host.contact(this.transport)],
      ...capabilityHeaders(),
      ...withoutSupported(timer?.action === 'accept' ? timer.headers : []),
      ['Server', this.#host.options.userAgent],
    ];
    const tagged = req.to?.tag == null ? { toTag: this.#inbound?.toTag ?? 'x' } : {};
    const ok = createResponse(req, 200, { ...tagged, headers, ...(sdp === undefined ? {} : { body: sdp, contentType: SDP_TYPE }) });
    this.#respond(incoming, ok);
    if (timer !== null) this.#sessionTimer?.answered(timer);
    if (isInvite) this.#awaitReInviteAck(incoming, ok, offerInOk);
  }

  /** §14.2 / §13.3.1.4: our 2xx to a re-INVITE is resent over UDP (T1 doubling to T2) until the ACK; none within 64·T1 ends the call. */
  #awaitReInviteAck(incoming: IncomingRequest, ok: SipResponse, offer: PendingOffer | null): void {
    const { T1, T2 } = this.#host.options.timers;
    const pending: PendingReInvite = { incoming, ok, cseq: incoming.request.cseq?.seq ?? -1, offer, timer: null };
    this.#reInviteOk = pending;
    this.#offerPending = true;
    const started = performance.now();
    const resend = (interval: number): void => {
      pending.timer = setTimeout(() => {
        if (this.#reInviteOk !== pending) return;
        if (performance.now() - started >= 64 * T1) {
          this.#reInviteOk = null;
          this.#offerPending = false;
          this.#log('warn', 'no ACK for our 2xx to a re-INVITE');
          this.#feed({ type: 'hangup', reason: 'ack-timeout' });
          return;
        }
        if (incoming.flow.protocol === 'udp') this.#respond(incoming, ok);
        resend(Math.min(2 * interval, T2));
      }, incoming.flow.protocol === 'udp' ? interval : 64 * T1);
    };
    resend(T1);
  }

  #ackReInvite(pending: PendingReInvite, ack: SipRequest): void {
    if (pending.timer !== null) clearTimeout(pending.timer);
    this.#reInviteOk = null;
    this.#offerPending = false;
    if (pending.offer === null) return;
    const body = new TextDecoder().decode(ack.body);
    const answer = body === '' ? ({ ok: false, reason: 'the ACK carries no SDP answer' } as const) : readAnswer(pending.offer, body);
    if (!answer.ok) {
      // RFC 3261 §14.2 leaves no way to refuse an ACK: the session cannot go on (BYE).
      this.#log('warn', `re-INVITE without offer: ${answer.reason}`);
      this.#feed({ type: 'hangup', reason: 'not-acceptable' });
      return;
    }
    this.#applyMedia(answer.media, 'remote');
  }

  /** Our offer in a re-INVITE or UPDATE (RFC 3261 §14.1, RFC 3311 §5.1), 491 retried per §14.1. */
  async #reoffer(direction: MediaDirection, method: 'INVITE' | 'UPDATE'): Promise<void> {
    if (this.state !== 'established' || this.#dialog === null || this.#media === null) throw new CallStateError('re-offer', this.state);
    if (this.#offerPending) throw new CallStateError('re-offer', 'negotiating (an offer/answer exchange is in progress)');
    if (method === 'UPDATE' && !this.#peerAllowsUpdate) throw new CallStateError('send UPDATE', 'with a peer that does not allow UPDATE');
    this.#offerPending = true;
    try {
      for (let glare = 0; ; ) {
        const media = this.#media;
        if (this.state !== 'established' || media === null) throw new CallStateError('re-offer', this.state);
        const offer = offerSdp(this.#host.options.media, this.#signalling(), this.#host.mediaAddress, media.localPort, { previous: this.#localSdp, direction });
        this.#localSdp = offer.sdp; // RFC 3264 §8: every SDP we send gets the next o= version, answered or not
        const response = await this.#offerRequest(method, offer.sdp);
        if (response === null) continue; // 422 answered: sent again with the larger Min-SE (RFC 4028 §7.4)
        if (response.status === 491) {
          if (++glare > MAX_GLARE_RETRIES) throw new CallRequestError('CALL_REQUEST_GLARE', `${method} answered 491 ${glare} times`, { status: 491 });
          // §14.1: the owner of the Call-ID (the caller) waits 2.1-4 s, the other side 0-2 s, in 10 ms units.
          const ms = this.direction === 'outbound' ? 2100 + 10 * Math.floor(Math.random() * 191) : 10 * Math.floor(Math.random() * 201);
          // While we wait, the peer's offer is welcome (that is the point of the wait).
          this.#offerPending = false;
          await new Promise((resolve) => setTimeout(resolve, ms));
          // Its exchange may still wait for our ACK of its 2xx / its ACK of ours: let it finish first.
          for (let waited = 0; this.#offerPending && waited < 64 * this.#host.options.timers.T1; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
          if (this.#offerPending) throw new CallRequestError('CALL_REQUEST_GLARE', `${method} could not start: the peer's exchange did not complete`, { status: 491 });
          this.#offerPending = true;
          continue;
        }
        if (response.status >= 300) throw new CallRequestError('CALL_REQUEST_FAILED', `${method} answered ${response.status} ${response.reason}: the session is unchanged`, { status: response.status });
        const answer = readAnswer(offer, new TextDecoder().decode(response.body));
        if (!answer.ok) throw new CallRequestError('CALL_REQUEST_FAILED', `unusable SDP answer to our ${method}: ${answer.reason}`, { status: response.status });
        this.#applyMedia(answer.media, 'local');
        return;
      }
    } finally {
      this.#offerPending = false;
    }
  }

  /**
   * Sends an INVITE/UPDATE in the dialog (with `sdp`, or none) carrying the
   * session-timer headers, ACKs a 2xx to a re-INVITE, and feeds the timer the
   * outcome. Null when a 422 asks for the request again (RFC 4028 §7.4).
   * @throws CallRequestError CALL_REQUEST_TIMEOUT without a final response.
   */
  async #offerRequest(method: 'INVITE' | 'UPDATE', sdp: string | null): Promise<SipResponse | null> {
    const dialog = this.#dialog;
    if (dialog === null || dialog.state === 'terminated') throw new CallStateError(`send ${method}`, this.state);
    const headers: Array<readonly [string, string]> = [
      ...capabilityHeaders(),
      ...this.sessionTimerHeaders(),
      ['User-Agent', this.#host.options.userAgent],
    ];
    const { request, dialog: next } = createInDialogRequest(dialog, method, {
      via: this.#host.via(this.transport),
      headers,
      ...(sdp === null ? {} : { body: sdp, contentType: SDP_TYPE }),
    });
    this.#dialog = next;
    let response: SipResponse;
    try {
      response = await this.#request(request, next);
    } catch (e) {
      this.#sessionTimer?.requestFailed(); // RFC 4028 §10: a refresh without answer ends the session
      throw new CallRequestError('CALL_REQUEST_TIMEOUT', `${method} got no final response`, { cause: e });
    }
    if (method === 'INVITE' && response.status >= 200 && response.status < 300 && this.#dialog !== null) {
      // §13.2.2.4 (§14.1): ACK the 2xx of a re-INVITE; the same ACK for its retransmissions.
      const cseq = request.cseq?.seq ?? 0;
      const ack = createAckFor2xx(this.#dialog, cseq, { via: this.#host.via(this.transport) });
      this.#reofferAck = { cseq, ack };
      void this.#sendAck(ack);
    }
    if (response.status < 300) this.#peerAllowsUpdate ||= allowsUpdate(response);
    if (response.status === 481 || response.status === 408) {
      // §12.2.1.2: the dialog is gone.
      this.#sessionTimer?.receiveResponse(response);
      this.#feed({ type: 'bye' });
      return response;
    }
    return this.#sessionTimer?.receiveResponse(response).type === 'retry' ? null : response;
  }

  /** RFC 4028 §10: the refresh is due. UPDATE without a body when the peer allows it (§9), else a re-INVITE with a new offer. */
  #refreshSession(): void {
    if (this.state !== 'established') return;
    if (this.#offerPending) return; // the exchange in progress refreshes the session
    if (!this.#peerAllowsUpdate) {
      this.#reoffer(this.#localHold ? 'sendonly' : 'sendrecv', 'INVITE').catch((e: unknown) => this.#log('warn', 'session refresh by re-INVITE failed', e));
      return;
    }
    void (async () => {
      for (;;) {
        const r = await this.#offerRequest('UPDATE', null);
        if (r !== null) {
          if (r.status >= 300) this.#log('warn', `session refresh by UPDATE answered ${r.status}`);
          return;
        }
      }
    })().catch((e: unknown) => this.#log('warn', 'session refresh by UPDATE failed', e));
  }

  /** SIP INFO from the peer: DTMF bodies become `dtmf` events (RFC 6086 with the de-facto dtmf-relay/dtmf bodies). */
  #onInfo(incoming: IncomingRequest): void {
    const req = incoming.request;
    if (req.body.length === 0) {
      this.#reply(incoming, 200); // an empty INFO: nothing to do (some trunks probe with it)
      return;
    }
    if (!isInfoDtmfType(req.contentType)) {
      this.#reply(incoming, 415, [['Accept', ACCEPTED_TYPES]]); // RFC 6086 §4.2.2
      return;
    }
    let d;
    try {
      d = parseInfoDtmf(req.contentType, req.body);
    } catch (e) {
      if (!(e instanceof InfoDtmfError)) throw e;
      this.#reply(incoming, 400);
      return;
    }
    this.#reply(incoming, 200);
    this.#safeEmit('dtmf', { digit: d.digit, durationMs: d.durationMs ?? 0, source: 'info' });
  }

  async #sendInfoDtmf(digits: string, options: SendDtmfOptions): Promise<void> {
    if (typeof digits !== 'string' || !/^[0-9*#A-Da-d]+$/.test(digits)) throw new TypeError('digits must be a non-empty string of 0-9, *, #, A-D');
    const durationMs = options.durationMs ?? 250;
    const bodies = [...digits.toUpperCase()].map((d) => formatInfoDtmf(d, { durationMs }));
    for (const b of bodies) {
      options.signal?.throwIfAborted();
      const dialog = this.#dialog;
      if (this.state !== 'established' || dialog === null) throw new CallStateError('send DTMF by INFO', this.state);
      const { request, dialog: next } = createInDialogRequest(dialog, 'INFO', { via: this.#host.via(this.transport), body: b.body, contentType: b.contentType });
      this.#dialog = next;
      let response: SipResponse;
      try {
        response = await this.#request(request, next);
      } catch (e) {
        throw new CallRequestError('CALL_REQUEST_TIMEOUT', 'INFO got no final response', { cause: e });
      }
      if (response.status >= 300) throw new CallRequestError('CALL_REQUEST_FAILED', `INFO answered ${response.status} ${response.reason}`, { status: response.status });
    }
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

  #reply(incoming: IncomingRequest, status: number, headers: ReadonlyArray<readonly [string, string]> = []): void {
    const tagged = incoming.request.to?.tag == null ? { toTag: this.#inbound?.toTag ?? 'x' } : {};
    this.#respond(incoming, createResponse(incoming.request, status, { ...tagged, headers: [...headers, ['Server', this.#host.options.userAgent]] }));
  }

  #respond(incoming: IncomingRequest, response: SipResponse): void {
    try {
      incoming.respond(response);
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

/** True when `m` carries an SDP body. */
function hasSdp(m: SipResponse): boolean {
  return m.body.length > 0 && bodyType(m.contentType) === SDP_TYPE;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Allow, Accept and Supported (RFC 3261 §20.5, §20.1, §20.37). */
export function capabilityHeaders(): Array<readonly [string, string]> {
  return [
    ['Allow', ALLOWED_METHODS.join(', ')],
    ['Accept', ACCEPTED_TYPES],
    ['Supported', SUPPORTED_TAGS.join(', ')],
  ];
}

/** Session-timer headers without their `Supported: timer`, which {@link capabilityHeaders} already carries. */
function withoutSupported(headers: ReadonlyArray<readonly [string, string]>): Array<readonly [string, string]> {
  return headers.filter(([name]) => name.toLowerCase() !== 'supported');
}

/** True when the message's Allow lists UPDATE (RFC 3311 §5.1: only then may we send one). */
function allowsUpdate(message: SipRequest | SipResponse): boolean {
  return message.headers.getAll('Allow').some((v) => v.split(',').some((m) => m.trim().toUpperCase() === 'UPDATE'));
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
    case 'session-expired':
      return SESSION_EXPIRED_REASON; // RFC 4028 §10
    default:
      return undefined;
  }
}

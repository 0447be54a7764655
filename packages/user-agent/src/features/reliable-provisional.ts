/**
 * Reliable provisional responses — RFC 3262 (100rel / PRACK) — as pure state
 * for one INVITE, both roles. Nothing here reads a clock or a socket: the
 * call passes `now` (ms) in and sends what comes out.
 *
 * UAS ({@link ReliableProvisionalSender}, §3): each reliable 1xx gets the next
 * RSeq (the first one random in 1..2^31-1), is resent at T1, 2·T1, 4·T1, ...
 * until the PRACK whose RAck names it arrives, and is given up after 64·T1
 * (the INVITE is then rejected with a 5xx). Only one is unacknowledged at a
 * time: later ones wait in a queue. While one that carries SDP is
 * unacknowledged (in flight or queued), no 2xx may be sent.
 *
 * ```
 *  enqueue ──▶ in flight ──PRACK (RAck = RSeq CSeq INVITE)──▶ acknowledged ──▶ next queued one sent
 *                 │  resent at T1·2^n
 *                 └──── 64·T1 without PRACK ──▶ timeout (reject the INVITE, 5xx)
 * ```
 *
 * UAC ({@link ReliableProvisionalReceiver}, §4): per early dialog, a 1xx with
 * `Require: 100rel` and the next RSeq is new (send PRACK); the same RSeq again
 * is a retransmission and anything else out of order: both are discarded,
 * no PRACK (the PRACK's own client transaction resends a lost PRACK).
 */
import { SipParseError, parseTokenList, type SipRequest, type SipResponse } from '@trunkline/sip-parser';
import { createPrack, receiveReliableProvisional, type Dialog, type InDialogRequestOptions, type ReliableProvisional } from '@trunkline/transaction-layer';

/** The option tag of RFC 3262 (§3), for Supported and Require. */
export const RELIABLE_OPTION_TAG = '100rel';

/** The largest first RSeq (RFC 3262 §3: "between 1 and 2**31 - 1"). */
export const MAX_INITIAL_RSEQ = 2 ** 31 - 1;

/** The RAck header of a PRACK (RFC 3262 §7.2): `RAck: response-num CSeq-num Method`. */
export interface RAck {
  /** The RSeq of the provisional response acknowledged. */
  readonly rseq: number;
  /** The CSeq number of the INVITE it answered. */
  readonly cseq: number;
  /** The CSeq method of the INVITE it answered (`INVITE`). */
  readonly method: string;
}

/**
 * Reads an RAck value (RFC 3262 §7.2: `response-num LWS CSeq-num LWS Method`,
 * numbers 1*DIGIT up to 2^32-1). Null when absent or malformed (a PRACK that
 * names nothing matches nothing: 481).
 */
export function parseRAck(value: string | undefined): RAck | null {
  const m = value === undefined ? null : /^\s*(\d{1,10})\s+(\d{1,10})\s+([A-Za-z]+)\s*$/.exec(value);
  if (m === null) return null;
  const rseq = Number(m[1]);
  const cseq = Number(m[2]);
  if (rseq < 1 || rseq > 0xffff_ffff || cseq > 0xffff_ffff) return null;
  return { rseq, cseq, method: m[3]!.toUpperCase() };
}

/** A random first RSeq, uniform in 1..2^31-1 (RFC 3262 §3). `random` returns [0, 1). */
export function initialRSeq(random: () => number = Math.random): number {
  return 1 + Math.floor(random() * MAX_INITIAL_RSEQ);
}

/** True when `header` (every value of it, comma lists included) of `message` names 100rel. Malformed lists count as not naming it. */
function names100rel(message: SipRequest | SipResponse, header: 'Require' | 'Supported'): boolean {
  try {
    return message.headers.getAll(header).some((v) => parseTokenList(v).some((t) => t.toLowerCase() === RELIABLE_OPTION_TAG));
  } catch (e) {
    if (e instanceof SipParseError) return false;
    throw e;
  }
}

/**
 * What an INVITE asks of our provisional responses (RFC 3262 §3):
 * `required` (`Require: 100rel`: every non-100 1xx reliable), `supported`
 * (`Supported: 100rel`: reliable where we choose, here the 183 of
 * `progress()`), or `none` (no reliable 1xx: delayed-offer early media is impossible).
 */
export function reliabilityOf(invite: SipRequest): 'required' | 'supported' | 'none' {
  if (names100rel(invite, 'Require')) return 'required';
  return names100rel(invite, 'Supported') ? 'supported' : 'none';
}

/** True for a 101-199 response sent reliably (RFC 3262 §7.1: `Require: 100rel` and an RSeq). */
export function isReliableProvisional(response: SipResponse): boolean {
  return response.status > 100 && response.status < 200 && response.headers.get('RSeq') !== undefined && names100rel(response, 'Require');
}

/** Options of {@link ReliableProvisionalSender}. */
export interface ReliableProvisionalSenderOptions {
  /** RFC 3261 T1 (ms): first retransmit interval; 64·T1 is how long a PRACK is awaited. */
  readonly T1: number;
  /** Resend the response until its PRACK (true over UDP; over TCP/TLS the transport already is reliable). Default true. */
  readonly retransmit?: boolean;
  /** The RSeq of the first reliable response. Default: {@link initialRSeq}. */
  readonly firstRSeq?: number;
  /** CSeq number of the INVITE (what a PRACK's RAck must repeat). */
  readonly inviteCSeq: number;
}

/** What the sender asks of the call, in order. */
export type ReliableProvisionalOutput<T> =
  /** Send `item` with `RSeq: rseq` (`retransmission`: the same bytes again, §3). */
  | { readonly type: 'send'; readonly item: T; readonly rseq: number; readonly retransmission: boolean }
  /** A PRACK acknowledged `item` (§3: answer the PRACK 200; an answer to an offer in `item` is in the PRACK). */
  | { readonly type: 'acknowledged'; readonly item: T; readonly rseq: number }
  /** 64·T1 without PRACK for `item` (§3): reject the INVITE with a 5xx. Nothing else is sent after this. */
  | { readonly type: 'timeout'; readonly item: T; readonly rseq: number };

interface InFlight<T> {
  readonly item: T;
  readonly rseq: number;
  readonly sdp: boolean;
  readonly giveUpAt: number;
  nextSendAt: number | null;
  interval: number;
}

/**
 * The UAS side of RFC 3262 for one INVITE (§3): RSeq numbering, the
 * retransmission schedule, the one-at-a-time queue and PRACK matching.
 * `T` is whatever the call needs to (re)send a response.
 *
 * @example
 * const s = new ReliableProvisionalSender<string>({ T1: 500, inviteCSeq: 1 });
 * s.enqueue('183', true, 0);                      // [{ type: 'send', rseq, ... }]
 * s.tick(500);                                    // [{ type: 'send', retransmission: true, ... }]
 * s.receivePrack({ rseq, cseq: 1, method: 'INVITE' }, 700); // { matched: true, outputs: [acknowledged] }
 */
export class ReliableProvisionalSender<T> {
  readonly #T1: number;
  readonly #retransmit: boolean;
  readonly #inviteCSeq: number;
  #nextRSeq: number;
  #inFlight: InFlight<T> | null = null;
  readonly #queue: Array<{ readonly item: T; readonly sdp: boolean }> = [];
  /** A final response went out or a PRACK timed out: nothing more is sent or resent. */
  #stopped = false;

  /** @throws TypeError for a non-positive T1, a first RSeq outside 1..2^31-1 or a bad CSeq. */
  constructor(options: ReliableProvisionalSenderOptions) {
    if (!Number.isFinite(options?.T1) || options.T1 <= 0) throw new TypeError('options.T1 must be a positive number of ms');
    const first = options.firstRSeq ?? initialRSeq();
    if (!Number.isInteger(first) || first < 1 || first > MAX_INITIAL_RSEQ) throw new TypeError('options.firstRSeq must be an integer 1..2^31-1');
    if (!Number.isInteger(options.inviteCSeq) || options.inviteCSeq < 0) throw new TypeError('options.inviteCSeq must be a CSeq number');
    this.#T1 = options.T1;
    this.#retransmit = options.retransmit ?? true;
    this.#inviteCSeq = options.inviteCSeq;
    this.#nextRSeq = first;
  }

  /** The RSeq the next reliable response will carry (§3: +1 per response). */
  get nextRSeq(): number {
    return this.#nextRSeq;
  }

  /** Responses sent and not yet acknowledged (0 or 1) plus those waiting their turn. */
  get pending(): number {
    return (this.#inFlight === null ? 0 : 1) + this.#queue.length;
  }

  /**
   * §3: "the UAS MUST NOT send a final response [2xx] until those provisional
   * responses are acknowledged" when one carries a session description. True
   * while such a response is unacknowledged or queued (and nothing was given up).
   */
  get holdsFinal2xx(): boolean {
    if (this.#stopped) return false;
    return (this.#inFlight?.sdp ?? false) || this.#queue.some((q) => q.sdp);
  }

  /** When to call {@link tick} next (ms), or null. */
  get nextDeadline(): number | null {
    const f = this.#inFlight;
    if (f === null || this.#stopped) return null;
    return f.nextSendAt === null ? f.giveUpAt : Math.min(f.nextSendAt, f.giveUpAt);
  }

  /**
   * A reliable provisional response to send: at once when none is
   * unacknowledged, else after the ones before it (§3). `sdp`: it carries a
   * session description (an offer or an answer). Ignored once stopped.
   */
  enqueue(item: T, sdp: boolean, now: number): Array<ReliableProvisionalOutput<T>> {
    if (this.#stopped) return [];
    this.#queue.push({ item, sdp });
    return this.#inFlight === null ? this.#sendNext(now) : [];
  }

  /**
   * A PRACK arrived (§3): it matches when its RAck names the unacknowledged
   * response (RSeq, the INVITE's CSeq number and method) — answer it 200 —
   * otherwise answer 481. A match releases the next queued response.
   */
  receivePrack(rack: RAck | null, now: number): { readonly matched: boolean; readonly outputs: Array<ReliableProvisionalOutput<T>> } {
    const f = this.#inFlight;
    if (rack === null || f === null || rack.rseq !== f.rseq || rack.cseq !== this.#inviteCSeq || rack.method !== 'INVITE') return { matched: false, outputs: [] };
    this.#inFlight = null;
    const outputs: Array<ReliableProvisionalOutput<T>> = [{ type: 'acknowledged', item: f.item, rseq: f.rseq }];
    outputs.push(...this.#sendNext(now));
    return { matched: true, outputs };
  }

  /** The clock reached {@link nextDeadline}: resends (T1 doubling, §3) or gives up (64·T1). */
  tick(now: number): Array<ReliableProvisionalOutput<T>> {
    const f = this.#inFlight;
    if (f === null || this.#stopped) return [];
    if (now >= f.giveUpAt) {
      this.#stopped = true;
      this.#queue.length = 0;
      this.#inFlight = null; // a PRACK after this matches nothing (481)
      return [{ type: 'timeout', item: f.item, rseq: f.rseq }];
    }
    if (f.nextSendAt === null || now < f.nextSendAt) return [];
    f.interval *= 2;
    f.nextSendAt = now + f.interval;
    return [{ type: 'send', item: f.item, rseq: f.rseq, retransmission: true }];
  }

  /**
   * A final response was sent: retransmissions and the queue stop (§3: the
   * transaction no longer takes provisionals). A PRACK for the response still
   * unacknowledged is matched (200) afterwards. Idempotent.
   */
  finalSent(): void {
    this.#stopped = true;
    this.#queue.length = 0;
  }

  #sendNext(now: number): Array<ReliableProvisionalOutput<T>> {
    const next = this.#queue.shift();
    if (next === undefined || this.#stopped) return [];
    const rseq = this.#nextRSeq;
    this.#nextRSeq = rseq + 1; // §3: starting below 2^31, 2^31 responses to one INVITE would be needed to leave the RSeq range
    this.#inFlight = {
      item: next.item,
      rseq,
      sdp: next.sdp,
      giveUpAt: now + 64 * this.#T1,
      nextSendAt: this.#retransmit ? now + this.#T1 : null,
      interval: this.#T1,
    };
    return [{ type: 'send', item: next.item, rseq, retransmission: false }];
  }
}

/**
 * The UAC side of RFC 3262 for one INVITE (§4): the RSeq seen per early
 * dialog (by To tag) and the CSeq numbers its PRACKs used, so the confirmed
 * dialog goes on above them (RFC 3261 §12.2.1.1).
 */
export class ReliableProvisionalReceiver {
  readonly #dialogs = new Map<string, Dialog>();

  /**
   * A reliable 1xx in the early `dialog` (as the fork tracker made it): `new`
   * (process it, then {@link prack}), `retransmission` or `out-of-order`
   * (§4: discard, no PRACK).
   * @throws DialogError when its RSeq or CSeq is malformed (discard it).
   */
  receive(dialog: Dialog, response: SipResponse): ReliableProvisional {
    const key = dialog.id.remoteTag;
    const r = receiveReliableProvisional(this.#dialogs.get(key) ?? dialog, response);
    this.#dialogs.set(key, r.dialog);
    return r;
  }

  /** The PRACK for `rack` in the early dialog of `remoteTag` (§7.2), with the next CSeq of that dialog; `body` answers an offer of the 1xx (§5). */
  prack(remoteTag: string, rack: RAck, options: Omit<InDialogRequestOptions, 'cseq'> = {}): { readonly request: SipRequest; readonly dialog: Dialog } {
    const d = this.#dialogs.get(remoteTag);
    if (d === undefined) throw new TypeError(`no reliable provisional was received in the dialog with To tag ${remoteTag}`);
    const r = createPrack(d, rack, options);
    this.#dialogs.set(remoteTag, r.dialog);
    return r;
  }

  /**
   * `dialog` (confirmed by the 2xx) with a local CSeq above every PRACK sent
   * in its early dialog, so the next request (BYE, re-INVITE) is not refused
   * as out of order (RFC 3261 §12.2.1.1).
   */
  confirmed(dialog: Dialog): Dialog {
    const seq = this.#dialogs.get(dialog.id.remoteTag)?.localSeq ?? null;
    return seq !== null && (dialog.localSeq === null || dialog.localSeq < seq) ? { ...dialog, localSeq: seq } : dialog;
  }
}

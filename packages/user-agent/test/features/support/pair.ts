/**
 * Two user agents on loopback with a SIP trace each, for the in-call feature
 * tests (issue 12): the caller's established call, the callee's, and every
 * SIP message either sent, parsed.
 */
import { answerOffer } from '@trunkline/sdp';
import { createResponse, parseMessage, type SipRequest, type SipResponse } from '@trunkline/sip-parser';
import type { IncomingRequest } from '@trunkline/transaction-layer';
import type { Call, UserAgent, UserAgentOptions } from '../../../src/index.js';
import type { RawPeer } from '../../support/raw-peer.js';
import { testAgent, uriOf } from '../../support/ua.js';

/** One SIP message as it left a user agent. */
export type Sent = SipRequest | SipResponse;

/** A user agent and what it sent. */
export interface TracedAgent {
  readonly ua: UserAgent;
  /** Every message this agent sent, parsed, in order. */
  readonly sent: Sent[];
}

/** A user agent (SRTP off unless `options.media` says otherwise) that records what it sends. */
export async function tracedAgent(options: Partial<UserAgentOptions> = {}): Promise<TracedAgent> {
  const sent: Sent[] = [];
  const ua = await testAgent({
    media: { srtp: 'off' },
    ...options,
    trace: (ev) => {
      if (ev.direction === 'out') sent.push(parseMessage(ev.bytes));
    },
  });
  return { ua, sent };
}

/** An established call between a new caller and a new callee (the callee answers every call). */
export interface CallPair {
  readonly caller: TracedAgent;
  readonly callee: TracedAgent;
  /** The caller's call. */
  readonly a: Call;
  /** The callee's call. */
  readonly b: Call;
  close(): Promise<void>;
}

/** Places a call from a new agent to another; `options` apply to both, `callee`/`caller` to one. */
export async function callPair(
  options: Partial<UserAgentOptions> = {},
  per: { readonly caller?: Partial<UserAgentOptions>; readonly callee?: Partial<UserAgentOptions>; readonly delayedOffer?: boolean } = {},
): Promise<CallPair> {
  const caller = await tracedAgent({ ...options, ...per.caller });
  const callee = await tracedAgent({ ...options, ...per.callee });
  const incoming = new Promise<Call>((resolve) =>
    callee.ua.on('call', (call) => {
      call.answer().catch(() => undefined);
      resolve(call);
    }),
  );
  const a = await caller.ua.invite(uriOf(callee.ua), { delayedOffer: per.delayedOffer ?? false });
  const b = await incoming;
  await b.answer();
  return { caller, callee, a, b, close: async () => void (await Promise.all([caller.ua.close(), callee.ua.close()])) };
}

/** Requests of `method` in `sent`, retransmissions (same CSeq) left out. */
export function requests(sent: readonly Sent[], method: string): SipRequest[] {
  const seen = new Set<number | undefined>();
  return sent.filter((m): m is SipRequest => {
    if (!m.isRequest || m.method !== method || seen.has(m.cseq?.seq)) return false;
    seen.add(m.cseq?.seq);
    return true;
  });
}

/** Responses with `status` to requests of `method` in `sent`, retransmissions included. */
export function responses(sent: readonly Sent[], method: string, status?: number): SipResponse[] {
  return sent.filter((m): m is SipResponse => !m.isRequest && m.cseq?.method === method && (status === undefined || m.status === status));
}

/** The SDP body of a message. */
export function sdpOf(m: Sent): string {
  return new TextDecoder().decode(m.body);
}

/** The `o=` version of an SDP (RFC 8866 §5.2). */
export function originVersion(sdp: string): number {
  const o = /^o=\S+ \S+ (\d+) /m.exec(sdp);
  if (o === null) throw new Error(`no o= line in ${sdp}`);
  return Number(o[1]);
}

/** The direction attribute of an SDP (sendrecv when absent, RFC 3264 §5.1). */
export function directionOf(sdp: string): string {
  return /^a=(sendrecv|sendonly|recvonly|inactive)\r?$/m.exec(sdp)?.[1] ?? 'sendrecv';
}

/**
 * Loudest sample in up to `ms` of `call`'s audio (0 for silence); stops at the
 * first frame louder than `enough`. Frames buffered while nobody read (up to
 * `maxReadFrames`, 1 s by default) come first, so `ms` must cover them.
 */
export async function loudness(call: Call, ms: number, enough = 4000): Promise<number> {
  let max = 0;
  let seen = 0;
  const want = (ms * call.audio.sampleRate) / 1000;
  for await (const frame of call.audio) {
    for (const s of frame.samples) max = Math.max(max, Math.abs(s));
    seen += frame.samples.length;
    if (seen >= want || max >= enough) break;
  }
  return max;
}

/** A 1 kHz tone at the call's rate, `ms` long. */
export function tone(call: Call, ms: number): Int16Array {
  const rate = call.audio.sampleRate;
  const out = new Int16Array((rate * ms) / 1000);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / rate));
  return out;
}

/**
 * Waits until `cond()` holds (polling every 10 ms, at most `ms`). The trace
 * hook reports a sent message when the socket write completes, which on
 * loopback can be after the peer already acted on it.
 */
export async function until(cond: () => boolean, ms = 1000): Promise<void> {
  for (const end = performance.now() + ms; !cond() && performance.now() < end; ) await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * Makes `peer` a minimal UAS: a dialog-creating INVITE gets 200 with an SDP
 * answer (plus `okHeaders`), a re-INVITE or UPDATE with SDP gets 200 with an
 * answer, anything else 200 — or `override` decides first (return true when
 * it responded).
 */
export function answerAsUas(
  peer: RawPeer,
  okHeaders: ReadonlyArray<readonly [string, string]> = [],
  override: (incoming: IncomingRequest) => boolean = () => false,
): void {
  let last: string | undefined;
  peer.onRequest((incoming) => {
    if (override(incoming)) return;
    const { request, respond } = incoming;
    const offer = sdpOf(request);
    let body: string | undefined;
    if ((request.method === 'INVITE' || request.method === 'UPDATE') && offer !== '') {
      const r = answerOffer(offer, { srtp: 'off', signalling: 'udp', address: '127.0.0.1', port: 9, ...(last === undefined ? {} : { previous: last }) });
      if (!r.ok) throw new Error(r.reason);
      body = last = r.answer;
    }
    const headers: Array<readonly [string, string]> = [['Contact', `<sip:raw@127.0.0.1:${peer.port}>`], ['Allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS'], ...okHeaders];
    respond(createResponse(request, 200, { ...(request.to?.tag == null ? { toTag: 'rawuas' } : {}), headers, ...(body === undefined ? {} : { body, contentType: 'application/sdp' }) }));
  });
}

/**
 * A call between two new user agents: the callee plays a 600 ms prompt as
 * early media (progress()), then answers; the caller's `onEarlyMedia` listens.
 * Resolves once the call is up and the caller heard the prompt; `cleanup`
 * gets the closing of both agents.
 */
export async function earlyMediaCall(
  cleanup: Array<() => Promise<void>>,
  delayedOffer = false,
): Promise<{ caller: TracedAgent; callee: TracedAgent; call: Call; heardLevel: number; heardBeforeAnswer: boolean }> {
  const caller = await tracedAgent();
  cleanup.push(() => caller.ua.close());
  const callee = await tracedAgent();
  cleanup.push(() => callee.ua.close());
  let answeredAt = Infinity;
  callee.ua.on('call', async (call) => {
    await call.progress();
    void call.audio.write(tone(call, 600));
    const played = new Promise((resolve) => call.once('mark', resolve));
    call.audio.mark('prompt');
    await played;
    answeredAt = performance.now();
    await call.answer();
  });
  let heard: Promise<{ level: number; at: number }> | null = null;
  const onEarlyMedia = (early: Call): void => {
    heard = loudness(early, 1500).then((level) => ({ level, at: performance.now() }));
  };
  const call = await caller.ua.invite(uriOf(callee.ua), { delayedOffer, onEarlyMedia });
  if (heard === null) throw new Error('no early media');
  const { level, at } = await heard;
  return { caller, callee, call, heardLevel: level, heardBeforeAnswer: at < answeredAt };
}

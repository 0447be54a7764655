/**
 * Fault-test helpers: two user agents on loopback with an echo on the callee,
 * joined through a seeded {@link SipImpairmentProxy} (SIP relay + one RTP relay
 * per stream, see tools/impair), the seeds to run, and oracles computed from
 * what the relays actually did.
 */
import { SipImpairmentProxy, classifyMediaDatagram, type RelayEvent, type SipImpairmentProxyOptions } from '@trunkline/impair';
import { parseRtp } from '@trunkline/rtp-srtp';
import type { Call, UserAgent, UserAgentOptions } from '../../src/index.js';
import { testAgent } from '../support/ua.js';

/**
 * Seeds for a case: `IMPAIR_SEED` (replay) or a fresh random one, then the next `count − 1`.
 * Every test prints the seed of each run.
 */
export function seeds(count: number): number[] {
  const env = process.env['IMPAIR_SEED'];
  const base = env !== undefined && env !== '' ? Number(env) : Math.floor(Math.random() * 0x7fff_ffff);
  if (!Number.isSafeInteger(base)) throw new TypeError(`IMPAIR_SEED must be an integer, got ${JSON.stringify(env)}`);
  return Array.from({ length: count }, (_, i) => (base + i) | 0);
}

/** Two user agents, an echo on the callee, and the proxy between them. */
export interface ImpairedPair {
  readonly caller: UserAgent;
  readonly callee: UserAgent;
  readonly proxy: SipImpairmentProxy;
  /** The callee's side of the next call. */
  readonly inbound: Promise<Call>;
  /** The URI the caller dials (the proxy). */
  readonly target: string;
  /** Every media datagram event, per stream. */
  readonly mediaLog: RelayEvent[];
  /** Closes both user agents, then the proxy. */
  close(): Promise<void>;
}

/**
 * Starts the pair. The callee answers and echoes every frame it reads; the caller drains what it
 * hears (so no read-side drops blur the figures). Media is plain RTP (SDES over UDP is not allowed).
 */
export async function impairedPair(
  seed: number,
  proxyOptions: Omit<SipImpairmentProxyOptions, 'target' | 'seed' | 'observeMedia'> = {},
  ua: { readonly caller?: Partial<UserAgentOptions>; readonly callee?: Partial<UserAgentOptions> } = {},
): Promise<ImpairedPair> {
  const callee = await testAgent({ ...ua.callee, media: { srtp: 'off', ...ua.callee?.media } });
  const caller = await testAgent({ ...ua.caller, media: { srtp: 'off', ...ua.caller?.media } });
  const inbound = new Promise<Call>((resolve) => {
    callee.once('call', (call) => {
      resolve(call);
      void (async () => {
        await call.answer();
        for await (const frame of call.audio) void call.audio.write(frame);
      })().catch(() => undefined); // a call ended before the answer: nothing to echo
    });
  });
  const mediaLog: RelayEvent[] = [];
  const port = callee.addresses.find((a) => a.protocol === 'udp')!.port;
  const proxy = await SipImpairmentProxy.open({
    ...proxyOptions,
    seed,
    target: { address: '127.0.0.1', port },
    observeMedia: (e) => mediaLog.push(e),
  });
  return {
    caller,
    callee,
    proxy,
    inbound,
    target: `sip:echo@127.0.0.1:${proxy.address.port}`,
    mediaLog,
    close: async () => {
      await Promise.all([caller.close(), callee.close()]);
      await proxy.close();
    },
  };
}

/** Reads and discards the call's audio until it ends (a caller that listens). */
export function drain(call: Call): void {
  void (async () => {
    for await (const _frame of call.audio) {
      // discarded
    }
  })();
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What the relay did to one direction's RTP, and the figures a receiver must report from it. */
export interface RtpOracle {
  /** RTP datagrams the loss model decided on / dropped (the loss actually applied). */
  readonly decided: number;
  readonly dropped: number;
  /**
   * RFC 3550 §A.3 loss the receiver must report, in percent: the packets the relay did not deliver
   * within the receiver's window (from its base sequence number, the second packet received, §A.1
   * probation, to the highest delivered), over the packets expected in that window.
   */
  readonly lossPercent: number;
  /** RFC 3550 §A.8 interarrival jitter of the delays the model drew (scheduled departures), ms. */
  readonly injectedJitterMs: number;
  /**
   * The same with the relay's actual send times: the delays as applied on the wire, timer lateness and
   * event-loop stalls included (what a receiver in the same process must see), ms.
   */
  readonly sentJitterMs: number;
}

/**
 * The oracle of one direction, from the relay's log. Datagrams must all have been delivered
 * and received (cut the media and wait before calling it), the stream unimpaired for its first
 * packets (so the receiver's base is the second packet), and no duplication.
 */
export function rtpOracle(log: readonly RelayEvent[], direction: 'aToB' | 'bToA'): RtpOracle {
  let decided = 0;
  let dropped = 0;
  let highest = -1;
  let base = -1;
  let cycles = 0;
  let lastSeq = -1;
  const delivered = new Set<number>();
  let injected = 0;
  let sent = 0;
  let prevInjected: number | undefined;
  let prevSent: number | undefined;
  // Extended sequence numbers in arrival order at the relay (a 16-bit wrap adds 65536, RFC 3550 §A.1).
  const extend = (seq: number): number => {
    if (lastSeq >= 0 && seq < lastSeq && lastSeq - seq > 0x8000) cycles += 0x10000;
    lastSeq = seq;
    return cycles + seq;
  };
  for (const e of log) {
    if (e.direction !== direction || classifyMediaDatagram(e.datagram) !== 'rtp') continue;
    if (e.type === 'sent' && (!e.impaired || e.duplicate)) continue;
    if (e.type === 'dropped' && e.reason !== 'loss') continue;
    const rtp = parseRtp(e.datagram);
    const seq = extend(rtp.sequenceNumber);
    decided++;
    if (e.type === 'dropped') {
      dropped++;
      continue;
    }
    if (base < 0) base = seq + 1; // §A.1: the first packet starts probation, the second is the base
    delivered.add(seq);
    if (seq > highest) highest = seq;
    // §A.8: J += (|D| − J)/16, D the change of transit (arrival − timestamp), in delivery order.
    const ts = (rtp.timestamp * 1000) / 8000;
    const tInjected = e.receivedAt + e.delayMs - ts;
    const tSent = e.at - ts;
    if (prevInjected !== undefined && prevSent !== undefined) {
      injected += (Math.abs(tInjected - prevInjected) - injected) / 16;
      sent += (Math.abs(tSent - prevSent) - sent) / 16;
    }
    prevInjected = tInjected;
    prevSent = tSent;
  }
  const expected = highest - base + 1;
  let received = 0;
  for (const s of delivered) if (s >= base) received++;
  return { decided, dropped, lossPercent: expected > 0 ? (100 * (expected - received)) / expected : 0, injectedJitterMs: injected, sentJitterMs: sent };
}

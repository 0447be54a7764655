import { afterEach } from 'vitest';
import { PortAllocator, generateSdesKeyParams, type SrtpProfile } from '@trunkline/rtp-srtp';
import type { MediaDirection, NegotiatedMedia } from '@trunkline/sdp';
import { CallMedia, type CallMediaOptions } from '../../../src/media/index.js';

/** A per-process port range on loopback; the allocator skips pairs other processes hold. */
export function loopbackPorts(): PortAllocator {
  const base = 41000 + ((process.pid * 53) % 400) * 50;
  return new PortAllocator({ minPort: base, maxPort: base + 49, address: '127.0.0.1' });
}

/**
 * Closes after each test every CallMedia handed to `track` (registers the file's `afterEach`).
 * Returns `track`, which passes an `{ a, b }` pair, or one CallMedia, through.
 */
export function closeAfterEach(): <T extends CallMedia | { a: CallMedia; b: CallMedia }>(x: T) => T {
  const open: CallMedia[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((m) => m.close()));
  });
  return (x) => {
    if (x instanceof CallMedia) open.push(x);
    else open.push(x.a, x.b);
    return x;
  };
}

/** What a hand-made negotiation agrees on. */
export interface PairOptions {
  readonly srtp?: SrtpProfile | null;
  readonly rtcpMux?: boolean;
  readonly codec?: 'PCMU' | 'PCMA' | 'G722';
  readonly telephoneEvent?: boolean;
  readonly ptime?: number;
}

/** The two NegotiatedMedia an offer/answer between `a` and `b` on 127.0.0.1 would produce. */
export function negotiate(a: CallMedia, b: CallMedia, o: PairOptions = {}): { forA: NegotiatedMedia; forB: NegotiatedMedia } {
  const profile = o.srtp === undefined ? null : o.srtp;
  const keyA = profile === null ? undefined : generateSdesKeyParams(profile);
  const keyB = profile === null ? undefined : generateSdesKeyParams(profile);
  const mux = o.rtcpMux ?? false;
  const side = (remotePort: number, local: typeof keyA, remote: typeof keyA, direction: MediaDirection = 'sendrecv'): NegotiatedMedia => ({
    remoteRtp: { address: '127.0.0.1', port: remotePort },
    remoteRtcp: { address: '127.0.0.1', port: mux ? remotePort : remotePort + 1 },
    rtcpMux: mux,
    // Static payload types (RFC 3551 §6); G722 too has clock 8000 (§4.5.2).
    codec: { name: o.codec ?? 'PCMU', payloadType: { PCMU: 0, PCMA: 8, G722: 9 }[o.codec ?? 'PCMU'], clockRate: 8000, channels: 1 },
    telephoneEventPayloadType: o.telephoneEvent === false ? null : 101,
    ptime: o.ptime ?? 20,
    maxptime: null,
    direction,
    remoteHold: false,
    srtp: profile === null || local === undefined || remote === undefined ? null : { profile, tag: 1, localKey: local, remoteKey: remote },
  });
  return { forA: side(b.localPort, keyA, keyB), forB: side(a.localPort, keyB, keyA) };
}

/** Opens two CallMedia on one allocator and starts them against each other. */
export async function openPair(
  ports: PortAllocator,
  a: Omit<CallMediaOptions, 'ports'>,
  b: Omit<CallMediaOptions, 'ports'>,
  o: PairOptions = {},
): Promise<{ a: CallMedia; b: CallMedia; forA: NegotiatedMedia; forB: NegotiatedMedia }> {
  const ma = await CallMedia.open({ ports, ...a });
  const mb = await CallMedia.open({ ports, ...b });
  const { forA, forB } = negotiate(ma, mb, o);
  ma.start(forA);
  mb.start(forB);
  return { a: ma, b: mb, forA, forB };
}

/** Reads every frame of a call's audio until its media closes. */
export function collect(media: CallMedia): { frames: Int16Array[]; concealed: number[]; done: Promise<void> } {
  const frames: Int16Array[] = [];
  const concealed: number[] = [];
  const done = (async () => {
    for await (const f of media.audio) {
      if (f.concealed) concealed.push(frames.length);
      frames.push(f.samples);
    }
  })();
  return { frames, concealed, done };
}

/** Echoes everything read back to the peer. */
export function echo(media: CallMedia): Promise<void> {
  return (async () => {
    for await (const f of media.audio) void media.audio.write(f);
  })();
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Active Node timers (for "close() leaves no timers behind"). */
export const activeTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

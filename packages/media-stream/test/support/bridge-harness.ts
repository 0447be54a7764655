/**
 * The loopback rig every bridge test uses: a "bridge" user agent whose inbound calls go through
 * `bridgeCall` with per-test options, and a "phone" user agent that calls it. Registers its own
 * `beforeAll`/`afterAll` in the calling test file.
 */
import { afterAll, beforeAll } from 'vitest';
import { createUserAgent, type UserAgent } from '@trunkline/user-agent';
import { bridgeCall, type BridgeCallOptions, type MediaStreamBridge } from '../../src/index.js';

/** A loopback UDP listener on an ephemeral port. */
export const udp = { protocol: 'udp', host: '127.0.0.1', port: 0 } as const;

/** The rig: read its fields inside tests (they are set in `beforeAll`). */
export interface BridgeHarness {
  /** The user agent whose inbound calls are bridged. */
  bridgeUa: UserAgent;
  /** The caller. */
  phone: UserAgent;
  /** The bridge user agent's URI. */
  target: string;
  /** The bot URL and options the next inbound call is bridged with. */
  next: { url: string; options: BridgeCallOptions };
  /** Every bridge made, in call order. */
  readonly bridges: Promise<MediaStreamBridge>[];
  /** The most recent bridge. */
  lastBridge(): Promise<MediaStreamBridge>;
}

/** Creates the rig for this test file (both user agents closed after all tests). */
export function useBridgeHarness(): BridgeHarness {
  const h: BridgeHarness = {
    bridgeUa: undefined as unknown as UserAgent,
    phone: undefined as unknown as UserAgent,
    target: '',
    next: { url: '', options: {} },
    bridges: [],
    lastBridge() {
      const b = h.bridges.at(-1);
      if (b === undefined) throw new Error('no call has been bridged yet');
      return b;
    },
  };
  beforeAll(async () => {
    h.bridgeUa = await createUserAgent({ transports: [udp], user: 'bridge', media: { sampleRate: 8000 } });
    h.phone = await createUserAgent({ transports: [udp], media: { sampleRate: 8000 } });
    h.target = `sip:bot@127.0.0.1:${h.bridgeUa.addresses[0]!.port}`;
    h.bridgeUa.on('call', (call) => {
      const b = bridgeCall(call, h.next.url, h.next.options);
      b.catch(() => undefined);
      h.bridges.push(b);
    });
  });
  afterAll(async () => {
    await h.phone?.close();
    await h.bridgeUa?.close();
  });
  return h;
}

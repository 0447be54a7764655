/**
 * Early media (RFC 3261 §13.3.1.1 183 Session Progress with SDP, RFC 3960's
 * model) between two user agents: `call.progress()` on the callee, the
 * caller's `onEarlyMedia` hears the prompt before the 200, whose SDP is the
 * 183's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Call } from '../../src/index.js';
import { uriOf } from '../support/ua.js';
import { loudness, responses, sdpOf, tone, tracedAgent } from './support/pair.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('early media between two user agents', () => {
  it('progress(): 183 with SDP, the prompt heard by the caller before the answer; the 200 repeats the 183 SDP', async () => {
    const caller = await tracedAgent();
    cleanup.push(() => caller.ua.close());
    const callee = await tracedAgent();
    cleanup.push(() => callee.ua.close());
    let answeredAt = Infinity;
    callee.ua.on('call', async (call) => {
      await call.progress();
      void call.audio.write(tone(call, 600)); // the IVR prompt
      const played = new Promise((resolve) => call.once('mark', resolve));
      call.audio.mark('prompt');
      await played; // sent in real time: 600 ms
      answeredAt = performance.now();
      await call.answer();
    });
    let heard: Promise<{ level: number; at: number }> | null = null;
    const onEarlyMedia = (call: Call): void => {
      heard = loudness(call, 1500).then((level) => ({ level, at: performance.now() }));
    };
    const call = await caller.ua.invite(uriOf(callee.ua), { onEarlyMedia });
    expect(heard).not.toBeNull();
    const { level, at } = await heard!;
    expect(level).toBeGreaterThanOrEqual(4000);
    expect(at).toBeLessThan(answeredAt);
    const [progress] = responses(callee.sent, 'INVITE', 183);
    const [ok] = responses(callee.sent, 'INVITE', 200);
    expect(progress!.contentType).toBe('application/sdp');
    expect(sdpOf(ok!)).toBe(sdpOf(progress!));
    expect(call.state).toBe('established');
  }, 10_000);
});

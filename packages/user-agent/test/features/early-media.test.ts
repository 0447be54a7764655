/**
 * Early media (RFC 3261 §13.3.1.1 183 Session Progress with SDP, RFC 3960's
 * model) between two user agents: `call.progress()` on the callee, the
 * caller's `onEarlyMedia` hears the prompt before the 200, whose SDP is the
 * 183's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { earlyMediaCall, responses, sdpOf } from './support/pair.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('early media between two user agents', () => {
  it('progress(): 183 with SDP, the prompt heard by the caller before the answer; the 200 repeats the 183 SDP', async () => {
    const { callee, call, heardLevel, heardBeforeAnswer } = await earlyMediaCall(cleanup);
    expect(heardLevel).toBeGreaterThanOrEqual(4000);
    expect(heardBeforeAnswer).toBe(true);
    const [progress] = responses(callee.sent, 'INVITE', 183);
    const [ok] = responses(callee.sent, 'INVITE', 200);
    expect(progress!.contentType).toBe('application/sdp');
    expect(sdpOf(ok!)).toBe(sdpOf(progress!));
    expect(call.state).toBe('established');
  }, 10_000);
});

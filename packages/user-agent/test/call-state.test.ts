import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallMachine, type CallEffect, type CallInput } from '../src/call-state.js';

const T1 = 500;
const T2 = 4000;

function machine(role: 'uas' | 'uac', reliable = false): CallMachine {
  return new CallMachine({ role, reliable, T1, T2 });
}

function types(effects: readonly CallEffect[] | null): string[] | null {
  return effects === null ? null : effects.map((e) => e.type);
}

describe('RFC 3261 call state machine, table', () => {
  it('§13.3.1.4 UAS over UDP: 2xx resent at T1, 2T1, 4T1... capped at T2 until the ACK', () => {
    const m = machine('uas');
    expect(types(m.step({ type: 'answer' }, 0))).toEqual(['send-2xx']);
    const resends: number[] = [];
    for (let t = 0; t <= 12_000; t += 50) if (types(m.step({ type: 'timer' }, t))?.includes('resend-2xx')) resends.push(t);
    expect(resends).toEqual([500, 1500, 3500, 7500, 11500]);
    expect(types(m.step({ type: 'ack' }, 12_000))).toEqual(['established']);
    expect(m.nextDeadline).toBeNull();
  });

  it('§13.3.1.4 no ACK within 64*T1: BYE, ended ack-timeout', () => {
    const m = machine('uas', true);
    m.step({ type: 'answer' }, 0);
    expect(m.nextDeadline).toBe(64 * T1);
    expect(types(m.step({ type: 'timer' }, 64 * T1))).toEqual(['send-bye']);
    expect(m.step({ type: 'bye-done' }, 64 * T1 + 10)).toEqual([{ type: 'ended', end: { by: 'local', reason: 'ack-timeout', status: null } }]);
  });

  it('§15 hangup before the ACK waits for it, then BYE', () => {
    const m = machine('uas');
    m.step({ type: 'answer' }, 0);
    expect(m.step({ type: 'hangup', reason: 'hangup' }, 1)).toEqual([]);
    expect(types(m.step({ type: 'ack' }, 2))).toEqual(['send-bye']);
    expect(m.state).toBe('terminating');
  });

  it('§9.2 CANCEL while ringing: 487 and ended (remote, cancelled)', () => {
    const m = machine('uas');
    m.step({ type: 'ring' }, 0);
    expect(m.step({ type: 'cancel' }, 1)).toEqual([
      { type: 'send-final', status: 487 },
      { type: 'ended', end: { by: 'remote', reason: 'cancelled', status: 487 } },
    ]);
    expect(m.step({ type: 'answer' }, 2)).toBeNull();
  });

  it('§9.1 UAC: hangup while ringing cancels; a 2xx that races the CANCEL is ended with BYE', () => {
    const m = machine('uac');
    m.step({ type: 'provisional', dialog: true }, 0);
    expect(types(m.step({ type: 'hangup', reason: 'hangup' }, 1))).toEqual(['send-cancel']);
    expect(types(m.step({ type: 'answered' }, 2))).toEqual(['send-bye']);
    expect(m.step({ type: 'bye-done' }, 3)).toEqual([{ type: 'ended', end: { by: 'local', reason: 'cancelled', status: null } }]);
  });

  it('§13.2.2.3 UAC: a final non-2xx ends the call (remote, rejected, status)', () => {
    const m = machine('uac');
    expect(m.step({ type: 'failed', status: 486, reason: 'rejected' }, 0)).toEqual([{ type: 'ended', end: { by: 'remote', reason: 'rejected', status: 486 } }]);
  });
});

const inputs: fc.Arbitrary<CallInput> = fc.oneof(
  fc.constant<CallInput>({ type: 'ring' }),
  fc.constant<CallInput>({ type: 'answer' }),
  fc.constantFrom(486, 603, 488).map((status): CallInput => ({ type: 'reject', status, reason: 'rejected' })),
  fc.constantFrom('hangup', 'timeout', 'media-timeout', 'closed').map((reason): CallInput => ({ type: 'hangup', reason } as CallInput)),
  fc.constant<CallInput>({ type: 'cancel' }),
  fc.constant<CallInput>({ type: 'ack' }),
  fc.boolean().map((dialog): CallInput => ({ type: 'provisional', dialog })),
  fc.constant<CallInput>({ type: 'answered' }),
  fc.constantFrom(404, 486, 487, 503, null).map((status): CallInput => ({ type: 'failed', status, reason: status === null ? 'timeout' : 'rejected' })),
  fc.constant<CallInput>({ type: 'bye' }),
  fc.constant<CallInput>({ type: 'bye-done' }),
  fc.constant<CallInput>({ type: 'timer' }),
);

/** The network and the app finish whatever is pending: hang up, let BYE/CANCEL complete, let timers run. */
const FINISH: readonly CallInput[] = [
  { type: 'hangup', reason: 'hangup' },
  { type: 'failed', status: 487, reason: 'rejected' },
  { type: 'bye-done' },
];

describe('RFC 3261 call state machine, model (fast-check)', () => {
  it('regression (seed 2075471245, path "68:3:2"): answered, ACK never comes, hangup pending: BYE at 64*T1 after ten 2xx resends', () => {
    const m = machine('uas');
    m.step({ type: 'answer' }, 0);
    expect(m.step({ type: 'hangup', reason: 'hangup' }, 0)).toEqual([]);
    let now = 0;
    const seen: string[] = [];
    while (m.state === 'accepted' && m.nextDeadline !== null) {
      now = m.nextDeadline;
      seen.push(...(types(m.step({ type: 'timer' }, now)) ?? []));
    }
    // T1, 2T1, 4T1 then every T2: resent at 0.5, 1.5, 3.5, 7.5, 11.5 ... 31.5 s.
    expect(seen).toEqual([...Array<string>(10).fill('resend-2xx'), 'send-bye']);
    expect(now).toBe(64 * T1);
    expect(m.step({ type: 'bye-done' }, now)).toEqual([{ type: 'ended', end: { by: 'local', reason: 'ack-timeout', status: null } }]);
  });

  it('random interleavings of app actions and network events never throw, keep one `ended`, and always finish terminated', () => {
    fc.assert(
      fc.property(fc.constantFrom('uas' as const, 'uac' as const), fc.boolean(), fc.array(fc.tuple(inputs, fc.integer({ min: 0, max: 5000 })), { maxLength: 40 }), (role, reliable, steps) => {
        const m = machine(role, reliable);
        let now = 0;
        let ended = 0;
        let finals = 0;
        const apply = (input: CallInput): void => {
          const before = m.state;
          const effects = m.step(input, now) ?? [];
          if (before === 'terminated') expect(effects).toEqual([]); // nothing moves after the end
          for (const e of effects) {
            if (e.type === 'ended') ended++;
            if (e.type === 'send-2xx' || e.type === 'send-final') finals++;
          }
          expect(ended).toBe(m.state === 'terminated' ? 1 : 0); // `ended` exactly when terminated, once
          expect(finals).toBeLessThanOrEqual(1); // one final response to the INVITE
          if (m.state !== 'accepted') expect(m.nextDeadline).toBeNull(); // no timer left behind
        };
        for (const [input, dt] of steps) {
          now += dt;
          apply(input);
        }
        // Finish: every pending exchange completes; the ACK wait runs out at its deadline.
        for (let round = 0; round < 30 && m.state !== 'terminated'; round++) {
          for (const input of FINISH) apply(input);
          const at = m.nextDeadline;
          if (at !== null) {
            now = Math.max(now, at);
            apply({ type: 'timer' });
          }
        }
        expect(m.state).toBe('terminated');
        expect(ended).toBe(1);
        expect(m.end).not.toBeNull();
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InviteForkTracker, type ForkEvent } from '../src/dialog/invite-fork-tracker.js';
import { aliceInvite, responseToAlice } from './dialog-helpers.js';

const via = (m: string) => `SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK-${m.toLowerCase()}`;

describe('RFC 3261 §13.2.2.4 forking', () => {
  it('RFC 3261 §13.2.2.4: each To tag in a 1xx is its own early dialog; 100 is none', () => {
    const t = new InviteForkTracker(aliceInvite());
    expect(t.receive(responseToAlice(100, null))).toEqual({ type: 'provisional', status: 100 });
    const a = t.receive(responseToAlice(180, 'a'));
    const b = t.receive(responseToAlice(180, 'b'));
    const a2 = t.receive(responseToAlice(183, 'a'));
    expect([a.type, b.type, a2.type]).toEqual(['early', 'early', 'early']);
    expect(a2).toMatchObject({ isNew: false });
    expect([...t.dialogs.keys()]).toEqual(['a', 'b']);
    expect([...t.dialogs.values()].every((d) => d.state === 'early')).toBe(true);
  });

  it('RFC 3261 §13.2.2.4: the first 2xx wins; a later 2xx from another tag is ACKed then BYEd', () => {
    const t = new InviteForkTracker(aliceInvite(), { via: (m) => via(m) });
    t.receive(responseToAlice(180, 'a'));
    t.receive(responseToAlice(180, 'b'));
    const won = t.receive(responseToAlice(200, 'a'));
    expect(won.type).toBe('established');
    expect(t.established?.id.remoteTag).toBe('a');
    expect(t.established?.state).toBe('confirmed');

    const extra = t.receive(responseToAlice(200, 'b', [], '<sip:bob@phone-b.example.com>')) as Extract<ForkEvent, { type: 'extra-2xx' }>;
    expect(extra.type).toBe('extra-2xx');
    expect(extra.actions.map((a) => a.kind)).toEqual(['ack', 'bye']);
    const [ack, bye] = extra.actions.map((a) => a.request);
    expect(ack!.cseq).toEqual({ seq: 1, method: 'ACK' });
    expect(bye!.cseq).toEqual({ seq: 2, method: 'BYE' });
    for (const r of [ack!, bye!]) {
      expect(r.to?.tag).toBe('b');
      expect(r.requestUri).toBe('sip:bob@phone-b.example.com');
      expect(r.route.map((x) => x.uri.raw)).toEqual(['sip:p1.atlanta.example.com;lr', 'sip:p2.biloxi.example.com;lr;ftag=9fxced76sl']);
    }
    expect(ack!.topVia?.branch).toBe('z9hG4bK-ack');
    expect(bye!.topVia?.branch).toBe('z9hG4bK-bye');
    expect(extra.dialog.state).toBe('terminated');
    expect(t.established?.id.remoteTag).toBe('a');
  });

  it('RFC 3261 §13.2.2.4: retransmitted 2xx: the winner\'s is reported for re-ACK; a loser\'s gets the same ACK and no second BYE', () => {
    const t = new InviteForkTracker(aliceInvite());
    t.receive(responseToAlice(200, 'a'));
    const first = t.receive(responseToAlice(200, 'b')) as Extract<ForkEvent, { type: 'extra-2xx' }>;
    expect(t.receive(responseToAlice(200, 'a')).type).toBe('retransmission');
    const again = t.receive(responseToAlice(200, 'b')) as Extract<ForkEvent, { type: 'extra-2xx' }>;
    expect(again.actions.map((a) => a.kind)).toEqual(['ack']);
    expect(again.actions[0]!.request).toBe(first.actions[0]!.request);
  });

  it('RFC 3261 §13.2.2.3: a final non-2xx terminates every early dialog', () => {
    const t = new InviteForkTracker(aliceInvite());
    t.receive(responseToAlice(180, 'a'));
    t.receive(responseToAlice(183, 'b'));
    const failed = t.receive(responseToAlice(486, 'c'));
    expect(failed.type).toBe('failed');
    expect(failed).toMatchObject({ status: 486 });
    expect((failed as Extract<ForkEvent, { type: 'failed' }>).terminated.map((d) => [d.id.remoteTag, d.state])).toEqual([
      ['a', 'terminated'],
      ['b', 'terminated'],
    ]);
    expect(t.receive(responseToAlice(487, 'c')).type).toBe('ignored');
    // A 2xx after the failure is still ACKed and BYEd.
    expect((t.receive(responseToAlice(200, 'a')) as Extract<ForkEvent, { type: 'extra-2xx' }>).actions.map((a) => a.kind)).toEqual(['ack', 'bye']);
  });

  it('RFC 3261 §13.2.2.4: once established, remaining early dialogs can be ended; late 1xx of other forks are not tracked', () => {
    const t = new InviteForkTracker(aliceInvite());
    t.receive(responseToAlice(180, 'a'));
    t.receive(responseToAlice(180, 'b'));
    t.receive(responseToAlice(200, 'a'));
    expect(t.receive(responseToAlice(180, 'c')).type).toBe('provisional');
    expect(t.terminateEarly().map((d) => d.id.remoteTag)).toEqual(['b']);
    expect(t.dialogs.get('a')?.state).toBe('confirmed');
  });

  it('RFC 3261 §13.2.2.4: responses to another request are typed errors; misuse is TypeError', () => {
    const t = new InviteForkTracker(aliceInvite());
    const other = responseToAlice(200, 'a');
    other.headers.set('CSeq', '2 INVITE');
    expect(() => t.receive(other)).toThrow(expect.objectContaining({ code: 'DIALOG_MISMATCH' }));
    expect(() => new InviteForkTracker(other as never)).toThrow(TypeError);
  });

  it('RFC 3261 §13.2.2.4: exactly one dialog is established and every other 2xx tag gets exactly one BYE (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(180, 183, 200, 200, 486), fc.constantFrom('a', 'b', 'c', 'd')), { minLength: 1, maxLength: 30 }),
        (script) => {
          const t = new InviteForkTracker(aliceInvite());
          const byes = new Map<string, number>();
          let established = 0;
          for (const [status, tag] of script) {
            const ev = t.receive(responseToAlice(status, tag));
            if (ev.type === 'established') established++;
            if (ev.type === 'extra-2xx') {
              for (const a of ev.actions) if (a.kind === 'bye') byes.set(tag, (byes.get(tag) ?? 0) + 1);
              expect(ev.actions[0]?.kind).toBe('ack');
            }
          }
          expect(established).toBeLessThanOrEqual(1);
          for (const n of byes.values()) expect(n).toBe(1);
          if (t.established !== null) expect(byes.has(t.established.id.remoteTag)).toBe(false);
        },
      ),
    );
  });
});

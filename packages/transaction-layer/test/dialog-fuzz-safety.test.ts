import { describe, it } from 'vitest';
import fc from 'fast-check';
import type { SipRequest, SipResponse } from '@trunkline/sip-parser';
import { createUacDialog, createUasDialog } from '../src/dialog/dialog.js';
import { DialogError } from '../src/dialog/dialog-error.js';
import { receiveInDialogRequest, receiveInDialogResponse, receiveReliableProvisional } from '../src/dialog/dialog-transitions.js';
import { InviteForkTracker } from '../src/dialog/invite-fork-tracker.js';
import { INVITE_AT_BOB, aliceInvite, bobOk, msg, responseToAlice } from './dialog-helpers.js';

const HEADERS = ['From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Record-Route', 'RSeq'] as const;
const garbage = fc
  .oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom('<sip:x', '<sip:a@b>;tag=', '1 INVITE', 'x INVITE', '99999999999 INVITE', '*', '<sip:[::1>', '"unterminated <sip:a@b>', ''),
  )
  .map((v) => v.replace(/[\r\n]/g, ' '));

function expectTyped(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    if (e instanceof DialogError) return;
    throw e;
  }
}

describe('RFC 3261 §12 untrusted input never throws untyped errors', () => {
  it('RFC 3261 §12.1: corrupting any dialog header gives a dialog or a DialogError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HEADERS), garbage, fc.constantFrom(180, 200), (name, v, status) => {
        const res: SipResponse = responseToAlice(status, 'a', ['Require: 100rel', 'RSeq: 1']);
        res.headers.set(name, v);
        expectTyped(() => createUacDialog(aliceInvite(), res));
        expectTyped(() => new InviteForkTracker(aliceInvite()).receive(res));
        const good = createUacDialog(aliceInvite(), responseToAlice(status, 'a'));
        expectTyped(() => receiveInDialogResponse(good, aliceInvite(), res));
        if (status === 180) expectTyped(() => receiveReliableProvisional(good, res));

        const invite = msg(INVITE_AT_BOB) as SipRequest;
        const ok = bobOk(invite);
        invite.headers.set(name, v);
        expectTyped(() => createUasDialog(invite, ok));
        const clean = msg(INVITE_AT_BOB) as SipRequest;
        const bob = createUasDialog(clean, bobOk(clean));
        expectTyped(() => receiveInDialogRequest(bob, invite));
      }),
    );
  });
});

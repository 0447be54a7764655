import { describe, expect, it } from 'vitest';
import { createResponse, formatUri, type SipRequest, type SipResponse } from '@trunkline/sip-parser';
import { createUacDialog, createUasDialog } from '../src/dialog/dialog.js';
import { createInDialogRequest } from '../src/dialog/in-dialog-request.js';
import { confirmUasDialog, receiveInDialogRequest, receiveInDialogResponse, receiveReliableProvisional, terminateDialog } from '../src/dialog/dialog-transitions.js';
import { INVITE_AT_BOB, aliceInvite, bobOk, msg, responseToAlice } from './dialog-helpers.js';

/** A request from Alice inside the dialog, as Bob receives it. */
function fromAlice(method: string, seq: number, extra: readonly string[] = [], toTag = '8321234356'): SipRequest {
  return msg([
    `${method} sip:bob@client.biloxi.example.com SIP/2.0`,
    'Via: SIP/2.0/UDP p2.biloxi.example.com;branch=z9hG4bKx' + seq,
    'From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl',
    `To: Bob <sip:bob@biloxi.example.com>;tag=${toTag}`,
    'Call-ID: 3848276298220188511@atlanta.example.com',
    `CSeq: ${seq} ${method}`,
    ...extra,
  ]) as SipRequest;
}

function bob() {
  const invite = msg(INVITE_AT_BOB) as SipRequest;
  return createUasDialog(invite, bobOk(invite));
}

describe('RFC 3261 §12.2.2 UAS behavior', () => {
  it('RFC 3261 §12.2.2: a request with a lower CSeq than the remote CSeq is rejected with 500', () => {
    const r = receiveInDialogRequest(bob(), fromAlice('INFO', 5));
    expect(r.reject).toBeNull();
    expect(r.dialog.remoteSeq).toBe(5);
    const late = receiveInDialogRequest(r.dialog, fromAlice('INFO', 4));
    expect(late.reject?.status).toBe(500);
    expect(late.dialog).toBe(r.dialog);
  });

  it('RFC 3261 §12.2.2: an empty remote CSeq takes the request\'s (UAC dialog receiving its first request)', () => {
    const alice = createUacDialog(aliceInvite(), responseToAlice(200, '8321234356'));
    expect(alice.remoteSeq).toBeNull();
    const bye = msg([
      'BYE sip:alice@client.atlanta.example.com SIP/2.0',
      'Via: SIP/2.0/UDP p1.atlanta.example.com;branch=z9hG4bKb',
      'From: Bob <sip:bob@biloxi.example.com>;tag=8321234356',
      'To: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl',
      'Call-ID: 3848276298220188511@atlanta.example.com',
      'CSeq: 231 BYE',
    ]) as SipRequest;
    const r = receiveInDialogRequest(alice, bye);
    expect(r.dialog.remoteSeq).toBe(231);
    expect(r.dialog.state).toBe('terminated'); // §15.1.2
  });

  it('RFC 3261 §12.2.2: a re-INVITE or UPDATE with Contact refreshes the remote target; ACK leaves CSeq alone', () => {
    const r = receiveInDialogRequest(bob(), fromAlice('INVITE', 2, ['Contact: <sip:alice@192.0.2.77:5070>']));
    expect(formatUri(r.dialog.remoteTarget)).toBe('sip:alice@192.0.2.77:5070');
    expect(r.dialog.routeSet).toEqual(bob().routeSet); // route set is never refreshed
    const ack = receiveInDialogRequest(r.dialog, fromAlice('ACK', 2));
    expect(ack.dialog.remoteSeq).toBe(2);
    const info = receiveInDialogRequest(r.dialog, fromAlice('INFO', 3, ['Contact: <sip:alice@192.0.2.88>']));
    expect(formatUri(info.dialog.remoteTarget)).toBe('sip:alice@192.0.2.77:5070'); // INFO is no target refresh
    const upd = receiveInDialogRequest(info.dialog, fromAlice('UPDATE', 4, ['Contact: <sip:alice@192.0.2.99>']));
    expect(formatUri(upd.dialog.remoteTarget)).toBe('sip:alice@192.0.2.99');
  });

  it('RFC 3261 §13.3.1.4: the UAS\'s early dialog is confirmed by its 2xx; PRACK/UPDATE CSeq seen meanwhile is kept', () => {
    const invite = msg(INVITE_AT_BOB) as SipRequest;
    const ringing = createResponse(invite, 180, { toTag: '8321234356', copyRecordRoute: true, headers: [['Contact', '<sip:bob@client.biloxi.example.com>']] });
    let d = createUasDialog(invite, ringing);
    expect(d.state).toBe('early');
    d = receiveInDialogRequest(d, fromAlice('PRACK', 2)).dialog;
    const ok = createResponse(invite, 200, { toTag: '8321234356', headers: [['Contact', '<sip:bob@192.0.2.42>']] });
    const confirmed = confirmUasDialog(d, ok);
    expect(confirmed).toMatchObject({ state: 'confirmed', remoteSeq: 2, localContact: '<sip:bob@192.0.2.42>' });
    expect(confirmed.routeSet).toEqual(d.routeSet);
    expect(() => confirmUasDialog(d, createResponse(invite, 200, { toTag: 'other' }))).toThrow(expect.objectContaining({ code: 'DIALOG_MISMATCH' }));
    expect(() => confirmUasDialog(d, ringing)).toThrow(TypeError);
  });

  it('RFC 3261 §12.2.2: a request of another dialog gets 481', () => {
    expect(receiveInDialogRequest(bob(), fromAlice('BYE', 9, [], 'other')).reject?.status).toBe(481);
    expect(receiveInDialogRequest(terminateDialog(bob()), fromAlice('BYE', 9)).reject?.status).toBe(481);
  });
});

describe('RFC 3261 §12.2.1.2 UAC behavior', () => {
  it('RFC 3261 §13.2.2.4: an early dialog is confirmed by a 2xx, route set recomputed from the 2xx', () => {
    const invite = aliceInvite();
    const early = createUacDialog(invite, responseToAlice(180, '8321234356', [], '<sip:bob@early.example.com>'));
    expect(early.state).toBe('early');
    const ok = msg([
      'SIP/2.0 200 OK',
      'Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9',
      'Record-Route: <sip:p3.example.com;lr>',
      'From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl',
      'To: Bob <sip:bob@biloxi.example.com>;tag=8321234356',
      'Call-ID: 3848276298220188511@atlanta.example.com',
      'CSeq: 1 INVITE',
      'Contact: <sip:bob@final.example.com>',
    ]) as SipResponse;
    const confirmed = receiveInDialogResponse(early, invite, ok);
    expect(confirmed.state).toBe('confirmed');
    expect(confirmed.routeSet.map(formatUri)).toEqual(['sip:p3.example.com;lr']);
    expect(formatUri(confirmed.remoteTarget)).toBe('sip:bob@final.example.com');
  });

  it('RFC 3261 §12.2.1.2: a 2xx to a re-INVITE refreshes the remote target, not the route set', () => {
    const d = createUacDialog(aliceInvite(), responseToAlice(200, '8321234356'));
    const { request: reinvite, dialog } = createInDialogRequest(d, 'INVITE');
    const ok = msg([
      'SIP/2.0 200 OK',
      'Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bKre',
      'Record-Route: <sip:ignored.example.com;lr>',
      'From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl',
      'To: Bob <sip:bob@biloxi.example.com>;tag=8321234356',
      'Call-ID: 3848276298220188511@atlanta.example.com',
      'CSeq: 2 INVITE',
      'Contact: <sip:bob@198.51.100.5>',
    ]) as SipResponse;
    const next = receiveInDialogResponse(dialog, reinvite, ok);
    expect(formatUri(next.remoteTarget)).toBe('sip:bob@198.51.100.5');
    expect(next.routeSet).toEqual(d.routeSet);
  });

  it('RFC 3261 §12.2.1.2: 481 and 408 terminate the dialog; a mismatched response is a typed error', () => {
    const d = createUacDialog(aliceInvite(), responseToAlice(200, '8321234356'));
    const { request: info, dialog } = createInDialogRequest(d, 'INFO');
    const res = (status: number, cseq = '2 INFO', tag = '8321234356') =>
      msg([
        `SIP/2.0 ${status} X`,
        'Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bKi',
        'From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl',
        `To: Bob <sip:bob@biloxi.example.com>;tag=${tag}`,
        'Call-ID: 3848276298220188511@atlanta.example.com',
        `CSeq: ${cseq}`,
      ]) as SipResponse;
    expect(receiveInDialogResponse(dialog, info, res(481)).state).toBe('terminated');
    expect(receiveInDialogResponse(dialog, info, res(408)).state).toBe('terminated');
    expect(receiveInDialogResponse(dialog, info, res(500)).state).toBe('confirmed');
    expect(() => receiveInDialogResponse(dialog, info, res(200, '3 INFO'))).toThrow(expect.objectContaining({ code: 'DIALOG_MISMATCH' }));
    expect(() => receiveInDialogResponse(dialog, info, res(200, '2 INFO', 'zzz'))).toThrow(expect.objectContaining({ code: 'DIALOG_MISMATCH' }));
  });

  it('RFC 3262 §4: reliable provisional responses: RSeq must grow by one; repeats are retransmissions', () => {
    const r = (rseq: string) => responseToAlice(183, 'e1', ['Require: 100rel', `RSeq: ${rseq}`]);
    let d = createUacDialog(aliceInvite(), r('10'));
    const first = receiveReliableProvisional(d, r('10'));
    expect(first.verdict).toBe('new');
    expect(first.rack).toEqual({ rseq: 10, cseq: 1, method: 'INVITE' });
    d = first.dialog;
    expect(receiveReliableProvisional(d, r('10')).verdict).toBe('retransmission');
    expect(receiveReliableProvisional(d, r('12')).verdict).toBe('out-of-order');
    expect(receiveReliableProvisional(d, r('11')).verdict).toBe('new');
    expect(() => receiveReliableProvisional(d, r('x1'))).toThrow(expect.objectContaining({ code: 'DIALOG_BAD_MESSAGE' }));
  });
});

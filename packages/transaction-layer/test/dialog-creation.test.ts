import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatUri, messageToString, parseMessage, serializeMessage, type SipRequest, type SipResponse } from '@trunkline/sip-parser';
import { createUacDialog, createUasDialog, dialogIdOf, dialogKey } from '../src/dialog/dialog.js';
import { DialogError } from '../src/dialog/dialog-error.js';
import { createAckFor2xx, createInDialogRequest } from '../src/dialog/in-dialog-request.js';
import { INVITE_AT_BOB, aliceInvite, bobOk, msg, responseToAlice } from './dialog-helpers.js';

const CORPUS = '/work/shared/bench-corpus';
const load = (f: string) => parseMessage(readFileSync(`${CORPUS}/${f}`));

describe('RFC 3261 §12.1 creating dialogs', () => {
  it('RFC 3261 §12.1.2: UAC dialog from a 2xx: Record-Route reversed, Contact as target, To tag, local CSeq of the INVITE', () => {
    const d = createUacDialog(aliceInvite(), responseToAlice(200, '8321234356'));
    expect(d.id).toEqual({ callId: '3848276298220188511@atlanta.example.com', localTag: '9fxced76sl', remoteTag: '8321234356' });
    expect(d.state).toBe('confirmed');
    expect(d.role).toBe('uac');
    expect(d.routeSet.map(formatUri)).toEqual(['sip:p1.atlanta.example.com;lr', 'sip:p2.biloxi.example.com;lr;ftag=9fxced76sl']);
    expect(formatUri(d.remoteTarget)).toBe('sip:bob@client.biloxi.example.com');
    expect([d.localSeq, d.remoteSeq]).toEqual([1, null]);
    expect(formatUri(d.localUri)).toBe('sip:alice@atlanta.example.com');
    expect(formatUri(d.remoteUri)).toBe('sip:bob@biloxi.example.com');
    expect(d.secure).toBe(false);
    expect(d.localContact).toBe('<sip:alice@client.atlanta.example.com;transport=udp>');
  });

  it('RFC 3261 §12.1: a tagged 1xx creates an early dialog; 100 and untagged 1xx do not', () => {
    expect(createUacDialog(aliceInvite(), responseToAlice(180, 'a')).state).toBe('early');
    expect(() => createUacDialog(aliceInvite(), responseToAlice(180, null))).toThrow(expect.objectContaining({ code: 'NOT_DIALOG_CREATING' }));
    expect(() => createUacDialog(aliceInvite(), responseToAlice(100, null))).toThrow(DialogError);
    expect(() => createUacDialog(aliceInvite(), responseToAlice(486, 'a'))).toThrow(expect.objectContaining({ code: 'NOT_DIALOG_CREATING' }));
  });

  it('RFC 3261 §12.1.2: a 2xx without To tag (RFC 2543) gets an empty remote tag', () => {
    expect(createUacDialog(aliceInvite(), responseToAlice(200, null)).id.remoteTag).toBe('');
  });

  it('RFC 3261 §12.1.1: UAS dialog: Record-Route in order, remote CSeq of the INVITE, local CSeq empty', () => {
    const invite = msg(INVITE_AT_BOB) as SipRequest;
    const d = createUasDialog(invite, bobOk(invite));
    expect(d.id).toEqual({ callId: '3848276298220188511@atlanta.example.com', localTag: '8321234356', remoteTag: '9fxced76sl' });
    expect(d.routeSet.map(formatUri)).toEqual(['sip:p2.biloxi.example.com;lr;ftag=9fxced76sl', 'sip:p1.atlanta.example.com;lr']);
    expect(formatUri(d.remoteTarget)).toBe('sip:alice@client.atlanta.example.com;transport=udp');
    expect([d.localSeq, d.remoteSeq]).toEqual([null, 1]);
    expect(d.localContact).toBe('<sip:bob@client.biloxi.example.com>');
    expect(dialogIdOf(invite)).toBeNull(); // no To tag yet: out of dialog
  });

  it('RFC 3261 §12.1.1: a SIPS Request-URI makes the dialog secure', () => {
    const invite = load('01-invite.sip') as SipRequest;
    expect(createUasDialog(invite, load('04-200-ok-invite.sip') as SipResponse).secure).toBe(true);
    expect(createUasDialog(invite, load('04-200-ok-invite.sip') as SipResponse, { overTls: false }).secure).toBe(false);
  });

  it('RFC 3261 §12: dialog IDs from both sides match; malformed messages are typed errors', () => {
    const invite = msg(INVITE_AT_BOB) as SipRequest;
    const uas = createUasDialog(invite, bobOk(invite));
    const uac = createUacDialog(aliceInvite(), responseToAlice(200, '8321234356'));
    expect(uas.id.callId).toBe(uac.id.callId);
    expect([uas.id.localTag, uas.id.remoteTag]).toEqual([uac.id.remoteTag, uac.id.localTag]);
    expect(dialogKey(uac.id)).toBe(dialogKey(dialogIdOf(responseToAlice(200, '8321234356'))!));
    const broken = responseToAlice(200, 'x', [], '<sip:bob@[bad');
    expect(() => createUacDialog(aliceInvite(), broken)).toThrow(expect.objectContaining({ code: 'DIALOG_BAD_MESSAGE' }));
  });
});

describe('RFC 3261 §12.2.1.1 / §13.2.2.4 with the bench corpus call', () => {
  it('RFC 3261 §13.2.2.4: the SBC\'s ACK for the 200 equals 05-ack.sip byte for byte', () => {
    const dialog = createUacDialog(load('01-invite.sip') as SipRequest, load('04-200-ok-invite.sip') as SipResponse);
    const ack = createAckFor2xx(dialog, 1, { via: 'SIP/2.0/TLS 198.51.100.10:5061;branch=z9hG4bK-524287-1-0d9e7f42;alias' });
    expect(messageToString(ack)).toBe(readFileSync(`${CORPUS}/05-ack.sip`, 'utf8'));
    expect(dialog.localSeq).toBe(1);
  });

  it('RFC 3261 §12.2.1.1: the agent\'s BYE (UAS side, first local CSeq 1) equals 06-bye.sip byte for byte', () => {
    const dialog = createUasDialog(load('01-invite.sip') as SipRequest, load('04-200-ok-invite.sip') as SipResponse);
    const { request, dialog: next } = createInDialogRequest(dialog, 'BYE', {
      via: 'SIP/2.0/TLS 203.0.113.20:5061;branch=z9hG4bK-ai-2c7e1b9f0a',
      initialCSeq: 1,
      headers: [
        ['Reason', 'SIP;cause=200;text="Call completed by agent"'],
        ['User-Agent', 'VoiceAgent/0.1'],
      ],
    });
    expect(Buffer.from(serializeMessage(request)).toString('utf8')).toBe(readFileSync(`${CORPUS}/06-bye.sip`, 'utf8'));
    expect(next.localSeq).toBe(1);
  });
});

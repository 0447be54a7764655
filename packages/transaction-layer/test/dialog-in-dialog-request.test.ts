import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatUri, parseUri, type SipRequest, type SipResponse, type Uri } from '@trunkline/sip-parser';
import { createUacDialog, createUasDialog, type Dialog } from '../src/dialog/dialog.js';
import { createAckFor2xx, createInDialogRequest, createPrack } from '../src/dialog/in-dialog-request.js';
import { applyRouteSet } from '../src/dialog/route-set.js';
import { INVITE_AT_BOB, aliceInvite, bobOk, msg, responseToAlice } from './dialog-helpers.js';

const routes = (r: SipRequest) => r.route.map((x) => formatUri(x.uri));
const uacDialog = () => createUacDialog(aliceInvite(), responseToAlice(200, '8321234356'));

describe('RFC 3261 §12.2.1.1 requests within a dialog', () => {
  it('RFC 3261 §12.2.1.1 (RFC 3665 §3.2-style): the caller\'s BYE carries the two Record-Routes reversed, loose routing', () => {
    const { request, dialog } = createInDialogRequest(uacDialog(), 'BYE');
    expect(request.method).toBe('BYE');
    expect(request.requestUri).toBe('sip:bob@client.biloxi.example.com');
    expect(routes(request)).toEqual(['sip:p1.atlanta.example.com;lr', 'sip:p2.biloxi.example.com;lr;ftag=9fxced76sl']);
    expect(request.cseq).toEqual({ seq: 2, method: 'BYE' });
    expect(request.from?.raw).toBe('"Alice" <sip:alice@atlanta.example.com>;tag=9fxced76sl');
    expect(request.to?.raw).toBe('"Bob" <sip:bob@biloxi.example.com>;tag=8321234356');
    expect(request.callId).toBe('3848276298220188511@atlanta.example.com');
    expect(request.maxForwards).toBe(70);
    expect(request.headers.has('Contact')).toBe(false);
    expect(request.headers.has('Via')).toBe(false);
    expect(dialog.localSeq).toBe(2);
  });

  it('RFC 3261 §12.2.1.1 (RFC 3665 §3.2-style): the callee\'s BYE carries the Record-Routes in order', () => {
    const invite = msg(INVITE_AT_BOB) as SipRequest;
    const bob = createUasDialog(invite, bobOk(invite));
    const { request, dialog } = createInDialogRequest(bob, 'BYE', { initialCSeq: 7000, via: 'SIP/2.0/UDP client.biloxi.example.com;branch=z9hG4bKnashds7' });
    expect(request.requestUri).toBe('sip:alice@client.atlanta.example.com;transport=udp');
    expect(routes(request)).toEqual(['sip:p2.biloxi.example.com;lr;ftag=9fxced76sl', 'sip:p1.atlanta.example.com;lr']);
    expect(request.cseq).toEqual({ seq: 7000, method: 'BYE' });
    expect(request.from?.tag).toBe('8321234356');
    expect(request.to?.tag).toBe('9fxced76sl');
    expect(request.topVia?.branch).toBe('z9hG4bKnashds7');
    expect(dialog.localSeq).toBe(7000);
    // Without an explicit initial CSeq the UAS picks one below 2^31 (§8.1.1.5).
    expect(createInDialogRequest(bob, 'INFO', { random: () => 0.5 }).request.cseq?.seq).toBe(0x4000_0000);
  });

  it('RFC 3261 §12.2.1.1: target refresh requests carry the local Contact; re-INVITE keeps the route set', () => {
    const { request } = createInDialogRequest(uacDialog(), 'INVITE', { body: 'v=0\r\n', contentType: 'application/sdp' });
    expect(request.headers.get('Contact')).toBe('<sip:alice@client.atlanta.example.com;transport=udp>');
    expect(request.contentType).toBe('application/sdp');
    expect(routes(request)).toHaveLength(2);
    expect(createInDialogRequest(uacDialog(), 'UPDATE', { contact: '<sip:alice@192.0.2.99>' }).request.headers.get('Contact')).toBe('<sip:alice@192.0.2.99>');
  });

  it('RFC 3261 §12.2.1.1: strict routing: the first route becomes the Request-URI, the remote target the last Route', () => {
    const strict: Dialog = {
      ...uacDialog(),
      routeSet: [parseUri('sip:strict.example.com;method=INVITE?Subject=x'), parseUri('sip:p2.example.com;lr')],
    };
    const { request } = createInDialogRequest(strict, 'BYE');
    expect(request.requestUri).toBe('sip:strict.example.com');
    expect(routes(request)).toEqual(['sip:p2.example.com;lr', 'sip:bob@client.biloxi.example.com']);
  });

  it('RFC 3261 §12.2.1.1: an empty route set sends straight to the remote target', () => {
    const direct: Dialog = { ...uacDialog(), routeSet: [] };
    const { request } = createInDialogRequest(direct, 'OPTIONS');
    expect(request.requestUri).toBe('sip:bob@client.biloxi.example.com');
    expect(request.headers.has('Route')).toBe(false);
  });

  it('RFC 3261 §13.2.2.4: the ACK for a 2xx has the INVITE\'s CSeq number, the same Request-URI and Route, and a Via of its own', () => {
    const d = uacDialog();
    const ack = createAckFor2xx(d, 1, { via: 'SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK-ack-1' });
    const bye = createInDialogRequest(d, 'BYE').request;
    expect(ack.cseq).toEqual({ seq: 1, method: 'ACK' });
    expect(ack.requestUri).toBe(bye.requestUri);
    expect(routes(ack)).toEqual(routes(bye));
    expect(ack.topVia?.branch).toBe('z9hG4bK-ack-1');
    expect(ack.headers.has('Contact')).toBe(false);
  });

  it('RFC 3261 §12.2.1.1: ACK and CANCEL do not advance the local CSeq and need an explicit number', () => {
    const d = uacDialog();
    const ack = createInDialogRequest(d, 'ACK', { cseq: 1 });
    expect(ack.dialog.localSeq).toBe(1);
    expect(ack.request.cseq).toEqual({ seq: 1, method: 'ACK' });
    expect(() => createInDialogRequest(d, 'CANCEL')).toThrow(TypeError);
    expect(() => createInDialogRequest({ ...d, state: 'terminated' }, 'BYE')).toThrow(TypeError);
    expect(() => createInDialogRequest(d, 'BYE', { maxForwards: 300 })).toThrow(TypeError);
  });

  it('RFC 3262 §7.2: PRACK is an in-dialog request with RAck', () => {
    const early = createUacDialog(aliceInvite(), responseToAlice(183, 'e1', ['Require: 100rel', 'RSeq: 813520']));
    const { request, dialog } = createPrack(early, { rseq: 813520, cseq: 1, method: 'INVITE' });
    expect(request.headers.get('RAck')).toBe('813520 1 INVITE');
    expect(request.cseq).toEqual({ seq: 2, method: 'PRACK' });
    expect(dialog.localSeq).toBe(2);
  });
});

describe('RFC 3261 §12.2.1.1 properties', () => {
  const method = fc.constantFrom('BYE', 'INFO', 'UPDATE', 'INVITE', 'OPTIONS', 'MESSAGE', 'NOTIFY', 'REFER', 'ACK', 'CANCEL');

  it('RFC 3261 §12.2.1.1: CSeq strictly increases across generated in-dialog requests (ACK/CANCEL aside)', () => {
    fc.assert(
      fc.property(fc.array(method, { minLength: 1, maxLength: 40 }), fc.boolean(), fc.integer({ min: 0, max: 0x7fff_ffff }), (methods, uas, initial) => {
        const atBob = msg(INVITE_AT_BOB) as SipRequest;
        let d = uas ? createUasDialog(atBob, bobOk(atBob)) : uacDialog();
        let last = d.localSeq ?? -1;
        for (const m of methods) {
          const fixed = m === 'ACK' || m === 'CANCEL';
          const out = createInDialogRequest(d, m, fixed ? { cseq: Math.max(last, 0) } : { initialCSeq: initial });
          const seq = out.request.cseq!.seq;
          if (fixed) {
            expect(out.dialog.localSeq).toBe(d.localSeq);
          } else {
            expect(seq).toBeGreaterThan(last);
            expect(out.dialog.localSeq).toBe(seq);
            last = seq;
          }
          expect(out.request.cseq!.method).toBe(m);
          d = out.dialog;
        }
      }),
    );
  });

  const host = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/).map((h) => `${h}.example.com`);
  const route = fc.tuple(host, fc.boolean()).map(([h, lr]) => parseUri(`sip:${h}${lr ? ';lr' : ''}`));

  it('RFC 3261 §12.1/§12.2.1.1: Route order invariant: UAC sends Record-Route reversed, UAS in order (loose routing)', () => {
    fc.assert(
      fc.property(fc.array(host, { maxLength: 6 }), (hosts) => {
        const rr = hosts.map((h) => `Record-Route: <sip:${h};lr>`);
        const atBob = msg([...INVITE_AT_BOB.filter((l) => !l.startsWith('Record-Route')), ...rr]) as SipRequest;
        const bob = createUasDialog(atBob, bobOk(atBob));
        const ok = msg([
          'SIP/2.0 200 OK',
          'Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9',
          ...rr,
          'From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl',
          'To: Bob <sip:bob@biloxi.example.com>;tag=8321234356',
          'Call-ID: 3848276298220188511@atlanta.example.com',
          'CSeq: 1 INVITE',
          'Contact: <sip:bob@client.biloxi.example.com>',
        ]);
        const alice = createUacDialog(aliceInvite(), ok as SipResponse);
        const expected = hosts.map((h) => `sip:${h};lr`);
        expect(routes(createInDialogRequest(bob, 'BYE', { initialCSeq: 1 }).request)).toEqual(expected);
        expect(routes(createInDialogRequest(alice, 'BYE').request)).toEqual([...expected].reverse());
      }),
    );
  });

  it('RFC 3261 §12.2.1.1: Request-URI + Route always spell the route set then the remote target (loose or strict)', () => {
    fc.assert(
      fc.property(fc.array(route, { maxLength: 6 }), (set: Uri[]) => {
        const target = parseUri('sip:bob@client.biloxi.example.com');
        const { requestUri, routes: rs } = applyRouteSet(set, target);
        const path = [requestUri, ...rs].map(formatUri);
        const loose = set.length === 0 || set[0]!.kind === 'sip' && set[0]!.params.some((p) => p.name === 'lr');
        if (loose) expect([...rs.map(formatUri), formatUri(requestUri)]).toEqual([...set.map(formatUri), formatUri(target)]);
        else expect(path).toEqual([...set.map(formatUri), formatUri(target)]);
      }),
    );
  });
});

// A consumer of the packed tarballs, compiled by scripts/pack-test.mjs with a
// strict tsconfig in a fresh app outside the workspace, then run. It only uses
// what the published packages export, exactly as an app would.
import { strict as assert } from 'node:assert';
import { decodePcmu, encodePcmu } from '@trunkline/codecs';
import { TrunklineError, assertNever } from '@trunkline/errors';
import { SrtpContext } from '@trunkline/rtp-srtp';
import * as sdp from '@trunkline/sdp';
import { formatUri, parseMessage, parseUri } from '@trunkline/sip-parser';
import { DEFAULT_TIMER_CONFIG, resolveTimerConfig } from '@trunkline/transaction-layer';
import * as userAgent from '@trunkline/user-agent';
import { encodeHex, parseUui } from '@trunkline/uui';
import * as trunkline from 'trunkline';

const checked: string[] = [];

// @trunkline/errors: the shared base class and the exhaustiveness guard.
{
  const e = new TrunklineError('PACK_TEST', 'a consumer-made error', { statusHint: 500 });
  assert.ok(e instanceof Error);
  assert.equal(e.code, 'PACK_TEST');
  assert.equal(e.statusHint, 500);
  type Kind = 'udp' | 'tls';
  const port = (k: Kind): number => {
    switch (k) {
      case 'udp':
        return 5060;
      case 'tls':
        return 5061;
      default:
        return assertNever(k);
    }
  };
  assert.equal(port('tls'), 5061);
  assert.throws(() => assertNever('sctp' as never));
  checked.push('errors');
}

// @trunkline/sip-parser: parse a request, read typed headers, round-trip a URI.
{
  const invite = parseMessage(
    'INVITE sip:bob@biloxi.example.com SIP/2.0\r\n' +
      'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n' +
      'Max-Forwards: 70\r\n' +
      'To: Bob <sip:bob@biloxi.example.com>\r\n' +
      'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n' +
      'Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n' +
      'CSeq: 314159 INVITE\r\n' +
      'Content-Length: 0\r\n\r\n',
  );
  assert.ok(invite.isRequest);
  assert.equal(invite.method, 'INVITE');
  assert.equal(invite.callId, 'a84b4c76e66710@pc33.atlanta.example.com');
  assert.equal(invite.cseq?.seq, 314159);
  assert.equal(formatUri(parseUri('sip:alice@atlanta.example.com;transport=tcp')), 'sip:alice@atlanta.example.com;transport=tcp');
  checked.push('sip-parser');
}

// @trunkline/transaction-layer: the RFC 3261 timer table (pure, no sockets).
{
  const timers = resolveTimerConfig({ T1: 250 });
  assert.equal(timers.T1, 250);
  assert.equal(timers.T2, DEFAULT_TIMER_CONFIG.T2);
  checked.push('transaction-layer');
}

// @trunkline/rtp-srtp: protect and unprotect one RTP packet.
{
  const keys = { masterKey: new Uint8Array(16).fill(1), masterSalt: new Uint8Array(14).fill(2) };
  const sender = new SrtpContext({ profile: 'AES_CM_128_HMAC_SHA1_80', ...keys });
  const receiver = new SrtpContext({ profile: 'AES_CM_128_HMAC_SHA1_80', ...keys });
  const rtp = new Uint8Array(12 + 160);
  rtp.set([0x80, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78]);
  const srtp = sender.protect(rtp, new Uint8Array(rtp.length + sender.rtpOverhead));
  assert.deepEqual(receiver.unprotect(srtp), rtp);
  checked.push('rtp-srtp');
}

// @trunkline/codecs: G.711 µ-law round trip.
{
  const pcm = Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
  const back = decodePcmu(encodePcmu(pcm));
  assert.equal(back.length, pcm.length);
  assert.ok(back.every((s, i) => Math.abs(s - pcm[i]!) < 600));
  checked.push('codecs');
}

// @trunkline/uui: RFC 7433 User-to-User with hex encoding.
{
  const uui = parseUui('48656c6c6f;encoding=hex;purpose=isdn-uui');
  assert.equal(encodeHex(uui.data).toLowerCase(), '48656c6c6f');
  assert.equal(uui.purpose, 'isdn-uui');
  checked.push('uui');
}

// Packages whose API is still taking shape: they load, and their exports are there.
for (const [name, ns] of [
  ['sdp', sdp],
  ['user-agent', userAgent],
  ['trunkline', trunkline],
] as const) {
  assert.equal(typeof ns, 'object');
  checked.push(`${name} (${Object.keys(ns).length} exports)`);
}
assert.equal(typeof userAgent.createUserAgent, 'function');

console.log(`pack-test consumer: ok: ${checked.join(', ')}`);

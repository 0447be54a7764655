import { createRequest, createResponse, type SipRequest } from '@trunkline/sip-parser';
import { describe, expect, it } from 'vitest';
import { answerChallenge } from '../src/auth/digest-client.js';
import { DigestServer } from '../src/auth/digest-server.js';
import { buildCancel } from '../src/transaction/derived-requests.js';
import { TransactionManager, type TransactionOutput } from '../src/transaction/transaction-manager.js';
import { ScriptedNode } from './helpers/scripted-node.js';
import { seededRandom, SimNetwork } from './helpers/sim-network.js';

let branchNo = 0;
const branch = (who: string): string => `z9hG4bK-${who}-${++branchNo}`;

function invite(): SipRequest {
  return createRequest({
    method: 'INVITE',
    uri: 'sip:bob@biloxi.example.com',
    headers: [
      ['Via', `SIP/2.0/UDP client.atlanta.example.com:5060;branch=${branch('alice')}`],
      ['Max-Forwards', '70'],
      ['From', 'Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl'],
      ['To', 'Bob <sip:bob@biloxi.example.com>'],
      ['Call-ID', '3848276298220188511@atlanta.example.com'],
      ['CSeq', '1 INVITE'],
      ['Contact', '<sip:alice@client.atlanta.example.com;transport=udp>'],
    ],
    contentType: 'application/sdp',
    body: 'v=0\r\n',
  });
}

/** A request within the dialog set up by `invite()` and a 2xx with To tag `tag`. */
function inDialog(method: string, cseq: number, from: 'alice' | 'bob'): SipRequest {
  const alice = 'Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl';
  const bob = 'Bob <sip:bob@biloxi.example.com>;tag=8321234356';
  return createRequest({
    method,
    uri: from === 'alice' ? 'sip:bob@client.biloxi.example.com' : 'sip:alice@client.atlanta.example.com',
    headers: [
      ['Via', `SIP/2.0/UDP ${from === 'alice' ? 'client.atlanta' : 'client.biloxi'}.example.com:5060;branch=${branch(from)}`],
      ['Max-Forwards', '70'],
      ['From', from === 'alice' ? alice : bob],
      ['To', from === 'alice' ? bob : alice],
      ['Call-ID', '3848276298220188511@atlanta.example.com'],
      ['CSeq', `${cseq} ${method}`],
    ],
  });
}

function world(): SimNetwork {
  return new SimNetwork(seededRandom(3665));
}

function flow(sim: SimNetwork): string[] {
  return sim.wire.map((w) => `${w.from}→${w.to} ${w.summary}`);
}

describe('RFC 3665 basic call flows replayed on the simulated network', () => {
  it('RFC 3665 §3.1 successful session establishment (and Bob hangs up with BYE)', () => {
    const sim = world();
    const bob = new ScriptedNode('bob', new TransactionManager(), (out, s, self) => {
      if (out.type === 'request' && out.request.method === 'INVITE') {
        const req = out.request;
        s.at(s.now + 10, () => s.handle('bob', self.manager.respond(out.transactionId, createResponse(req, 180, { toTag: '8321234356' }), s.now)));
        s.at(s.now + 2000, () => s.handle('bob', self.manager.respond(out.transactionId, createResponse(req, 200, { toTag: '8321234356' }), s.now)));
      }
      if (out.type === 'ack') {
        s.at(s.now + 5000, () => s.handle('bob', self.manager.sendRequest(inDialog('BYE', 231, 'bob'), s.flowTo('alice'), s.now).outputs));
      }
    });
    const alice = new ScriptedNode('alice', new TransactionManager(), (out, s, self) => {
      if (out.type === 'response' && out.response.status === 200 && out.response.cseq?.method === 'INVITE') {
        s.handle('alice', self.manager.sendRequest(inDialog('ACK', 1, 'alice'), s.flowTo('bob'), s.now).outputs);
      }
      if (out.type === 'request' && out.request.method === 'BYE') {
        s.handle('alice', self.manager.respond(out.transactionId, createResponse(out.request, 200), s.now));
      }
    });
    sim.add(alice);
    sim.add(bob);
    sim.handle('alice', alice.manager.sendRequest(invite(), sim.flowTo('bob'), 0).outputs);
    sim.runUntil(120_000);
    expect(flow(sim)).toEqual([
      'alice→bob INVITE',
      'bob→alice 180 (INVITE)',
      'bob→alice 200 (INVITE)',
      'alice→bob ACK',
      'bob→alice BYE',
      'alice→bob 200 (BYE)',
    ]);
    expect(alice.manager.size + bob.manager.size).toBe(0);
    expect(sim.quiet).toBe(true);
  });

  it('RFC 3665 §3.1 with a slow callee: the INVITE server transaction sends 100 Trying after 200 ms (§17.2.1)', () => {
    const sim = world();
    const bob = new ScriptedNode('bob', new TransactionManager(), (out, s, self) => {
      if (out.type === 'request') {
        const req = out.request;
        s.at(s.now + 800, () => s.handle('bob', self.manager.respond(out.transactionId, createResponse(req, 486, { toTag: 'busy1' }), s.now)));
      }
    });
    const alice = new ScriptedNode('alice', new TransactionManager());
    sim.add(alice);
    sim.add(bob);
    sim.handle('alice', alice.manager.sendRequest(invite(), sim.flowTo('bob'), 0).outputs);
    sim.runUntil(120_000);
    // RFC 3665 §3.9 "Unsuccessful Busy" with the 100 Trying of a callee that takes its time.
    expect(flow(sim)).toEqual(['alice→bob INVITE', 'bob→alice 100 (INVITE)', 'bob→alice 486 (INVITE)', 'alice→bob ACK']);
    expect(sim.wire.find((w) => w.summary.startsWith('100'))?.at).toBe(1 + 200);
    expect(alice.manager.size + bob.manager.size).toBe(0);
  });

  it('RFC 3665 §3.9 unsuccessful busy: 486, ACK generated by the client transaction', () => {
    const sim = world();
    const bob = new ScriptedNode('bob', new TransactionManager(), (out, s, self) => {
      if (out.type === 'request') s.handle('bob', self.manager.respond(out.transactionId, createResponse(out.request, 486, { toTag: 'b1' }), s.now));
    });
    const alice = new ScriptedNode('alice', new TransactionManager());
    sim.add(alice);
    sim.add(bob);
    sim.handle('alice', alice.manager.sendRequest(invite(), sim.flowTo('bob'), 0).outputs);
    sim.runUntil(120_000);
    expect(flow(sim)).toEqual(['alice→bob INVITE', 'bob→alice 486 (INVITE)', 'alice→bob ACK']);
    const finals = alice.seen.filter((o): o is Extract<TransactionOutput, { type: 'response' }> => o.type === 'response');
    expect(finals.map((o) => o.response.status)).toEqual([486]);
  });

  it('RFC 3665 §3.8 unsuccessful no answer: CANCEL after 180, 200 for the CANCEL, 487 for the INVITE, ACK (RFC 3261 §9)', () => {
    const sim = world();
    const inv = invite();
    let inviteTx = '';
    const bob = new ScriptedNode('bob', new TransactionManager(), (out, s, self) => {
      if (out.type !== 'request') return;
      if (out.request.method === 'INVITE') {
        inviteTx = out.transactionId;
        s.handle('bob', self.manager.respond(out.transactionId, createResponse(out.request, 180, { toTag: 'ring1' }), s.now));
      } else if (out.request.method === 'CANCEL') {
        // §9.2: the CANCEL is matched to the pending INVITE; answer both.
        expect(out.cancels).toBe(inviteTx);
        const original = (self.seen.find((o) => o.type === 'request' && o.transactionId === inviteTx) as Extract<TransactionOutput, { type: 'request' }>).request;
        s.handle('bob', self.manager.respond(out.transactionId, createResponse(out.request, 200, { toTag: 'ring1' }), s.now));
        s.handle('bob', self.manager.respond(inviteTx, createResponse(original, 487, { toTag: 'ring1' }), s.now));
      }
    });
    const alice = new ScriptedNode('alice', new TransactionManager(), (out, s, self) => {
      if (out.type === 'response' && out.response.status === 180) {
        // The caller gives up after ringing for a while (§9.1: only after a provisional).
        s.at(s.now + 30_000, () => s.handle('alice', self.manager.sendRequest(buildCancel(inv), s.flowTo('bob'), s.now).outputs));
      }
    });
    sim.add(alice);
    sim.add(bob);
    sim.handle('alice', alice.manager.sendRequest(inv, sim.flowTo('bob'), 0).outputs);
    sim.runUntil(200_000);
    expect(flow(sim)).toEqual([
      'alice→bob INVITE',
      'bob→alice 180 (INVITE)',
      'alice→bob CANCEL',
      'bob→alice 200 (CANCEL)',
      'bob→alice 487 (INVITE)',
      'alice→bob ACK',
    ]);
    expect(alice.manager.size + bob.manager.size).toBe(0);
    expect(sim.quiet).toBe(true);
  });

  it('RFC 3665 §2.1 successful new registration: REGISTER, 401 digest challenge, REGISTER with credentials, 200 (RFC 7616)', async () => {
    const sim = world();
    const server = new DigestServer({ realm: 'atlanta.example.com', secret: 'registrar-secret', algorithms: ['SHA-256', 'MD5'] });
    const lookup = (user: string) => (user === 'bob' ? { password: 'zanzibar' } : undefined);
    const verdicts: string[] = [];
    let pending: Promise<void> = Promise.resolve();
    const registrar = new ScriptedNode('registrar', new TransactionManager(), (out, s, self) => {
      if (out.type !== 'request') return;
      const req = out.request;
      pending = server.verify(req, lookup, s.now).then((v) => {
        verdicts.push(v.status);
        const res = createResponse(req, v.status === 'ok' ? 200 : 401, {
          toTag: 'reg1',
          headers: v.status === 'ok' ? [] : server.challenge(s.now).map((h) => [h.name, h.value] as const),
        });
        s.handle('registrar', self.manager.respond(out.transactionId, res, s.now));
      });
    });
    const register = (cseq: number): SipRequest =>
      createRequest({
        method: 'REGISTER',
        uri: 'sips:ss2.biloxi.example.com',
        headers: [
          ['Via', `SIP/2.0/UDP client.biloxi.example.com:5061;branch=${branch('bob')}`],
          ['Max-Forwards', '70'],
          ['From', 'Bob <sips:bob@biloxi.example.com>;tag=a73kszlfl'],
          ['To', 'Bob <sips:bob@biloxi.example.com>'],
          ['Call-ID', '1j9FpLxk3uxtm8tn@biloxi.example.com'],
          ['CSeq', `${cseq} REGISTER`],
          ['Contact', '<sips:bob@client.biloxi.example.com>'],
        ],
      });
    let first: SipRequest | undefined;
    let second: SipRequest | undefined;
    const bob = new ScriptedNode('bob', new TransactionManager(), (out, s, self) => {
      if (out.type === 'response' && out.response.status === 401 && first) {
        const again = register(2);
        for (const h of answerChallenge(out.response, first, { username: 'bob', password: 'zanzibar' })) again.headers.append(h.name, h.value);
        second = again;
        s.handle('bob', self.manager.sendRequest(again, s.flowTo('registrar'), s.now).outputs);
      }
    });
    sim.add(bob);
    sim.add(registrar);
    first = register(1);
    sim.handle('bob', bob.manager.sendRequest(first, sim.flowTo('registrar'), 0).outputs);
    for (let t = 10; t <= 60_000; t += 10) {
      sim.runUntil(t);
      await pending;
    }
    expect(flow(sim)).toEqual([
      'bob→registrar REGISTER',
      'registrar→bob 401 (REGISTER)',
      'bob→registrar REGISTER',
      'registrar→bob 200 (REGISTER)',
    ]);
    expect(verdicts).toEqual(['bad', 'ok']);
    // The strongest algorithm offered was chosen (RFC 8760 §2.4 with strongest-first policy).
    expect(second?.headers.getAll('Authorization')).toEqual([expect.stringMatching(/^Digest .*algorithm=SHA-256/)]);
    expect(bob.manager.size + registrar.manager.size).toBe(0);
  });
});

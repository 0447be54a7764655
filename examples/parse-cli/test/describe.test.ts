import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '@trunkline/sip-parser';
import { describeMessage } from '../src/describe.js';

const sample = readFileSync(new URL('../samples/trunk-invite.sip', import.meta.url));

describe('parse-cli describeMessage (RFC 3261 §7 message view)', () => {
  it('describes the sample trunk INVITE with typed accessors and a valid verdict', () => {
    const d = describeMessage(parseMessage(sample));
    expect(d.kind).toBe('request');
    expect(d.startLine).toEqual({ method: 'INVITE', requestUri: 'sips:agent@voice.example.com', version: 'SIP/2.0' });
    expect(d.decoded['callId']).toBe('b7f3c9e2-5a41-4d8e-9c1b-3e6f2a7d9c04@sbc.carrier.example');
    expect(d.decoded['cseq']).toEqual({ seq: 1, method: 'INVITE' });
    expect(d.validation).toEqual({ ok: true });
    expect(d.body.bytes).toBe(433);
    expect(d.body.text?.startsWith('v=0\r\n')).toBe(true);
    expect(d.headers.find(([n]) => n === 'User-to-User')?.[1]).toMatch(/;encoding=hex;/);
  });

  it('reports a malformed header value in place instead of failing the whole view', () => {
    const text = sample.toString('latin1').replace('To: <sips:agent@voice.example.com>', 'To: "unterminated <sips:agent@voice.example.com>');
    const d = describeMessage(parseMessage(text));
    expect(d.decoded['to']).toMatchObject({ error: { code: 'BAD_QUOTED_STRING' } });
    expect(d.validation).toMatchObject({ ok: false, status: 400 });
  });
});

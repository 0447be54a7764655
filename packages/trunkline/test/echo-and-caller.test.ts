/**
 * The main job end to end on loopback: the echo endpoint (`trunkline echo`)
 * answered by the trunk test caller (`trunkline call`), both Trunkline, over
 * UDP, TCP and TLS, with and without SRTP; and the caller's failure verdicts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCallArgs, parseEchoArgs, runTestCall, startEchoEndpoint, type CallOptions, type EchoCallSummary, type EchoEndpoint, type EchoOptions } from '../src/index.js';

function echoOptions(argv: string[]): EchoOptions {
  const o = parseEchoArgs(argv);
  if (o === 'help') throw new Error('unexpected help');
  return o;
}

function callOptions(argv: string[]): CallOptions {
  const o = parseCallArgs(argv);
  if (o === 'help') throw new Error('unexpected help');
  return o;
}

describe('echo endpoint ← test caller (both Trunkline)', () => {
  let stateDir: string;
  let endpoint: EchoEndpoint;
  const calls: EchoCallSummary[] = [];
  let udpPort = 0;
  let tcpPort = 0;
  let tlsPort = 0;
  let certPath = '';

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'trunkline-echo-'));
    endpoint = await startEchoEndpoint(
      echoOptions(['--port', '0', '--bind', '127.0.0.1', '--state-dir', stateDir, '--allow-sdes-over-cleartext']),
      { onCall: (s) => calls.push(s) },
    );
    for (const a of endpoint.ua.addresses) {
      if (a.protocol === 'udp') udpPort = a.port;
      if (a.protocol === 'tcp') tcpPort = a.port;
      if (a.protocol === 'tls') tlsPort = a.port;
    }
    certPath = endpoint.banner.certPath ?? '';
  });

  afterAll(async () => {
    await endpoint?.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  const cases = [
    { transport: 'udp', srtp: 'off' },
    { transport: 'udp', srtp: 'mandatory' },
    { transport: 'tcp', srtp: 'off' },
    { transport: 'tcp', srtp: 'mandatory' },
    { transport: 'tls', srtp: 'off' },
    { transport: 'tls', srtp: 'mandatory' },
  ] as const;

  it.each(cases)('PASS over $transport with SRTP $srtp; the endpoint saw the UUI the caller sent', async ({ transport, srtp }) => {
    const uri =
      transport === 'tls' ? `sips:echo@127.0.0.1:${tlsPort}` : transport === 'tcp' ? `sip:echo@127.0.0.1:${tcpPort};transport=tcp` : `sip:echo@127.0.0.1:${udpPort}`;
    const argv = [uri, '--uui', '04434153452D3230343831', '--srtp', srtp, '--duration', '2', '--timeout', '10', '--bind', '127.0.0.1'];
    if (transport === 'tls') argv.push('--ca', certPath);
    else if (srtp === 'mandatory') argv.push('--allow-sdes-over-cleartext');
    const v = await runTestCall(callOptions(argv));
    expect(v.reasons).toEqual([]);
    expect(v.verdict).toBe('PASS');
    expect(v.codec).toBe('PCMU');
    expect(v.srtpSuite).toBe(srtp === 'off' ? null : 'AES_CM_128_HMAC_SHA1_80');
    expect(v.echo!.peak).toBeGreaterThan(0.9);
    expect(v.byeStatus).toBe(200);
    // The endpoint's line for this call carries the UUI, codec and suite.
    await expect.poll(() => calls.length, { timeout: 5000 }).toBeGreaterThan(0);
    const line = calls.find((c) => c.transport === transport && (c.srtpSuite !== null) === (srtp !== 'off'));
    expect(line).toBeDefined();
    expect(Buffer.from(line!.uui!).toString('hex').toUpperCase()).toBe('04434153452D3230343831');
    expect(line!.endReason).toBe('remote-hangup');
    expect(line!.oneWay).toBe(false);
    expect(line!.packetsReceived).toBeGreaterThan(50);
  });

  it('a TLS certificate it cannot verify is a FAIL naming the fix, not a hang', async () => {
    const v = await runTestCall(callOptions([`sips:echo@127.0.0.1:${tlsPort}`, '--duration', '1', '--timeout', '10', '--bind', '127.0.0.1']));
    expect(v.verdict).toBe('FAIL');
    expect(v.reasons.join(' ')).toMatch(/self-signed.*--ca FILE.*--insecure/);
  });
});

describe('test caller failure verdicts against an echo endpoint that refuses', () => {
  let stateDir: string;
  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'trunkline-echo-'));
  });
  afterAll(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  async function withEndpoint<T>(argv: string[], run: (udpPort: number) => Promise<T>): Promise<T> {
    const endpoint = await startEchoEndpoint(echoOptions(['--port', '0', '--bind', '127.0.0.1', '--transports', 'udp', '--state-dir', stateDir, ...argv]));
    try {
      return await run(endpoint.ua.addresses.find((a) => a.protocol === 'udp')!.port);
    } finally {
      await endpoint.close();
    }
  }

  it('--reject 486: FAIL with the status', async () => {
    const v = await withEndpoint(['--reject', '486'], (port) => runTestCall(callOptions([`sip:echo@127.0.0.1:${port}`, '--srtp', 'off', '--duration', '1', '--bind', '127.0.0.1'])));
    expect(v.verdict).toBe('FAIL');
    expect(v.status).toBe(486);
    expect(v.reasons.join(' ')).toMatch(/486/);
  });

  it('SRTP mandatory at the endpoint, plain RTP offered: 488 and a reason a person can act on', async () => {
    const v = await withEndpoint(['--srtp', 'mandatory', '--allow-sdes-over-cleartext'], (port) =>
      runTestCall(callOptions([`sip:echo@127.0.0.1:${port}`, '--srtp', 'off', '--duration', '1', '--bind', '127.0.0.1'])),
    );
    expect(v.verdict).toBe('FAIL');
    expect(v.status).toBe(488);
    expect(v.reasons.join(' ')).toMatch(/peer requires SRTP; you offered plain RTP/);
  });

  it('--ring-ms longer than the caller waits: the caller CANCELs and says there was no answer', async () => {
    const v = await withEndpoint(['--ring-ms', '5000'], (port) =>
      runTestCall(callOptions([`sip:echo@127.0.0.1:${port}`, '--srtp', 'off', '--duration', '1', '--timeout', '1', '--bind', '127.0.0.1'])),
    );
    expect(v.verdict).toBe('FAIL');
    expect(v.reasons.join(' ')).toMatch(/no answer within 1 s/);
  });
});

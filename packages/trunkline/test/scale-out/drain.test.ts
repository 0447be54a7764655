/**
 * Draining an echo node (`trunkline echo`, SIGUSR1 or `POST /drain`): new
 * INVITEs get 503 with Retry-After (RFC 3261 §21.5.4, §20.33) so a
 * dispatcher fails them over; the established call continues; the node
 * closes once its last call has ended. Also the metrics port and call records.
 */
import { spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallFailedError, createUserAgent, type UserAgent } from '@trunkline/user-agent';
import { parseEchoArgs, startEchoEndpoint, type EchoEndpoint, type EchoOptions } from '../../src/index.js';

function echoOptions(argv: string[]): EchoOptions {
  const o = parseEchoArgs(argv);
  if (o === 'help') throw new Error('unexpected help');
  return o;
}

describe('trunkline echo: drain, health and call records', () => {
  let dir: string;
  let endpoint: EchoEndpoint;
  let phone: UserAgent;
  const received: string[] = [];
  let collector: Socket;
  const hepDatagrams: Buffer[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trunkline-drain-'));
    collector = createSocket('udp4');
    await new Promise<void>((r) => collector.bind(0, '127.0.0.1', r));
    collector.on('message', (m) => hepDatagrams.push(m));
    endpoint = await startEchoEndpoint(
      echoOptions([
        '--transports', 'udp', '--port', '0', '--bind', '127.0.0.1', '--metrics-port', '0', '--max-calls', '4', '--call-records', join(dir, 'calls.jsonl'),
        '--live-page', '--pcap', join(dir, 'sip.pcap'), '--hep', `127.0.0.1:${collector.address().port}`,
      ]),
    );
    phone = await createUserAgent({
      transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }],
      trace: (e) => {
        if (e.direction === 'in') received.push(Buffer.from(e.bytes).toString('latin1'));
      },
    });
  });

  afterAll(async () => {
    await phone?.close();
    await endpoint?.close();
    collector?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('open node: /health 200 with the load; a drained node: 503 + Retry-After to INVITEs, the established call continues, then it closes', async () => {
    const uri = `sip:echo@127.0.0.1:${endpoint.ua.addresses[0]!.port}`;
    const health = `http://127.0.0.1:${endpoint.metricsPort}/health`;
    const up = await phone.invite(uri);
    const page = await fetch(`http://127.0.0.1:${endpoint.metricsPort}/calls/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Live calls');
    const open = await fetch(health);
    expect(open.status).toBe(200);
    expect(await open.json()).toEqual({ state: 'open', activeCalls: 1, capacity: 4 });

    expect((await fetch(`http://127.0.0.1:${endpoint.metricsPort}/drain`, { method: 'POST' })).status).toBe(202);
    expect(endpoint.health().state).toBe('draining');
    const refused = await phone.invite(uri).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(CallFailedError);
    expect((refused as CallFailedError).status).toBe(503);
    const response503 = received.find((m) => m.startsWith('SIP/2.0 503'));
    expect(response503).toMatch(/^Retry-After: *\d+\r$/m);
    expect((await fetch(health)).status).toBe(503);

    // The established call is untouched: its RTP still comes back from the node.
    expect(up.state).toBe('established');
    const before = up.metrics.media?.packetsReceived ?? 0;
    await expect.poll(() => (up.metrics.media?.packetsReceived ?? 0) - before, { timeout: 5000 }).toBeGreaterThanOrEqual(10);
    expect(up.state).toBe('established');

    let closed = false;
    void endpoint.closed.then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    await up.hangup();
    await endpoint.drain();
    expect(closed).toBe(true);
    expect(endpoint.ua.closed).toBe(true);

    const lines = (await readFile(join(dir, 'calls.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { callId: string; endReason: string; status: number | null });
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.callId === up.callId)).toMatchObject({ endReason: 'hangup' });
    expect(lines.find((l) => l.callId !== up.callId)).toMatchObject({ endReason: 'rejected', status: 503 });

    // --hep: HEP v3 datagrams at the collector; --pcap: tshark reads the 503 (when installed).
    await expect.poll(() => hepDatagrams.filter((d) => d.subarray(0, 4).toString() === 'HEP3' && d.includes('SIP/2.0 503')).length, { timeout: 3000 }).toBe(1);
    if (spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status !== 0) return;
    const port = endpoint.ua.addresses[0]!.port;
    const r = spawnSync('tshark', ['-r', join(dir, 'sip.pcap'), '-d', `udp.port==${port},sip`, '-T', 'fields', '-e', 'sip.Method', '-e', 'sip.Status-Code'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows.filter((row) => row.startsWith('INVITE\t'))).toHaveLength(2);
    expect(rows).toContain('\t503');
    expect(rows.some((row) => row.startsWith('BYE\t'))).toBe(true);
  });
});

/**
 * Metrics, call records and health after a real call between two user agents
 * on loopback: the scrape is read back over HTTP, as Prometheus would.
 */
import { readFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserAgent, type UserAgent } from '@trunkline/user-agent';
import { CallMetricsCollector, CallRecordWriter, LOAD_HEADER, NodeStatus, startObservabilityServer, type CallRecord, type ObservabilityServer } from '../src/index.js';

/** The value of one sample line (`name{labels} value`) in a Prometheus text scrape, or undefined. */
function sample(scrape: string, series: string): number | undefined {
  const line = scrape.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Prometheus metrics and call records after a real call', () => {
  let echo: UserAgent;
  let phone: UserAgent;
  let metrics: CallMetricsCollector;
  let server: ObservabilityServer;
  let status: NodeStatus;
  const lines: string[] = [];
  const records = new PassThrough();
  const firstRecord = new Promise<void>((resolve) =>
    records.on('data', (chunk: Buffer) => {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
      resolve();
    }),
  );

  beforeAll(async () => {
    metrics = new CallMetricsCollector();
    const writer = new CallRecordWriter(records);
    echo = await createUserAgent({ transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }], maxCalls: 2 });
    phone = await createUserAgent({ transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
    metrics.observeUserAgent(echo);
    echo.on('call', (call) => {
      metrics.trackCall(call);
      writer.trackCall(call);
      void call.answer({ reflect: true }).catch(() => {});
    });
    status = new NodeStatus({ activeCalls: () => echo.stats.callsActive, capacity: 2 });
    server = await startObservabilityServer({ port: 0, registry: metrics.registry, status });

    const call = await phone.invite(`sip:echo@127.0.0.1:${echo.addresses[0]!.port}`, { uui: { text: 'CASE-20481' } });
    const tone = Int16Array.from({ length: 8000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
    await call.audio.write(tone);
    let loud = 0;
    for await (const frame of call.audio) {
      if (frame.samples.some((s) => Math.abs(s) > 4000) && ++loud === 10) break;
    }
    await call.hangup();
    await firstRecord;
  });

  afterAll(async () => {
    await server?.close();
    metrics?.close();
    await phone?.close();
    await echo?.close();
  });

  it('counts the call by direction, result and status; both ends are in the process', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const scrape = await res.text();
    expect(sample(scrape, 'trunkline_calls_total{direction="inbound",result="answered",status="200"}')).toBe(1);
    expect(sample(scrape, 'trunkline_calls_total{direction="outbound",result="answered",status="200"}')).toBe(1);
    expect(sample(scrape, 'trunkline_calls_active{direction="inbound"}')).toBe(0);
    expect(sample(scrape, 'trunkline_call_setup_seconds_count{direction="inbound"}')).toBe(1);
    expect(sample(scrape, 'trunkline_call_setup_seconds_bucket{le="+Inf",direction="outbound"}')).toBe(1);
  });

  it('records codec, SRTP suite, loss, jitter, MOS and the UA gauges of the tracked (inbound) call', async () => {
    const scrape = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(sample(scrape, 'trunkline_call_codec_total{codec="PCMU"}')).toBe(1);
    expect(sample(scrape, 'trunkline_call_srtp_total{suite="none"}')).toBe(1);
    expect(sample(scrape, 'trunkline_call_loss_ratio_count')).toBe(1);
    expect(sample(scrape, 'trunkline_call_jitter_seconds_count')).toBe(1);
    expect(sample(scrape, 'trunkline_call_mos_count')).toBe(1);
    expect(sample(scrape, 'trunkline_call_mos_sum')).toBeGreaterThan(3.5);
    expect(scrape).toMatch(/^trunkline_call_rtt_seconds_count \d+$/m);
    for (const missing of ['no-inbound', 'no-outbound', 'both-silent']) expect(sample(scrape, `trunkline_call_one_way_audio_total{missing="${missing}"}`)).toBe(0);
    expect(sample(scrape, 'trunkline_sip_transactions')).toBeGreaterThanOrEqual(0);
    expect(sample(scrape, 'trunkline_rtp_ports_in_use')).toBe(0);
    expect(sample(scrape, 'trunkline_calls_refused_total{reason="max_calls"}')).toBe(0);
    expect(scrape).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });

  it('the Grafana dashboard (deploy/grafana) queries only series this scrape has', async () => {
    const scrape = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    const dashboard = JSON.parse(await readFile(new URL('../../../deploy/grafana/trunkline-dashboard.json', import.meta.url), 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const names = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/\b(?:trunkline|nodejs)_[a-z0-9_]+/g) ?? [])));
    expect(names.size).toBeGreaterThan(10);
    for (const name of names) expect(scrape, name).toMatch(new RegExp(`^${name}[{ ]`, 'm'));
  });

  it('writes one JSON line per ended call with Call-ID, From/To, UUI, end reason and media', () => {
    expect(lines).toHaveLength(1);
    const r = JSON.parse(lines[0]!) as CallRecord;
    expect(r.direction).toBe('inbound');
    expect(r.callId.length).toBeGreaterThan(0);
    expect(r.from).toMatch(/^sip:/);
    expect(r.to).toMatch(/^sip:echo@127\.0\.0\.1/);
    expect(r.uui).toEqual([Buffer.concat([Buffer.from([4]), Buffer.from('CASE-20481')]).toString('hex').toUpperCase()]);
    expect(r.endedBy).toBe('remote');
    expect(r.endReason).toBe('hangup');
    expect(r.media?.codec).toBe('PCMU');
    expect(r.media?.packetsReceived).toBeGreaterThan(10);
    expect(r.setupMs).toBeGreaterThanOrEqual(0);
  });

  it('/health: 200 open with the load header; 503 once drained via POST /drain; 404 elsewhere', async () => {
    const open = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(open.status).toBe(200);
    expect(open.headers.get(LOAD_HEADER)).toBe('active=0;capacity=2;state=open');
    expect(await open.json()).toEqual({ state: 'open', activeCalls: 0, capacity: 2 });
    expect((await fetch(`http://127.0.0.1:${server.port}/nope`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.port}/drain`, { method: 'POST' })).status).toBe(202);
    const drained = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(drained.status).toBe(503);
    expect(await drained.json()).toMatchObject({ state: 'draining' });
  });
});

describe('NodeStatus', () => {
  it('is busy (429 on /health) at capacity, and draining wins over busy', () => {
    let active = 3;
    const s = new NodeStatus({ activeCalls: () => active, capacity: 3 });
    expect(s.health().state).toBe('busy');
    active = 2;
    expect(s.health().state).toBe('open');
    s.drain();
    active = 3;
    expect(s.health().state).toBe('draining');
  });

  it('rejects a non-positive capacity and a missing reader with TypeError', () => {
    expect(() => new NodeStatus({ activeCalls: () => 0, capacity: 0 })).toThrow(TypeError);
    expect(() => new NodeStatus({ activeCalls: undefined as unknown as () => number, capacity: 1 })).toThrow(TypeError);
  });
});

/**
 * The live call page: a call placed between two user agents shows up on the
 * server-sent event stream within a second, with its codec and live media
 * figures, and moves to the recent calls when it ends.
 */
import { spawn } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePeer } from '@trunkline/test-support';
import { createUserAgent, type UserAgent } from '@trunkline/user-agent';
import { CallMetricsCollector, LiveCallBoard, NodeStatus, startObservabilityServer, type LiveCallSnapshot, type ObservabilityServer } from '../src/index.js';

requirePeer('chromium');

/**
 * Runs headless Chromium (Debian `chromium`) on `url` with `args`; resolves with its stdout once
 * `done(stdout)` holds, then kills it (an open EventSource keeps it running), or rejects after `ms`.
 */
async function chromium(url: string, args: string[], done: (stdout: string) => Promise<boolean> | boolean, ms: number): Promise<string> {
  const child = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=1000', ...args, url], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const until = Date.now() + ms;
    while (!(await done(out))) {
      if (Date.now() > until) throw new Error(`chromium gave nothing in ${ms} ms`);
      if (child.exitCode !== null && !(await done(out))) throw new Error(`chromium exited ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return out;
  } finally {
    child.kill('SIGKILL');
  }
}

/** Reads server-sent events from `url` until `until` accepts one (or `ms` pass). */
async function waitForEvent(url: string, until: (s: LiveCallSnapshot) => boolean, ms: number): Promise<LiveCallSnapshot> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ms);
  try {
    const res = await fetch(url, { signal: abort.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('event stream ended');
      text += new TextDecoder().decode(value);
      let cut: number;
      while ((cut = text.indexOf('\n\n')) >= 0) {
        const event = text.slice(0, cut);
        text = text.slice(cut + 2);
        const data = event.split('\n').find((l) => l.startsWith('data: '));
        if (data === undefined) continue;
        const snapshot = JSON.parse(data.slice(6)) as LiveCallSnapshot;
        if (until(snapshot)) {
          await reader.cancel();
          return snapshot;
        }
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

describe('live call page (server-sent events)', () => {
  let echo: UserAgent;
  let phone: UserAgent;
  let server: ObservabilityServer;
  let metrics: CallMetricsCollector;

  beforeAll(async () => {
    const board = new LiveCallBoard();
    metrics = new CallMetricsCollector({ processMetrics: false });
    echo = await createUserAgent({ transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
    phone = await createUserAgent({ transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
    echo.on('call', (call) => {
      board.trackCall(call);
      void call.answer({ reflect: true }).catch(() => {});
    });
    server = await startObservabilityServer({
      port: 0,
      registry: metrics.registry,
      status: new NodeStatus({ activeCalls: () => echo.stats.callsActive, capacity: 10 }),
      liveCalls: board,
      liveIntervalMs: 100,
      // Short streams let headless Chromium's virtual time run out (an open stream holds it).
      liveStreamMs: 300,
    });
  });

  afterAll(async () => {
    await server?.close();
    metrics?.close();
    await phone?.close();
    await echo?.close();
  });

  it('serves the page, shows a placed call within a second with codec and media figures, then lists it as ended', async () => {
    const page = await fetch(`http://127.0.0.1:${server.port}/calls/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("new EventSource('events')");
    const events = `http://127.0.0.1:${server.port}/calls/events`;

    const call = await phone.invite(`sip:echo@127.0.0.1:${echo.addresses[0]!.port}`);
    const placedAt = performance.now();
    const live = await waitForEvent(events, (s) => s.active.some((r) => r.callId === call.callId && r.codec !== null), 5000);
    expect(performance.now() - placedAt).toBeLessThan(1000 + 2000); // one second, plus margin for a loaded box
    const row = live.active.find((r) => r.callId === call.callId)!;
    expect(row).toMatchObject({ direction: 'inbound', codec: 'PCMU', srtpSuite: null, end: null });
    expect(row.to).toMatch(/^sip:echo@/);

    await call.hangup();
    const after = await waitForEvent(events, (s) => s.recent.some((r) => r.callId === call.callId), 5000);
    expect(after.active.some((r) => r.callId === call.callId)).toBe(false);
    expect(after.recent[0]).toMatchObject({ callId: call.callId, end: 'remote-hangup', codec: 'PCMU' });
    expect(after.recent[0]!.mos).toBeGreaterThan(3.5);
  });

  it('in headless Chromium, the page shows a live call within a (virtual) second; screenshot in .test-results/', async () => {
    const call = await phone.invite(`sip:echo@127.0.0.1:${echo.addresses[0]!.port}`);
    try {
      const url = `http://127.0.0.1:${server.port}/calls/`;
      const dom = await chromium(url, ['--dump-dom'], (out) => out.includes('</html>'), 30_000);
      expect(dom).toContain(`data-call-id="${call.callId}"`);
      expect(dom).toMatch(/<span id="count">1<\/span>/);
      expect(dom).toContain('<td>PCMU</td>');
      const shot = new URL('../../../.test-results/live-calls.png', import.meta.url);
      await mkdir(new URL('.', shot), { recursive: true });
      const exists = async (): Promise<boolean> => (await stat(shot).catch(() => null))?.size !== undefined && (await stat(shot)).size > 0;
      await chromium(url, ['--window-size=1400,500', `--screenshot=${shot.pathname}`], exists, 30_000);
      // The figures the issue asks for: where the screenshot is.
      console.info(`live call page screenshot: ${shot.pathname}`);
    } finally {
      await call.hangup();
    }
  }, 70_000);

  it('without a board, /calls/ is 404', async () => {
    const plain = await startObservabilityServer({ port: 0, registry: metrics.registry, status: new NodeStatus({ activeCalls: () => 0, capacity: 1 }) });
    try {
      expect((await fetch(`http://127.0.0.1:${plain.port}/calls/`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});

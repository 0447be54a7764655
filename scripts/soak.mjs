#!/usr/bin/env node
/**
 * Soak test of the echo endpoint (issue 14): N concurrent calls with continuous churn (each call
 * holds a seeded random time from a range, so calls keep ending and starting) for the whole run;
 * the endpoint's heap and RSS sampled from its own /metrics every few seconds, their least-squares
 * slope over the steady part in KB/min; and once the calls have ended and the endpoint's
 * transaction timers have run out (Timers J and L, 64·T1), what it still holds: calls (dialogs),
 * transactions, RTP ports, TCP/TLS connections, file descriptors and event-loop resources
 * (`process.getActiveResourcesInfo()` by type: sockets, timers) against its idle baseline.
 *
 * Builds nothing: run `pnpm build` first. The endpoint and the load tool each run in a process of
 * their own (packages/trunkline/dist/main.js echo | load).
 *
 *   node scripts/soak.mjs                                  # 10 min, 200 calls, holds 5–30 s, SRTP mandatory
 *   node scripts/soak.mjs --duration 15s --concurrency 20 --hold 1s..3s --t1 50ms --out /tmp/soak.md
 *
 * Exit code 0 when every bound holds (slopes under --heap-bound/--rss-bound where the steady part
 * is long enough to judge, no leftovers), 1 otherwise; the figures go to --out (Markdown) and, as
 * one JSON object, to stdout.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'packages/trunkline/dist/main.js');
/** RFC 3261 T4 (Timer K and I of the endpoint's own transactions), the user agent's default, ms. */
const T4_MS = 5000;
/** The shortest steady part over which a slope is asserted: under it the slope is reported only. */
const MIN_STEADY_FOR_BOUND_MS = 120_000;
/**
 * Resource types of the process's own stdio: `process.stdout`/`process.stderr` become a PipeWrap
 * (or TTYWrap) on first use, whenever that is, and stay for the life of the process. Not call state.
 */
const STDIO_RESOURCES = new Set(['PipeWrap', 'TTYWrap']);
/** Full collections of the endpoint (`node --trace-gc`): the heap in use right after one is what it really keeps alive. */
const MARK_COMPACT = /Mark-Compact(?: \(reduce\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/;
/** Fewest full collections in the steady part to fit a slope to; with fewer, the sampled heap's slope is judged. */
const MIN_FULL_GCS = 5;

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10m' },
    concurrency: { type: 'string', default: '200' },
    hold: { type: 'string', default: '5s..30s' },
    seed: { type: 'string', default: '14' },
    ramp: { type: 'string' },
    srtp: { type: 'boolean', default: true },
    'no-srtp': { type: 'boolean', default: false },
    t1: { type: 'string', default: '500ms' },
    'rtp-ports': { type: 'string' },
    sample: { type: 'string', default: '5s' },
    'heap-bound': { type: 'string', default: '64' },
    // RSS moves by tens of MB as V8 grows and shrinks its heap and glibc keeps freed pages: a bound much finer than
    // 1 MB/min would judge the allocator, not a leak. The heap bound is the fine one (64 KB/min ≈ 100 B per call at
    // 200 calls up with 5–30 s holds).
    'rss-bound': { type: 'string', default: '1024' },
    out: { type: 'string', default: join(ROOT, 'docs/soak.md') },
    series: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'node scripts/soak.mjs [--duration 10m] [--concurrency 200] [--hold 5s..30s] [--seed 14] [--ramp TIME] [--no-srtp]\n' +
      '                      [--t1 500ms] [--rtp-ports MIN-MAX] [--sample 5s] [--heap-bound KB/min] [--rss-bound KB/min] [--out docs/soak.md] [--series FILE.json]\n',
  );
  process.exit(0);
}

/** `500ms`, `30s`, `10m`, `2` (seconds) → ms. */
function ms(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (m === null) throw new TypeError(`not a duration: ${text}`);
  return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's']);
}

const durationMs = ms(values.duration);
const concurrency = Number(values.concurrency);
const holdParts = values.hold.split('..').map(ms);
const holdMinMs = holdParts[0];
const holdMax = holdParts[1] ?? holdMinMs;
// Ramp at ~10 INVITEs/s unless told: a burst of 200 SRTP setups at once is a different test.
const rampMs = values.ramp === undefined ? Math.min(durationMs / 4, Math.max(1000, concurrency * 100)) : ms(values.ramp);
const srtp = values.srtp && !values['no-srtp'];
const t1Ms = ms(values.t1);
const sampleMs = ms(values.sample);
const heapBound = Number(values['heap-bound']);
const rssBound = Number(values['rss-bound']);
const log = (text) => process.stderr.write(`[soak +${(performance.now() / 1000).toFixed(1)}s] ${text}\n`);
const sleep = (t) => new Promise((r) => setTimeout(r, t));
/** A bound that does not keep the script alive by itself. */
const deadline = (t, value) => new Promise((r) => setTimeout(() => r(value), t).unref());

/** A TCP port free on loopback now (for --metrics-port, which the banner does not report). */
async function freeTcpPort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** The endpoint's /metrics as { name → sum over series }, with `nodejs_active_resources` by type. */
async function scrape(port) {
  const text = await new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/metrics', timeout: 5000, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('/metrics did not answer in 5 s')));
    req.on('error', reject);
  });
  const sums = {};
  const resources = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m === null) continue;
    const value = Number(m[3]);
    sums[m[1]] = (sums[m[1]] ?? 0) + value;
    if (m[1] === 'nodejs_active_resources') resources[/type="([^"]*)"/.exec(m[2] ?? '')?.[1] ?? '?'] = value;
  }
  return {
    at: performance.now(),
    heapUsed: sums.nodejs_heap_size_used_bytes,
    rss: sums.process_resident_memory_bytes,
    calls: sums.trunkline_calls_active ?? 0,
    transactions: sums.trunkline_sip_transactions ?? 0,
    rtpPorts: sums.trunkline_rtp_ports_in_use ?? 0,
    connections: sums.trunkline_sip_connections ?? 0,
    fds: sums.process_open_fds,
    resources,
  };
}

/**
 * What the endpoint holds beyond its idle baseline: its own counters (absolute: zero when idle) and
 * the event-loop resources and file descriptors it holds beyond the baseline (the metrics scrape
 * itself holds one socket, in the baseline too).
 */
function leftovers(baseline, now) {
  const extra = {};
  for (const [type, n] of Object.entries(now.resources)) {
    const more = n - (baseline.resources[type] ?? 0);
    if (more > 0 && !STDIO_RESOURCES.has(type)) extra[type] = more;
  }
  return {
    calls: now.calls,
    transactions: now.transactions,
    rtpPorts: now.rtpPorts,
    connections: now.connections,
    fds: Math.max(0, now.fds - baseline.fds),
    resources: extra,
  };
}
const isClean = (l) => l.calls + l.transactions + l.rtpPorts + l.connections + l.fds === 0 && Object.keys(l.resources).length === 0;

/** Least-squares slope of `y` over `x`: KB/min for bytes over ms. */
function slopeKbPerMin(points) {
  const n = points.length;
  if (n < 3) return null;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  return sxx === 0 ? null : Math.round(((sxy / sxx) * 60_000) / 1024);
}

/** Starts a child and resolves with its first stdout line matching `ready` (bounded). */
function startChild(args, ready, name) {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const firstLine = new Promise((resolve, reject) => {
    let text = '';
    const onData = (b) => {
      text += b;
      const line = text.split('\n').find((l) => ready.test(l));
      if (line !== undefined) {
        child.stdout.off('data', onData);
        resolve(line);
      }
    };
    child.stdout.on('data', onData);
    void exited.then((code) => reject(new Error(`${name} exited (${code}) before it was ready: ${text.slice(-500)}`)));
    setTimeout(() => reject(new Error(`${name} not ready in 30 s`)), 30_000).unref();
  });
  return { child, exited, firstLine };
}

async function main() {
  const work = await mkdtemp(join(tmpdir(), 'trunkline-soak-'));
  const loadBefore = loadavg();
  const startedAt = new Date();
  const metricsPort = await freeTcpPort();
  // --trace-gc: one line per collection on the endpoint's stdout, read below for the heap after each full one.
  const echoArgs = ['--trace-gc', MAIN, 'echo', '--transports', 'udp', '--port', '0', '--bind', '127.0.0.1', '--metrics-port', String(metricsPort), '--json',
    '--srtp', srtp ? 'mandatory' : 'off', ...(srtp ? ['--allow-sdes-over-cleartext'] : []), '--max-calls', String(concurrency * 2),
    '--t1', `${t1Ms}ms`, '--state-dir', join(work, 'state'), ...(values['rtp-ports'] === undefined ? [] : ['--rtp-ports', values['rtp-ports']])];
  const echo = startChild(echoArgs, /"event":"listening"/, 'echo endpoint');
  const endedBy = {};
  /** Heap in use after each full collection: { at: performance.now(), bytes }. */
  const afterFullGc = [];
  let lineBuf = '';
  // Per-call lines of the endpoint: counted by how the call ended, not kept.
  echo.child.stdout.on('data', (b) => {
    lineBuf += b;
    const lines = lineBuf.split('\n');
    lineBuf = lines.pop() ?? '';
    for (const l of lines) {
      const reason = /"endReason":"([^"]*)"/.exec(l)?.[1];
      if (reason !== undefined) endedBy[reason] = (endedBy[reason] ?? 0) + 1;
      const gc = MARK_COMPACT.exec(l);
      if (gc !== null) afterFullGc.push({ at: performance.now(), bytes: Number(gc[1]) * 1048576 });
    }
  });
  let echoErr = '';
  echo.child.stderr.on('data', (b) => (echoErr = (echoErr + b).slice(-2000)));
  const kill = () => echo.child.kill('SIGKILL');
  process.once('exit', kill);
  const banner = JSON.parse(await echo.firstLine);
  const udpPort = banner.listeners.find((l) => l.transport === 'udp').port;
  log(`echo endpoint pid ${echo.child.pid} on udp ${udpPort}, metrics ${metricsPort}; T1 ${t1Ms} ms`);
  await sleep(500); // past the start-up's own short-lived handles
  const baseline = await scrape(metricsPort);

  const target = `sip:echo@127.0.0.1:${udpPort}`;
  const hold = holdMax > holdMinMs ? `${holdMinMs}ms..${holdMax}ms` : `${holdMinMs}ms`;
  const loadArgs = [MAIN, 'load', target, '--concurrency', String(concurrency), '--hold', hold, '--seed', values.seed, '--duration', `${durationMs}ms`,
    '--ramp', `${rampMs}ms`, '--srtp', srtp ? 'mandatory' : 'off', ...(srtp ? ['--allow-sdes-over-cleartext'] : []), '--json', '--endpoint-pid', String(echo.child.pid)];
  const command = `node ${relative(ROOT, MAIN)} load sip:echo@127.0.0.1:$PORT ${loadArgs.slice(3).join(' ').replace(String(echo.child.pid), '$ENDPOINT_PID')}`;
  log(`load: ${command}`);
  const load = spawn(process.execPath, loadArgs, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let loadOut = '';
  let progressLines = 0;
  load.stdout.on('data', (b) => (loadOut += b));
  load.stderr.on('data', (b) => {
    // One progress line in ten (a line a second from the load tool).
    for (const line of String(b).split('\n').filter((l) => l.trim() !== '')) if (progressLines++ % 10 === 0) log(`load ${line.trim()}`);
  });
  const loadExited = new Promise((resolve) => load.once('exit', (code) => resolve(code)));
  // Bounded: the load tool ends by itself at its duration plus a drain of 64·T1; killed past that.
  const hardLimit = setTimeout(() => load.kill('SIGKILL'), durationMs + 64 * 500 + 60_000);
  const t0 = performance.now();
  const samples = [];
  let loadDone = false;
  void loadExited.then(() => (loadDone = true));
  while (!loadDone) {
    try {
      const s = await scrape(metricsPort);
      samples.push({ t: s.at - t0, heapUsed: s.heapUsed, rss: s.rss, calls: s.calls, transactions: s.transactions });
    } catch (e) {
      log(`scrape failed: ${e.message}`);
    }
    await Promise.race([sleep(sampleMs), loadExited]);
  }
  clearTimeout(hardLimit);
  const loadCode = await loadExited;
  let result = null;
  try {
    result = JSON.parse(loadOut.trim().split('\n').pop() ?? '');
  } catch {
    log(`no JSON result from the load tool (exit ${loadCode})`);
  }
  const callsEndedAt = performance.now();
  log(`load tool exited (${loadCode}); waiting for the endpoint's transactions to end`);

  // The endpoint's transactions outlive the calls by Timers J and L (64·T1, RFC 3261 §17.2.2 and
  // RFC 6026 §8.7) and K/I (T4): wait for them, bounded, then read what is left.
  const drainLimitMs = 64 * t1Ms + T4_MS + 10_000;
  let final = await scrape(metricsPort);
  while (!isClean(leftovers(baseline, final)) && performance.now() - callsEndedAt < drainLimitMs) {
    await sleep(250);
    final = await scrape(metricsPort);
  }
  const drainedInMs = Math.round(performance.now() - callsEndedAt);
  const left = leftovers(baseline, final);
  log(`endpoint read after ${drainedInMs} ms; stopping it`);
  const echoAlive = echo.child.exitCode === null;
  echo.child.kill('SIGTERM');
  const echoExit = await Promise.race([echo.exited, deadline(10_000, 'did not exit in 10 s')]);
  kill();
  await rm(work, { recursive: true, force: true });

  // Steady part: after the ramp, one longest hold (the population of calls has turned over once) and
  // 64·T1 (the ended calls' transactions, Timers J and L, have reached their steady number), plus a
  // 30 s margin for the JIT and the heap to settle; to the end of the run.
  const steadyFrom = rampMs + Math.max(holdMax, 64 * t1Ms) + 30_000;
  const steady = samples.filter((s) => s.t >= steadyFrom && s.t <= durationMs);
  const steadyMs = steady.length < 2 ? 0 : steady[steady.length - 1].t - steady[0].t;
  const sampledHeapSlope = slopeKbPerMin(steady.map((s) => ({ x: s.t, y: s.heapUsed })));
  const fullGcs = afterFullGc.map((g) => ({ x: g.at - t0, y: g.bytes })).filter((g) => g.x >= steadyFrom && g.x <= durationMs);
  const liveHeapSlope = slopeKbPerMin(fullGcs);
  // The heap sampled at arbitrary moments is mostly the collector's sawtooth; the heap after full collections is what is kept.
  const heapSlope = fullGcs.length >= MIN_FULL_GCS ? liveHeapSlope : sampledHeapSlope;
  const rssSlope = slopeKbPerMin(steady.map((s) => ({ x: s.t, y: s.rss })));
  // RSS settles later than the heap (V8 grows its spaces, glibc keeps freed pages): the second half says whether it still climbs.
  const lateHalf = steady.slice(Math.floor(steady.length / 2));
  const rssLateSlope = slopeKbPerMin(lateHalf.map((s) => ({ x: s.t, y: s.rss })));
  const judged = steadyMs >= MIN_STEADY_FOR_BOUND_MS;
  const checks = {
    leftoversZero: isClean(left),
    heapSlopeUnderBound: judged ? heapSlope !== null && heapSlope <= heapBound : null,
    rssSlopeUnderBound: judged ? rssSlope !== null && rssSlope <= rssBound : null,
    endpointAlive: echoAlive,
    loadResult: result !== null,
  };
  const ok = Object.values(checks).every((v) => v !== false);
  const report = {
    ok,
    checks,
    startedAt: startedAt.toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, node: process.version, commit: gitCommit(), loadBefore, loadAfter: loadavg() },
    settings: { durationMs, concurrency, holdMinMs, holdMaxMs: holdMax, seed: Number(values.seed), rampMs, srtp, t1Ms, sampleMs, heapBound, rssBound },
    command: `node scripts/soak.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    loadCommand: command,
    steady: { fromMs: steadyFrom, samples: steady.length, spanMs: Math.round(steadyMs), judged },
    heap: {
      slopeKbPerMin: heapSlope,
      judgedOn: fullGcs.length >= MIN_FULL_GCS ? 'after full collections' : 'sampled',
      afterFullGcSlopeKbPerMin: liveHeapSlope,
      fullGcs: fullGcs.length,
      afterFullGcMinBytes: fullGcs.length === 0 ? null : Math.min(...fullGcs.map((g) => g.y)),
      afterFullGcMaxBytes: fullGcs.length === 0 ? null : Math.max(...fullGcs.map((g) => g.y)),
      sampledSlopeKbPerMin: sampledHeapSlope,
      baselineBytes: baseline.heapUsed, minBytes: min(steady, 'heapUsed'), maxBytes: max(steady, 'heapUsed'), finalBytes: final.heapUsed },
    rss: { slopeKbPerMin: rssSlope, secondHalfSlopeKbPerMin: rssLateSlope, baselineBytes: baseline.rss, minBytes: min(steady, 'rss'), maxBytes: max(steady, 'rss'), finalBytes: final.rss },
    baseline: { fds: baseline.fds, resources: baseline.resources },
    final: { calls: final.calls, transactions: final.transactions, rtpPorts: final.rtpPorts, connections: final.connections, fds: final.fds, resources: final.resources },
    leftovers: left,
    drainedInMs,
    endpoint: { endedBy, exit: echoExit, stderrTail: echoErr.trim().slice(-500) },
    load: result === null ? { exit: loadCode } : { exit: loadCode, calls: result.calls, media: result.media, setupMs: result.setupMs, endpoint: result.endpoint, generator: result.generator, elapsedMs: result.elapsedMs },
    samples: samples.map((s) => ({ t: Math.round(s.t), heapUsed: s.heapUsed, rss: s.rss, calls: s.calls, transactions: s.transactions })),
    afterFullGc: afterFullGc.map((g) => ({ t: Math.round(g.at - t0), bytes: g.bytes })),
  };
  await writeFile(values.out, renderSheet(report));
  log(`wrote ${relative(process.cwd(), values.out)}: heap ${heapSlope} KB/min, RSS ${rssSlope} KB/min over ${Math.round(steadyMs / 1000)} s; leftovers ${JSON.stringify(left)}; ${ok ? 'OK' : 'FAILED'}`);
  const { samples: _samples, afterFullGc: _gcs, ...summary } = report;
  if (values.series !== undefined) await writeFile(values.series, JSON.stringify({ samples: report.samples, afterFullGc: report.afterFullGc }));
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  return ok ? 0 : 1;
}

const min = (rows, key) => (rows.length === 0 ? null : Math.min(...rows.map((r) => r[key])));
const max = (rows, key) => (rows.length === 0 ? null : Math.max(...rows.map((r) => r[key])));
const mb = (b) => (b === null || b === undefined ? '—' : `${(b / 1048576).toFixed(1)} MB`);
const verdict = (v) => (v === null ? 'not judged (steady part under 2 min)' : v ? '**met**' : '**missed**');

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

function renderSheet(r) {
  const s = r.settings;
  const c = r.load.calls;
  const m = r.load.media;
  const failures = c === undefined || Object.keys(c.failures).length === 0 ? 'none' : Object.entries(c.failures).map(([k, v]) => `${k} ${v}`).join(', ');
  const res = (o) => (Object.keys(o).length === 0 ? 'none' : Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', '));
  const l = r.leftovers;
  const rows = r.samples.filter((_, i) => i % Math.max(1, Math.ceil(r.samples.length / 20)) === 0);
  return `# Soak: ${s.concurrency} concurrent ${s.srtp ? 'SRTP' : 'RTP'} echo calls with churn for ${s.durationMs / 60000} min

Generated by \`scripts/soak.mjs\` (issue 14, "Soak"): the echo endpoint in its own process, the load tool in another, keeping
${s.concurrency} calls up, each held a seeded random ${s.holdMinMs / 1000}–${s.holdMaxMs / 1000} s (seed ${s.seed}), so calls end and start
for the whole run. The endpoint's heap and RSS are read from its own \`/metrics\` (\`--metrics-port\`) every ${s.sampleMs / 1000} s;
the slope is the least-squares fit over the steady part (after the ${s.rampMs / 1000} s ramp, then the longer of one longest hold
and 64·T1, then 30 s; to the end of the run). The heap is judged on what is in use right after each full (mark-compact)
collection, from the endpoint's \`--trace-gc\` lines: sampled at arbitrary moments, the heap is mostly the collector's sawtooth.
After the last call, the endpoint's transactions outlive it by Timers J and L (64·T1 = ${(64 * s.t1Ms) / 1000} s); then
what it still holds is read: calls (its dialogs), SIP transactions, RTP ports, TCP/TLS connections, file descriptors, and the
event-loop resources of \`process.getActiveResourcesInfo()\` by type (sockets, ref'ed timers; not the stdio pipes, which
appear on first use), against its idle baseline.

Run ${r.startedAt} on ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}, commit ${r.machine.commit}; load average
before ${r.machine.loadBefore.map((x) => x.toFixed(2)).join(' / ')}, after ${r.machine.loadAfter.map((x) => x.toFixed(2)).join(' / ')} (1/5/15 min; the machine is shared).

\`\`\`sh
pnpm build
${r.command}
# which runs: node packages/trunkline/dist/main.js echo --transports udp --port 0 --bind 127.0.0.1 --metrics-port $METRICS --json \\
#   --srtp ${s.srtp ? 'mandatory --allow-sdes-over-cleartext' : 'off'} --max-calls ${s.concurrency * 2} --t1 ${s.t1Ms}ms
# and:       ${r.loadCommand}
\`\`\`

| figure | measured | bound | verdict |
| --- | --- | --- | --- |
| heap slope, judged on the heap ${r.heap.judgedOn} (steady ${Math.round(r.steady.spanMs / 1000)} s) | ${r.heap.slopeKbPerMin ?? '—'} KB/min | ≤ ${s.heapBound} KB/min | ${verdict(r.checks.heapSlopeUnderBound)} |
| heap in use after each full collection (${r.heap.fullGcs} in the steady part): slope, min–max | ${r.heap.afterFullGcSlopeKbPerMin ?? '—'} KB/min, ${mb(r.heap.afterFullGcMinBytes)}–${mb(r.heap.afterFullGcMaxBytes)} | | |
| heap used sampled every ${s.sampleMs / 1000} s (${r.steady.samples} samples): slope | ${r.heap.sampledSlopeKbPerMin ?? '—'} KB/min | | |
| RSS slope | ${r.rss.slopeKbPerMin ?? '—'} KB/min | ≤ ${s.rssBound} KB/min | ${verdict(r.checks.rssSlopeUnderBound)} |
| RSS slope over the second half of the steady part (not judged) | ${r.rss.secondHalfSlopeKbPerMin ?? '—'} KB/min | | |
| heap used: idle / steady min–max / after | ${mb(r.heap.baselineBytes)} / ${mb(r.heap.minBytes)}–${mb(r.heap.maxBytes)} / ${mb(r.heap.finalBytes)} | | |
| RSS: idle / steady min–max / after | ${mb(r.rss.baselineBytes)} / ${mb(r.rss.minBytes)}–${mb(r.rss.maxBytes)} / ${mb(r.rss.finalBytes)} | | |
| calls left (dialogs) | ${l.calls} | 0 | ${l.calls === 0 ? '**met**' : '**missed**'} |
| SIP transactions left | ${l.transactions} | 0 | ${l.transactions === 0 ? '**met**' : '**missed**'} |
| RTP ports left | ${l.rtpPorts} | 0 | ${l.rtpPorts === 0 ? '**met**' : '**missed**'} |
| TCP/TLS connections left | ${l.connections} | 0 | ${l.connections === 0 ? '**met**' : '**missed**'} |
| file descriptors beyond idle (${r.baseline.fds} idle) | ${l.fds} | 0 | ${l.fds === 0 ? '**met**' : '**missed**'} |
| event-loop resources beyond idle (idle: ${res(r.baseline.resources)}) | ${res(l.resources)} | none | ${Object.keys(l.resources).length === 0 ? '**met**' : '**missed**'} |
| endpoint empty after the last call | ${(r.drainedInMs / 1000).toFixed(1)} s | ≤ 64·T1 + T4 + 10 s | |
| calls | ${c === undefined ? '—' : `${c.started} started, ${c.completed} completed, ${c.failed} failed; peak ${c.peakUp} up, mean ${c.meanUp}`} | | |
| failures by reason | ${failures} | | |
| packets echoed | ${m === undefined ? '—' : `${m.packetsEchoed} / ${m.packetsSent} (${m.echoedPercent}%), turnaround p50 ${m.turnaroundMs.p50} ms, p99 ${m.turnaroundMs.p99} ms`} | | |
| setup | ${r.load.setupMs === undefined ? '—' : `p50 ${r.load.setupMs.p50} ms, p99 ${r.load.setupMs.p99} ms`} | | |
| endpoint CPU | ${r.load.endpoint == null ? '—' : `${r.load.endpoint.cpuCores} cores (${r.load.endpoint.cpuCoresPerCall} per call)`} | | |
| load tool CPU | ${r.load.generator === undefined ? '—' : `${r.load.generator.cpuCores} cores`} | | |
| endpoint calls by end reason | ${res(r.endpoint.endedBy)} | | |

Overall: **${r.ok ? 'passed' : 'failed'}**.

Samples (every ${Math.max(1, Math.ceil(r.samples.length / 20))}th):

| t (s) | calls up | transactions | heap used | heap after the last full collection | RSS |
| --- | --- | --- | --- | --- | --- |
${rows.map((x) => `| ${(x.t / 1000).toFixed(0)} | ${x.calls} | ${x.transactions} | ${mb(x.heapUsed)} | ${mb(r.afterFullGc.findLast((g) => g.t <= x.t)?.bytes)} | ${mb(x.rss)} |`).join('\n')}
`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`[soak] ${e.stack ?? e}\n`);
    process.exitCode = 1;
  },
);

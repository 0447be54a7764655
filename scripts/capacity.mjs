#!/usr/bin/env node
/**
 * Capacity sheet (issue 14): one command that measures this machine's raw
 * UDP echo ceiling, starts the echo endpoint in its own process (profiled
 * with --cpu-prof), loads it with `trunkline load` for the concurrent-calls
 * and call-rate targets (UDP, then TLS), cross-checks the call rate with
 * SIPp's built-in `uac` scenario, and writes docs/capacity.md.
 *
 *   node scripts/capacity.mjs            # the durations (60 s per target)
 *   node scripts/capacity.mjs --quick    # 10 s per target
 *   options: --duration S  --concurrency N  --rate R  --out FILE  --no-sipp
 *
 * Needs `pnpm build` first (it runs packages/trunkline/dist/main.js).
 * Loopback only; every child process is bounded in time and killed at the end.
 */
import { spawn, execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'packages/trunkline/dist/main.js');
/** Bytes of one RTP PCMU packet (12-byte header + 160 bytes of 20 ms μ-law). */
const RTP_PACKET_BYTES = 172;
/** Datagrams kept in flight by the UDP ceiling client. */
const CEILING_WINDOW = 64;

async function main() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      concurrency: { type: 'string', default: '1000' },
      rate: { type: 'string', default: '1000' },
      out: { type: 'string', default: join(ROOT, 'docs/capacity.md') },
      'no-sipp': { type: 'boolean', default: false },
    },
  });
  const durationS = Number(values.duration ?? (values.quick ? 10 : 60));
  const concurrency = Number(values.concurrency);
  const rate = Number(values.rate);
  const work = await mkdtemp(join(tmpdir(), 'trunkline-capacity-'));
  const commands = [];
  const loadBefore = loadavg();
  const startedAt = new Date();
  // The commit measured is the one built before the run, not whatever HEAD is when the sheet is written.
  const commit = gitCommit();
  log(`capacity run: ${durationS} s per target, work dir ${work}`);

  const ceiling = await udpCeiling(values.quick ? 3 : 10);
  log(`UDP echo ceiling: ${ceiling.perSecond} packets/s round trips (${Math.round(ceiling.perSecond / 50)} calls' worth at 50 packets/s)`);

  const profDir = join(work, 'prof');
  // --cpu-prof writes its profile only on a normal exit: after SIGTERM the endpoint gets 10 s to end its calls, then exits.
  const exitAfterTerm = "data:text/javascript,process.on('SIGTERM',()=>setTimeout(()=>process.exit(0),10000).unref())";
  const endpointArgs = ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--import=${exitAfterTerm}`, MAIN, 'echo', '--port', '0', '--bind', '127.0.0.1', '--state-dir', join(work, 'state'), '--allow-sdes-over-cleartext', '--max-calls', '20000', '--json'];
  commands.push(`node ${endpointArgs.map((a) => a.replace(work, '$WORK').replace(ROOT + '/', '')).join(' ')}`);
  const endpoint = await startEndpoint(endpointArgs);
  log(`echo endpoint pid ${endpoint.pid}: udp ${endpoint.udp}, tls ${endpoint.tls}`);

  const results = [];
  const run = async (name, args) => {
    const full = ['load', ...args, '--json', '--endpoint-pid', String(endpoint.pid)];
    commands.push(`node packages/trunkline/dist/main.js ${full.join(' ').replace(String(endpoint.pid), '$ENDPOINT_PID')}`);
    log(`${name}: trunkline ${full.join(' ')}`);
    const loadAtStart = loadavg()[0];
    const udp0 = await udpCounters();
    const out = await runChild(process.execPath, [MAIN, ...full], (durationS + 120) * 1000, true);
    const udp1 = await udpCounters();
    let result = null;
    try {
      result = JSON.parse(out.stdout.trim().split('\n').pop() ?? '');
      // What else ran meanwhile, and datagrams the kernel dropped for a full socket buffer (host-wide counters).
      result.context = {
        loadAverage1m: round(loadAtStart, 2),
        udpRcvbufErrors: udp0 === null || udp1 === null ? null : udp1.rcvbufErrors - udp0.rcvbufErrors,
        udpSndbufErrors: udp0 === null || udp1 === null ? null : udp1.sndbufErrors - udp0.sndbufErrors,
      };
    } catch {
      log(`${name}: no JSON result (exit ${out.code}): ${out.stderr.slice(-500)}`);
    }
    results.push({ name, result });
    if (result !== null) log(`${name}: ${summary(result)}`);
    await settle(endpoint.pid); // the next run starts on an idle endpoint
    return result;
  };
  // Warm-up (not reported): the endpoint's first calls pay for JIT compilation and lazy loading.
  await run('warm-up', [`sip:echo@127.0.0.1:${endpoint.udp}`, '--rate', '20', '--duration', '3s', '--hold', '500ms', '--srtp', 'mandatory', '--allow-sdes-over-cleartext']);
  results.pop();

  // The envelope below the targets: the highest step with zero failures, each step a short run.
  const stepS = values.quick ? 5 : 15;
  const steps = { rate: [], concurrency: [] };
  for (const r of [50, 100, 200, 400, 800].filter((x) => x < rate)) {
    const res = await run(`call rate step ${r}/s (UDP)`, [`sip:echo@127.0.0.1:${endpoint.udp}`, '--rate', String(r), '--duration', `${stepS}s`, '--hold', '100ms', '--ramp', '1s']);
    steps.rate.push({ requested: r, result: res });
    if (res === null || res.calls.failed > 0) break;
  }
  for (const n of [100, 200, 400, 800].filter((x) => x < concurrency)) {
    const res = await run(`concurrent step ${n} SRTP calls (UDP)`, [
      `sip:echo@127.0.0.1:${endpoint.udp}`, '--concurrency', String(n), '--duration', `${stepS + 5}s`, '--hold', `${stepS + 65}s`, '--ramp', '5s',
      '--srtp', 'mandatory', '--allow-sdes-over-cleartext',
    ]);
    steps.concurrency.push({ requested: n, result: res });
    if (res === null || res.calls.failed > 0) break;
  }

  const d = `${durationS}s`;
  // Ramp to the concurrent target at no more than ~200 INVITEs/s (a sixth of the run, at least half of a quick one).
  const ramp = `${Math.max(2, Math.round(values.quick ? durationS / 2 : durationS / 6))}s`;
  // Each target starts on a drained endpoint: an earlier overload leaves 2xx retransmissions, calls
  // ending and Accepted INVITE server transactions waiting for Timer L (64·T1 = 32 s, RFC 6026; they
  // have their own budget, maxAcceptedTransactions, and no longer hold maxTransactions slots).
  await drain(endpoint.pid);
  const concurrent = await run('concurrent SRTP calls (UDP)', [
    `sip:echo@127.0.0.1:${endpoint.udp}`, '--concurrency', String(concurrency), '--duration', d, '--hold', `${durationS + 60}s`, '--ramp', ramp,
    '--srtp', 'mandatory', '--allow-sdes-over-cleartext',
  ]);
  await drain(endpoint.pid);
  const rateUdp = await run('call rate (UDP)', [`sip:echo@127.0.0.1:${endpoint.udp}`, '--rate', String(rate), '--duration', d, '--hold', '100ms', '--ramp', '2s']);
  await drain(endpoint.pid);
  const rateTls = await run('call rate (TLS)', [`sips:echo@127.0.0.1:${endpoint.tls}`, '--rate', String(rate), '--duration', d, '--hold', '100ms', '--ramp', '2s', '--insecure']);

  // SIPp last: a run at the target rate overloads the endpoint, and the calls SIPp abandons stay up
  // (no RTP, no BYE) long after it ends, so nothing is measured after it.
  let sipp = null;
  if (!values['no-sipp']) {
    const count = rate * durationS;
    const sippArgs = ['-sn', 'uac', '-r', String(rate), '-m', String(count), '-l', String(rate * 5), '-d', '100', '-i', '127.0.0.1', `127.0.0.1:${endpoint.udp}`,
      '-timeout', `${durationS + 60}s`, '-nostdin', '-trace_stat', '-stf', join(work, 'sipp-stat.csv'), '-fd', '1', '-trace_rtt', '-rtt_freq', '1'];
    commands.push(`sipp ${sippArgs.join(' ').replaceAll(work, '$WORK')}`);
    log(`SIPp: sipp ${sippArgs.join(' ')}`);
    await drain(endpoint.pid);
    const cpu0 = await procCpuMs(endpoint.pid);
    const t0 = performance.now();
    const out = await runChild('sipp', sippArgs, (durationS + 90) * 1000, false, work);
    const elapsed = performance.now() - t0;
    const cpu1 = await procCpuMs(endpoint.pid);
    sipp = await readSipp(work, out.code, elapsed, count);
    if (sipp !== null && cpu0 !== null && cpu1 !== null) sipp.endpointCpuMsPerCall = round((cpu1 - cpu0) / Math.max(1, sipp.successful + sipp.failed), 3);
    log(`SIPp: ${JSON.stringify(sipp)}`);
  }

  const rssAfter = await procRssBytes(endpoint.pid);
  await endpoint.stop();
  const profile = await topCosts(profDir);
  const loadAfter = loadavg();
  const buffers = { rmemMax: await netCore('rmem_max'), wmemMax: await netCore('wmem_max') };
  const sheet = renderSheet({
    buffers,
    commit,
    startedAt, durationS, quick: values.quick, concurrency, rate, ceiling, concurrent, rateUdp, rateTls, steps, stepS, sipp, profile, loadBefore, loadAfter, commands, rssAfter,
  });
  await writeFile(values.out, sheet);
  log(`wrote ${relative(process.cwd(), values.out)}`);
  await writeFile(join(work, 'results.json'), JSON.stringify({ ceiling, results, sipp, profile }, null, 2));
  log(`raw results in ${join(work, 'results.json')}`);
}

function log(text) {
  process.stderr.write(`[capacity] ${text}\n`);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (x, digits = 0) => (x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits);

/** Runs a child to completion (killed after `limitMs`), collecting its output. */
function runChild(cmd, args, limitMs, progressToStderr, cwd = ROOT) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => {
      stderr += b;
      if (progressToStderr) process.stderr.write(b);
    });
    const limit = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', (e) => {
      clearTimeout(limit);
      resolve({ code: -1, stdout, stderr: String(e) });
    });
    child.on('exit', (code) => {
      clearTimeout(limit);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Raw Node UDP echo round trips per second: this client ↔ a bare echo server in its own process, 172-byte datagrams. */
async function udpCeiling(seconds) {
  const server = spawn(process.execPath, [fileURLToPath(import.meta.url), '--udp-echo-server'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const port = await new Promise((resolve) => server.stdout.once('data', (b) => resolve(Number(String(b).trim()))));
  const s = createSocket('udp4');
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  const packet = Buffer.alloc(RTP_PACKET_BYTES, 0xff);
  let received = 0;
  let counting = false;
  let counted = 0;
  s.on('message', () => {
    received++;
    if (counting) counted++;
    s.send(packet, port, '127.0.0.1');
  });
  const fill = () => {
    for (let i = 0; i < CEILING_WINDOW; i++) s.send(packet, port, '127.0.0.1');
  };
  fill();
  // Refill the window when datagrams were dropped (no progress for 100 ms).
  let last = 0;
  const refill = setInterval(() => {
    if (received === last) fill();
    last = received;
  }, 100);
  await sleep(1000); // warm-up
  counting = true;
  const t0 = performance.now();
  await sleep(seconds * 1000);
  counting = false;
  const elapsed = performance.now() - t0;
  clearInterval(refill);
  s.close();
  server.kill('SIGTERM');
  return { perSecond: Math.round((counted * 1000) / elapsed), seconds, packetBytes: RTP_PACKET_BYTES, window: CEILING_WINDOW };
}

async function startEndpoint(args) {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let buffered = '';
  const banner = await new Promise((resolve, reject) => {
    const onData = (b) => {
      buffered += b;
      const line = buffered.split('\n').find((l) => l.includes('"listening"'));
      if (line !== undefined) {
        child.stdout.off('data', onData);
        child.stdout.resume(); // per-call lines are not kept
        resolve(JSON.parse(line));
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`echo endpoint exited ${code}`)));
    setTimeout(() => reject(new Error('echo endpoint did not start in 30 s')), 30_000).unref();
  });
  child.stderr.resume();
  const port = (t) => banner.listeners.find((l) => l.transport === t)?.port;
  return {
    pid: child.pid,
    udp: port('udp'),
    tls: port('tls'),
    stop: () =>
      new Promise((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Waits until the endpoint uses under a tenth of a core over a second (its retransmissions and timers done), at most 40 s. */
async function settle(pid) {
  const until = performance.now() + 40_000;
  while (performance.now() < until) {
    const a = await procCpuMs(pid);
    await sleep(1000);
    const b = await procCpuMs(pid);
    if (a === null || b === null || b - a < 100) return;
  }
}

/** Settles, then waits out Timer L (64·T1 = 32 s) so the endpoint's transaction table is empty. */
async function drain(pid) {
  await settle(pid);
  log('waiting 33 s for the endpoint\'s transactions to end (Timer L, RFC 6026)');
  await sleep(33_000);
}

/** Host-wide UDP counters from /proc/net/snmp (RcvbufErrors: datagrams dropped for a full receive buffer), or null. */
async function udpCounters() {
  try {
    const rows = (await readFile('/proc/net/snmp', 'utf8')).split('\n').filter((l) => l.startsWith('Udp:'));
    const names = rows[0].split(/\s+/);
    const values = rows[1].split(/\s+/).map(Number);
    return { rcvbufErrors: values[names.indexOf('RcvbufErrors')], sndbufErrors: values[names.indexOf('SndbufErrors')] };
  } catch {
    return null;
  }
}

/** A sysctl under /proc/sys/net/core (bytes), or null. */
async function netCore(name) {
  try {
    return Number((await readFile(`/proc/sys/net/core/${name}`, 'utf8')).trim());
  } catch {
    return null;
  }
}

async function procCpuMs(pid) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

async function procRssBytes(pid) {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;
  } catch {
    return null;
  }
}

/** SIPp's final statistics (-trace_stat CSV, last row) and per-call response times (-trace_rtt). */
async function readSipp(dir, code, elapsedMs, count) {
  try {
    const rows = (await readFile(join(dir, 'sipp-stat.csv'), 'utf8')).trim().split('\n');
    const head = rows[0].split(';');
    const last = rows[rows.length - 1].split(';');
    const col = (name) => Number(last[head.indexOf(name)]);
    const rttFile = (await readdir(dir)).find((f) => f.endsWith('_rtt.csv'));
    const rtts = [];
    if (rttFile !== undefined) {
      for (const line of (await readFile(join(dir, rttFile), 'utf8')).trim().split('\n').slice(1)) {
        const v = Number(line.split(';')[1]);
        if (Number.isFinite(v)) rtts.push(v);
      }
    }
    rtts.sort((a, b) => a - b);
    const q = (p) => (rtts.length === 0 ? null : round(rtts[Math.min(rtts.length - 1, Math.ceil(p * rtts.length) - 1)], 2));
    const successful = col('SuccessfulCall(C)');
    const failed = col('FailedCall(C)');
    return {
      exitCode: code,
      requested: count,
      successful,
      failed,
      elapsedS: round(elapsedMs / 1000, 1),
      callsPerSecond: round((successful * 1000) / elapsedMs, 1),
      setupP50Ms: q(0.5),
      setupP99Ms: q(0.99),
      retransmissions: col('Retransmissions(C)'),
    };
  } catch (e) {
    log(`SIPp statistics unreadable: ${e}`);
    return null;
  }
}

/** The profile's top self-time entries (function, file:line), with GC and idle. */
async function topCosts(dir) {
  let file;
  try {
    file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
  } catch {
    return null;
  }
  if (file === undefined) return null;
  const prof = JSON.parse(await readFile(join(dir, file), 'utf8'));
  const hits = new Map(prof.nodes.map((n) => [n.id, 0]));
  for (const s of prof.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
  const byKey = new Map();
  let total = 0;
  let idle = 0;
  for (const n of prof.nodes) {
    const h = hits.get(n.id) ?? 0;
    total += h;
    const cf = n.callFrame;
    if (cf.functionName === '(idle)') {
      idle += h;
      continue;
    }
    const where = cf.url === '' ? '' : `${cf.url.replace(/^file:\/\//, '').replace(ROOT + '/', '')}:${cf.lineNumber + 1}`;
    const key = `${cf.functionName || '(anonymous)'} ${where}`.trim();
    byKey.set(key, (byKey.get(key) ?? 0) + h);
  }
  const busy = total - idle;
  const top = [...byKey.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([k, h]) => ({ what: k, percentOfBusy: round((h / busy) * 100, 1) }));
  return { file, samples: total, busyPercent: round((busy / total) * 100, 1), top };
}

function summary(r) {
  return `${r.calls.completed}/${r.calls.started} completed, ${r.calls.setupsPerSecond} setups/s, setup p99 ${r.setupMs.p99} ms, echoed ${r.media.echoedPercent}%, turnaround p99 ${r.media.turnaroundMs.p99} ms, failures ${JSON.stringify(r.calls.failures)}`;
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const yes = (ok) => (ok === null ? 'not measured' : ok ? '**met**' : '**missed**');
const fmt = (v, unit = '') => (v === null || v === undefined ? '—' : `${v}${unit}`);

function renderSheet(x) {
  const cpu = cpus();
  const c = x.concurrent;
  const u = x.rateUdp;
  const t = x.rateTls;
  const kb = (b) => (b === null || b === undefined ? '—' : `${Math.round(b / 1024)} KB`);
  const cores = (r) => r?.endpoint?.cpuCoresPerCall ?? null;
  const lines = [];
  const p = (s = '') => lines.push(s);
  p('# Trunkline capacity sheet');
  p();
  p(`Generated by \`node scripts/capacity.mjs${x.quick ? ' --quick' : ''}\` on ${x.startedAt.toISOString()} (commit ${x.commit}), ${x.durationS} s per target${x.quick ? ' (quick run: the issue asks for 60 s)' : ''}.`);
  p('Every figure below comes from this one run. Regenerate: `pnpm build && node scripts/capacity.mjs` (full) or `--quick`.');
  p();
  p('## Machine');
  p();
  p(`- CPU: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}; memory ${Math.round(totalmem() / 2 ** 30)} GiB (${Math.round(freemem() / 2 ** 30)} GiB free at the end); Linux ${release()}`);
  p(`- Node ${process.version}`);
  p(`- UDP socket buffers: the endpoint's SIP UDP socket asks for 4 MiB receive and send buffers, each media socket for 256 KiB receive and 128 KiB send (named options since issue 14); the kernel caps them at net.core.rmem_max = ${fmt(x.buffers.rmemMax)} and wmem_max = ${fmt(x.buffers.wmemMax)} bytes.`);
  p(`- Load average (1/5/15 min) before the run: ${x.loadBefore.map((v) => v.toFixed(2)).join(' / ')}; after: ${x.loadAfter.map((v) => v.toFixed(2)).join(' / ')}.`);
  p('  The machine is shared: a load average above the core count means the endpoint and the load tool competed for CPU with other work, and every figure below is pessimistic by that much.');
  p(`- **Raw UDP ceiling** (same run): ${x.ceiling.perSecond.toLocaleString('en')} echo round trips/s between two bare Node processes (${x.ceiling.packetBytes}-byte datagrams, ${x.ceiling.window} in flight, ${x.ceiling.seconds} s): each round trip is one datagram received and one sent by the echo side, so that side's ceiling is ≈ ${Math.round(x.ceiling.perSecond / 50).toLocaleString('en')} G.711 calls' worth (50 packets/s each way) with no SIP, SRTP or per-call work at all.`);
  p();
  p('## Targets against measured figures');
  p();
  p('| target (issue 14) | measured | verdict |');
  p('| --- | --- | --- |');
  if (c !== null) {
    // Media verdicts hold only for the calls that got up: say so when fewer than the target did.
    const partial = c.calls.peakUp < x.concurrency ? ` (only for the ${c.calls.peakUp} calls that got up)` : '';
    p(`| ≥ ${x.concurrency} concurrent SRTP (AES_CM_128_HMAC_SHA1_80) PCMU echo calls held ${x.durationS} s | peak ${c.calls.peakUp} up (mean ${c.calls.meanUp}); ${c.calls.completed}/${c.calls.started} completed; failures ${JSON.stringify(c.calls.failures)} | ${yes(c.calls.peakUp >= x.concurrency && c.calls.failed === 0)} |`);
    p(`| ≥ 99.99% of packets echoed | ${fmt(c.media.echoedPercent, '%')} (${c.media.packetsEchoed.toLocaleString('en')}/${c.media.packetsSent.toLocaleString('en')}) | ${yes(c.media.echoedPercent !== null && c.media.echoedPercent >= 99.99)}${partial} |`);
    p(`| echo turnaround p99 ≤ 40 ms | p50 ${fmt(c.media.turnaroundMs.p50, ' ms')}, p99 ${fmt(c.media.turnaroundMs.p99, ' ms')} | ${yes(c.media.turnaroundMs.p99 !== null && c.media.turnaroundMs.p99 <= 40)}${partial} |`);
    p(`| CPU ≤ 0.002 cores per call | ${fmt(cores(c))} cores/call (endpoint ${fmt(c.endpoint?.cpuCores)} cores at mean ${c.calls.meanUp} calls) | ${yes(cores(c) === null ? null : cores(c) <= 0.002)} |`);
    p(`| memory ≤ 64 KB per active call | ${kb(c.endpoint?.memoryBytesPerCall)}/call (RSS ${kb(c.endpoint?.rssBytesBefore)} → peak ${kb(c.endpoint?.rssBytesPeak)}) | ${yes(c.endpoint?.memoryBytesPerCall == null ? null : c.endpoint.memoryBytesPerCall <= 65536)} |`);
  } else {
    p('| concurrent calls | the run produced no result | **missed** |');
  }
  for (const [label, r] of [['UDP', u], ['TLS', t]]) {
    if (r === null) {
      p(`| call rate over ${label} | the run produced no result | **missed** |`);
      continue;
    }
    p(`| ≥ ${x.rate} setups+teardowns/s over ${label}, ${x.durationS} s, zero failures | ${r.calls.setupsPerSecond} setups/s; ${r.calls.completed}/${r.calls.started} completed; failures ${JSON.stringify(r.calls.failures)} | ${yes(r.calls.setupsPerSecond >= x.rate * 0.99 && r.calls.failed === 0)} |`);
    p(`| setup p99 ≤ 20 ms (${label}) | p50 ${fmt(r.setupMs.p50, ' ms')}, p99 ${fmt(r.setupMs.p99, ' ms')}; teardown p99 ${fmt(r.teardownMs.p99, ' ms')} | ${yes(r.setupMs.p99 !== null && r.setupMs.p99 <= 20)} |`);
    p(`| on one core (${label}) | endpoint ${fmt(r.endpoint?.cpuCores)} cores, ${fmt(r.endpoint?.cpuMsPerCall)} CPU ms per call (1 core = ${x.rate}/s needs ≤ ${round(1000 / x.rate, 3)} ms) | ${yes(r.endpoint == null ? null : r.endpoint.cpuCores <= 1 && r.calls.setupsPerSecond >= x.rate * 0.99)} |`);
  }
  p('| soak: 10 min at 200 calls with churn, heap/RSS flat, nothing left behind | measured by `scripts/soak.mjs`, see [soak.md](soak.md) | see soak.md |');
  p();
  const ctx = (r) => (r?.context == null ? 'no result' : `load average ${fmt(r.context.loadAverage1m)} at its start, ${fmt(r.context.udpRcvbufErrors)} UDP datagrams dropped host-wide for a full receive buffer`);
  p(`Conditions of each target run: concurrent calls ${ctx(c)}; call rate UDP ${ctx(u)}; call rate TLS ${ctx(t)}.`);
  p();
  p('### The envelope below the targets (short steps, UDP; a step with any failure ends its ladder)');
  p();
  p(`| step (${x.stepS} s${''} each) | setups/s | completed / started | failures | setup p50 / p99 | echoed | turnaround p50 / p99 | endpoint cores | endpoint CPU ms/call | endpoint KB/call | load avg at start | UDP rcvbuf drops (host) |`);
  p('| --- | ---: | --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |');
  const stepRow = (label, r) =>
    r === null
      ? p(`| ${label} | — | no result | — | — | — | — | — | — | — | — | — |`)
      : p(`| ${label} | ${r.calls.setupsPerSecond} | ${r.calls.completed} / ${r.calls.started} | ${JSON.stringify(r.calls.failures)} | ${fmt(r.setupMs.p50)} / ${fmt(r.setupMs.p99)} ms | ${fmt(r.media.echoedPercent, '%')} | ${fmt(r.media.turnaroundMs.p50)} / ${fmt(r.media.turnaroundMs.p99)} ms | ${fmt(r.endpoint?.cpuCores)} | ${fmt(r.endpoint?.cpuMsPerCall)} | ${r.endpoint?.memoryBytesPerCall == null ? '—' : Math.round(r.endpoint.memoryBytesPerCall / 1024)} | ${fmt(r.context?.loadAverage1m)} | ${fmt(r.context?.udpRcvbufErrors)} |`);
  for (const st of x.steps.rate) stepRow(`rate ${st.requested}/s, hold 100 ms`, st.result);
  for (const st of x.steps.concurrency) stepRow(`${st.requested} concurrent SRTP calls`, st.result);
  p();
  p('### Call rate cross-checked with SIPp (built-in `uac`, UDP, same endpoint, same run)');
  p();
  p('| | trunkline load (UDP) | SIPp 3.6.1 `-sn uac` |');
  p('| --- | --- | --- |');
  const s = x.sipp;
  p(`| requested | ${x.rate}/s for ${x.durationS} s, hold 100 ms | ${x.rate}/s, ${x.rate * x.durationS} calls, pause 100 ms |`);
  p(`| achieved | ${fmt(u?.calls.setupsPerSecond, '/s')} | ${fmt(s?.callsPerSecond, '/s')} (${fmt(s?.successful)} successful in ${fmt(s?.elapsedS, ' s')}) |`);
  p(`| failed | ${fmt(u?.calls.failed)} | ${fmt(s?.failed)} (retransmissions ${fmt(s?.retransmissions)}) |`);
  p(`| setup p50 / p99 | ${fmt(u?.setupMs.p50, ' ms')} / ${fmt(u?.setupMs.p99, ' ms')} | ${fmt(s?.setupP50Ms, ' ms')} / ${fmt(s?.setupP99Ms, ' ms')} (INVITE → 200, \`rtd\`) |`);
  p(`| endpoint CPU per call | ${fmt(u?.endpoint?.cpuMsPerCall, ' ms')} | ${fmt(s?.endpointCpuMsPerCall, ' ms')} |`);
  p();
  p('SIPp sends no RTP in `uac`; `trunkline load` sends and checks real-time PCMU on every call, so its calls cost the endpoint more.');
  p();
  p('### The load tool itself');
  p();
  p('`trunkline load` is a lean SIP/RTP client (one signalling socket or connection shared by all calls, a raw RTP socket per call, one monotonic pacer for every call, SRTP via `@trunkline/rtp-srtp` contexts, no jitter buffer, codec or per-call user-agent state), not the user agent: the generator must not be the bottleneck it measures. Its own CPU, same runs:');
  p();
  for (const [label, r] of [['concurrent SRTP calls', c], ['call rate UDP', u], ['call rate TLS', t]]) {
    if (r !== null) p(`- ${label}: load tool ${r.generator.cpuCores} cores vs endpoint ${fmt(r.endpoint?.cpuCores)} cores; pacer slots skipped ${r.media.pacerSkipped} (non-zero means the generator's event loop stalled).`);
  }
  p();
  p('## Published peer figures (quoted from issue 14)');
  p();
  p('- "a Go voice-agent bridge uses 0.005–0.006 cores and 160 KB per session"');
  p('- "a Go SBC sets up 3,500 calls/s on 4 vCPU (~875 per core)"');
  p('- "a Rust bridge budgets ~450 KB and 0.54% of a core per G.711 call"');
  p('- Starting points quoted in the issue: OPTIONS over UDP at about 0.14 of the raw UDP ceiling per transaction; the SRTP echo loop at 20.6k packets/s (≈ 200 calls) in one thread.');
  p();
  p('## Endpoint profile (`node --cpu-prof`, the whole run above)');
  p();
  const pr = x.profile;
  if (pr === null) {
    p('No profile was written.');
  } else {
    p(`${pr.samples.toLocaleString('en')} samples, busy ${pr.busyPercent}% of them (the rest idle). Top self-time entries, % of busy samples:`);
    p();
    p('| % busy | function (file:line) |');
    p('| ---: | --- |');
    for (const e of pr.top) p(`| ${e.percentOfBusy} | \`${e.what}\` |`);
  }
  p();
  p(`Endpoint RSS at the end of the run: ${kb(x.rssAfter)}.`);
  p();
  p('## Commands (this run)');
  p();
  p('```sh');
  for (const cmd of x.commands) p(cmd);
  p('```');
  p();
  p('`$WORK` is a fresh temporary directory, `$ENDPOINT_PID` the echo endpoint\'s process id; ports are ephemeral (the endpoint binds port 0 and prints them).');
  p();
  return `${lines.join('\n')}\n`;
}

// Child mode: a bare Node UDP echo server (the ceiling's far end); otherwise the capacity run.
if (process.argv[2] === '--udp-echo-server') {
  const s = createSocket('udp4');
  s.on('message', (m, r) => s.send(m, r.port, r.address));
  s.bind(0, '127.0.0.1', () => process.stdout.write(`${s.address().port}\n`));
  process.on('SIGTERM', () => process.exit(0));
  // Bounded: the server never outlives a forgotten parent by long.
  setTimeout(() => process.exit(0), 120_000).unref();
} else {
  await main();
}

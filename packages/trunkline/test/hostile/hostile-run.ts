/**
 * The live hostile run (issue 14, "Hostile input"): the real echo endpoint in
 * this process, legitimate SRTP echo calls from the load tool over UDP and TLS
 * held for the whole run, and, one phase after the other while they talk:
 *
 * 1. `quiet`: nothing (the echo loss to compare with);
 * 2. `fuzz`: RFC 4475 torture messages mutated from a seeded PRNG and random
 *    garbage, over UDP, TCP and TLS;
 * 3. `options-flood`: distinct OPTIONS over UDP;
 * 4. `outsiders`: requests from a source outside the allow-list (127.0.0.9);
 * 5. `invite-flood`: distinct INVITEs over UDP, never acknowledged: `maxCalls`
 *    and `maxTransactions` must hold and 503 answer the rest;
 * 6. `release`: nothing, until the timers (Timer H, 64·T1) have ended what the
 *    flood left: calls back to the legitimate ones, transactions and heap back
 *    near the baseline.
 *
 * Shared by the CI test (`live-endpoint.test.ts`, seconds) and the long run
 * (`scripts/hostile.mjs`, minutes), which differ only in their options.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect } from 'node:tls';
import { heapAfterGc, seededRandom } from '@trunkline/test-support';
import { startEchoEndpoint, type EchoEndpoint } from '../../src/echo/echo-endpoint.js';
import { parseEchoArgs, parseLoadArgs, type Call, type EchoCallSummary } from '../../src/index.js';
import { runLoad, type LoadProgress, type LoadResult } from '../../src/load/index.js';
import { aimAt, loadTortureMessages, mutate, request, responseStatuses, viaOf } from './hostile-input.js';

/** Options of {@link runHostile}. */
export interface HostileRunOptions {
  /** Seed of every random choice (print it; the same seed replays the same bytes). */
  readonly seed: number;
  /** Legitimate SRTP echo calls over UDP, held for the whole run. */
  readonly udpCalls: number;
  /** Legitimate SRTP echo calls over TLS, held for the whole run. */
  readonly tlsCalls: number;
  /** Length of each attack phase (and of the quiet one), ms. */
  readonly phaseMs: number;
  /** Mutated messages and garbage per second, all transports together. */
  readonly fuzzRate: number;
  /** OPTIONS per second of the OPTIONS flood. */
  readonly optionsRate: number;
  /** Requests per second from outside the allow-list. */
  readonly outsiderRate: number;
  /** INVITEs per second of the INVITE flood (never acknowledged). */
  readonly inviteRate: number;
  /** The endpoint's `--max-calls`, on top of the legitimate calls. */
  readonly spareCalls: number;
  /** The endpoint's `maxTransactions`. */
  readonly maxTransactions: number;
  /** RFC 3261 T1 of the endpoint and the load tool, ms (Timer H is 64·T1). */
  readonly t1Ms: number;
  /** Longest wait for the release after the INVITE flood, ms. */
  readonly releaseTimeoutMs: number;
  /** One line per step (progress on a terminal). Default: none. */
  readonly log?: (line: string) => void;
}

/** Figures of one phase. */
export interface PhaseFigures {
  readonly name: 'quiet' | 'fuzz' | 'options-flood' | 'outsiders' | 'invite-flood' | 'release';
  readonly ms: number;
  /** Messages (datagrams, or messages written on a connection) sent by the attackers. */
  readonly sent: number;
  /** Responses the attackers got, by status code. */
  readonly responses: Readonly<Record<string, number>>;
  /**
   * Packets of the legitimate calls not echoed by the end of the load tool's progress interval (500 ms) they
   * were sent in, % (mean and worst interval of the phase). An upper bound of the phase's echo loss:
   * an echo that comes back an interval later counts here (and is not lost in the run's total).
   */
  readonly echoLossMeanPercent: number;
  readonly echoLossMaxPercent: number;
  /**
   * Peaks of the endpoint's counters during the phase. `ua.stats.transactions` counts the live
   * transactions and the completed/Accepted records kept to absorb retransmissions (budgets of
   * their own): it can exceed `maxTransactions`, which bounds the live ones.
   */
  readonly peakCalls: number;
  /** `ua.stats.transactions` as the phase began. */
  readonly startTransactions: number;
  readonly peakTransactions: number;
  readonly peakConnections: number;
  /** Datagrams to the endpoint's SIP UDP socket the kernel dropped during the phase (receive buffer full). */
  readonly kernelDrops: number;
}

/** What {@link runHostile} measured. */
export interface HostileRunResult {
  readonly seed: number;
  readonly options: Omit<HostileRunOptions, 'log'>;
  readonly phases: readonly PhaseFigures[];
  /** Fuzz messages sent, by mutation kind and by transport. */
  readonly fuzzByKind: Readonly<Record<string, number>>;
  readonly fuzzByTransport: Readonly<Record<string, number>>;
  /** TCP/TLS connections the fuzzer opened, and how many the endpoint closed or refused before we did. */
  readonly fuzzConnections: { readonly opened: number; readonly closedByEndpoint: number; readonly errors: number };
  /** INVITE flood: distinct INVITEs, and the final status each got first (none: no final seen). */
  readonly inviteFinals: Readonly<Record<string, number>>;
  /** Responses to the INVITE flood the attacker's own socket lost in the kernel (a `none` above may be one of these). */
  readonly attackerDrops: number;
  /** The endpoint's refusal counters (`ua.stats.refused`) and failed calls by code, at the end. */
  readonly refused: Readonly<Record<string, number>>;
  readonly failedCalls: Readonly<Record<string, number>>;
  /** Calls the endpoint reported, by end reason (refusals included). */
  readonly endReasons: Readonly<Record<string, number>>;
  /** Heap after a full GC, bytes: with the legitimate calls up before the attacks, after the release, and the peak heap seen (no GC). */
  readonly heap: { readonly baseline: number; readonly afterRelease: number; readonly peak: number };
  /** Last INVITE of the flood → calls, transactions and heap back near the baseline, ms (null: not within `releaseTimeoutMs`). */
  readonly releaseMs: number | null;
  /** After the release: the endpoint's live transactions and calls. */
  readonly afterRelease: { readonly transactions: number; readonly calls: number; readonly portsInUse: number; readonly connections: number };
  /** Errors the endpoint reported through its `onError` hook (each a crash avoided, or a fault). */
  readonly endpointErrors: readonly string[];
  /** The load tool's results, UDP and TLS. */
  readonly legit: { readonly udp: LoadResult; readonly tls: LoadResult | null };
  /** An OPTIONS over UDP answered 200 at the very end (the endpoint is alive). */
  readonly aliveAtEnd: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Datagrams the kernel dropped for the UDP socket bound to 127.0.0.1:`port`
 * because its receive buffer was full (the `drops` column of /proc/net/udp):
 * what the endpoint never saw, as opposed to what it chose not to answer.
 */
function kernelDrops(port: number): number {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/udp', 'latin1').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[1] === local) return Number(f[12]);
  }
  return 0;
}

/** Polls `done` every 20 ms until it holds or `ms` pass (a stalled endpoint answers late, not never). */
async function settle(done: () => boolean, ms = 10_000): Promise<void> {
  const until = performance.now() + ms;
  while (!done() && performance.now() < until) await sleep(20);
}

/** Every SIP response counted in `responses`. */
const answeredCount = (responses: Record<string, number>): number => Object.values(responses).reduce((a, b) => a + b, 0);

/** Adds one to `record[key]`. */
function count(record: Record<string, number>, key: string | number, n = 1): void {
  record[key] = (record[key] ?? 0) + n;
}

/**
 * Calls `send(k)` `rate` times a second for `ms`, in 10 ms ticks (sub-tick rates carried over):
 * `rate·ms/1000` calls in all, however late the ticks come on a loaded machine.
 */
async function paced(rate: number, ms: number, send: (k: number) => void): Promise<number> {
  const total = Math.round((rate * ms) / 1000);
  const start = performance.now();
  let k = 0;
  while (k < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000));
    while (k < due) send(k++);
    if (k < total) await sleep(10);
  }
  return k;
}

/** A UDP attacker bound to `host`, counting the responses it gets by status. */
async function udpAttacker(host: string, responses: () => Record<string, number>, onText?: (text: string) => void): Promise<UdpSocket> {
  // A large receive buffer: the endpoint's answers (and their retransmissions) must not be lost here.
  const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => resolve());
  });
  socket.on('error', () => undefined); // ICMP errors of a flood: not ours to report
  socket.on('message', (data) => {
    const text = data.toString('latin1');
    for (const s of responseStatuses(text)) count(responses(), s);
    onText?.(text);
  });
  return socket;
}

/**
 * Runs the hostile scenario against a fresh echo endpoint; never throws for
 * what the endpoint does (the caller asserts on the result).
 */
export async function runHostile(o: HostileRunOptions): Promise<HostileRunResult> {
  const log = o.log ?? ((): void => undefined);
  const rand = seededRandom(o.seed);
  const stateDir = await mkdtemp(join(tmpdir(), 'trunkline-hostile-'));
  const endReasons: Record<string, number> = {};
  const endpointErrors: string[] = [];
  const legitCalls = o.udpCalls + o.tlsCalls;
  const echoOptions = parseEchoArgs([
    ...['--port', '0', '--bind', '127.0.0.1', '--state-dir', stateDir, '--allow-sdes-over-cleartext'],
    ...['--allow', '127.0.0.1/32', '--max-calls', String(legitCalls + o.spareCalls)],
  ]);
  if (echoOptions === 'help') throw new Error('unexpected help');
  const endpoint: EchoEndpoint = await startEchoEndpoint(
    echoOptions,
    { onCall: (s: EchoCallSummary) => count(endReasons, s.endReason.replace(/ \(.*\)$/, '')), onError: (e) => endpointErrors.push(String(e)) },
    { timers: { T1: o.t1Ms, T2: 16 * o.t1Ms, T4: 16 * o.t1Ms }, maxTransactions: o.maxTransactions },
  );
  const port = (p: 'udp' | 'tcp' | 'tls'): number => endpoint.ua.addresses.find((a) => a.protocol === p)!.port;
  const ua = endpoint.ua;
  const live = new Set<Call>();
  ua.on('call', (call) => {
    live.add(call);
    void call.done.then(() => live.delete(call));
  });
  const target = `sip:echo@127.0.0.1:${port('udp')}`;

  // Legitimate calls: held until the abort at the end (hold and duration far beyond the run).
  const progress: Array<{ at: number; p: LoadProgress }> = [];
  const stopLegit = new AbortController();
  const legitRun = (uri: string, n: number, extra: string[]): Promise<LoadResult> => {
    const parsed = parseLoadArgs([uri, '--concurrency', String(n), '--duration', '3600s', '--hold', '3600s', '--ramp', '300ms', '--srtp', 'mandatory', ...extra]);
    if (parsed === 'help') throw new Error('unexpected help');
    return runLoad(parsed, { signal: stopLegit.signal, progressIntervalMs: 500, echoGraceMs: 1500, t1Ms: o.t1Ms, onProgress: (p) => progress.push({ at: performance.now(), p }) });
  };
  const udpLegit = legitRun(target, o.udpCalls, ['--allow-sdes-over-cleartext']);
  const tlsLegit = o.tlsCalls > 0 ? legitRun(`sips:echo@127.0.0.1:${port('tls')}`, o.tlsCalls, ['--insecure']) : Promise.resolve(null);
  const upBy = performance.now() + 15_000;
  while (ua.stats.callsActive < legitCalls && performance.now() < upBy) await sleep(20);
  log(`seed ${o.seed}: ${ua.stats.callsActive}/${legitCalls} legitimate calls up`);
  await sleep(500); // their first echoes, so the quiet phase measures a steady state
  const baseline = { heap: heapAfterGc(), transactions: ua.stats.transactions };

  const phases: PhaseFigures[] = [];
  let peakHeap = 0;
  const phase = async (name: PhaseFigures['name'], run: (responses: Record<string, number>) => Promise<number>): Promise<PhaseFigures> => {
    const responses: Record<string, number> = {};
    const peaks = { calls: 0, transactions: 0, connections: 0 };
    const sample = (): void => {
      const s = ua.stats;
      peaks.calls = Math.max(peaks.calls, s.callsActive);
      peaks.transactions = Math.max(peaks.transactions, s.transactions);
      peaks.connections = Math.max(peaks.connections, s.connections);
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    };
    const startTransactions = ua.stats.transactions;
    const dropsBefore = kernelDrops(port('udp'));
    const sampler = setInterval(sample, 50);
    const start = performance.now();
    let sent = 0;
    try {
      sent = await run(responses);
    } finally {
      clearInterval(sampler);
      sample();
    }
    await sleep(150); // the last responses
    const end = performance.now();
    const losses = progress.filter((x) => x.at > start && x.at <= end).map((x) => x.p.lossPercent);
    const figures: PhaseFigures = {
      name,
      ms: Math.round(end - start),
      sent,
      responses,
      echoLossMeanPercent: losses.length === 0 ? 0 : round2(losses.reduce((a, b) => a + b, 0) / losses.length),
      echoLossMaxPercent: losses.length === 0 ? 0 : Math.max(...losses),
      peakCalls: peaks.calls,
      startTransactions,
      peakTransactions: peaks.transactions,
      peakConnections: peaks.connections,
      kernelDrops: kernelDrops(port('udp')) - dropsBefore,
    };
    phases.push(figures);
    log(`${name}: ${sent} sent in ${figures.ms} ms, responses ${JSON.stringify(responses)}, echo loss mean ${figures.echoLossMeanPercent}% max ${figures.echoLossMaxPercent}%, peaks calls ${peaks.calls} transactions ${peaks.transactions} connections ${peaks.connections}, kernel drops ${figures.kernelDrops}`);
    return figures;
  };

  await phase('quiet', async () => {
    await sleep(o.phaseMs);
    return 0;
  });

  // Fuzz: one UDP socket; TCP/TLS messages batched per 10 ms tick onto a fresh connection each.
  const corpus = loadTortureMessages();
  const fuzzByKind: Record<string, number> = {};
  const fuzzByTransport: Record<string, number> = {};
  const fuzzConnections = { opened: 0, closedByEndpoint: 0, errors: 0 };
  const streams = new Set<Socket>();
  await phase('fuzz', async (responses) => {
    const udp = await udpAttacker('127.0.0.1', () => responses);
    const udpPort = udp.address().port;
    const batch: Record<'tcp' | 'tls', Uint8Array[]> = { tcp: [], tls: [] };
    const flush = (protocol: 'tcp' | 'tls'): void => {
      const chunks = batch[protocol].splice(0);
      if (chunks.length === 0) return;
      fuzzConnections.opened++;
      let ours = false;
      const socket: Socket =
        protocol === 'tls'
          ? tlsConnect({ host: '127.0.0.1', port: port('tls'), rejectUnauthorized: false }, () => chunks.forEach((c) => socket.write(c)))
          : tcpConnect({ host: '127.0.0.1', port: port('tcp') }, () => chunks.forEach((c) => socket.write(c)));
      streams.add(socket);
      socket.on('data', (d: Buffer) => responseStatuses(d.toString('latin1')).forEach((s) => count(responses, s)));
      socket.on('error', () => fuzzConnections.errors++);
      socket.on('close', () => {
        streams.delete(socket);
        if (!ours) fuzzConnections.closedByEndpoint++;
      });
      // Held a moment (partial messages wait for their rest), then dropped by us.
      setTimeout(() => {
        ours = true;
        socket.destroy();
      }, 200 + Math.floor(rand() * 300)).unref();
    };
    let n = 0;
    const sent = await paced(o.fuzzRate, o.phaseMs, () => {
      const r = rand();
      const protocol = r < 0.5 ? 'udp' : r < 0.75 ? 'tcp' : 'tls';
      const source = corpus[Math.floor(rand() * corpus.length)]!;
      const aimed = aimAt(source, viaOf(protocol, '127.0.0.1', protocol === 'udp' ? udpPort : 9, `fz${o.seed}-${n++}`));
      const { kind, bytes } = mutate(rand, aimed, protocol === 'udp' ? 65_000 : 200_000);
      count(fuzzByKind, kind);
      count(fuzzByTransport, protocol);
      if (protocol === 'udp') udp.send(bytes, port('udp'), '127.0.0.1');
      else batch[protocol].push(bytes);
      if (rand() < 0.05) flush('tcp');
      if (rand() < 0.05) flush('tls');
    });
    flush('tcp');
    flush('tls');
    await sleep(600);
    for (const s of streams) s.destroy();
    udp.close();
    return sent;
  });

  await phase('options-flood', async (responses) => {
    const udp = await udpAttacker('127.0.0.1', () => responses);
    const via = (k: number): string => viaOf('udp', '127.0.0.1', udp.address().port, `op${o.seed}-${k}`);
    const sent = await paced(o.optionsRate, o.phaseMs, (k) => {
      udp.send(request('OPTIONS', target, via(k), `op-${o.seed}-${k}`, `sip:flood@127.0.0.1:${udp.address().port}`), port('udp'), '127.0.0.1');
    });
    await settle(() => answeredCount(responses) >= sent);
    udp.close();
    return sent;
  });

  const refusedBefore = ua.stats.refused.allowList;
  await phase('outsiders', async (responses) => {
    const udp = await udpAttacker('127.0.0.9', () => responses);
    const outsiderPort = udp.address().port;
    let tcp: Socket | null = null;
    const sent = await paced(o.outsiderRate, o.phaseMs, (k) => {
      const method = k % 2 === 0 ? 'INVITE' : 'OPTIONS';
      if (k % 10 === 9) {
        // One in ten over TCP, on one connection from the outsider.
        if (tcp === null) {
          tcp = tcpConnect({ host: '127.0.0.1', port: port('tcp'), localAddress: '127.0.0.9' });
          tcp.on('error', () => undefined);
          tcp.on('data', (d: Buffer) => responseStatuses(d.toString('latin1')).forEach((s) => count(responses, s)));
        }
        tcp.write(request(method, target, viaOf('tcp', '127.0.0.9', 9, `out${o.seed}-${k}`), `out-${o.seed}-${k}`, 'sip:out@127.0.0.9:9'));
        return;
      }
      udp.send(request(method, target, viaOf('udp', '127.0.0.9', outsiderPort, `out${o.seed}-${k}`), `out-${o.seed}-${k}`, `sip:out@127.0.0.9:${outsiderPort}`), port('udp'), '127.0.0.1');
    });
    await settle(() => answeredCount(responses) >= sent && ua.stats.refused.allowList - refusedBefore >= sent);
    (tcp as Socket | null)?.destroy();
    udp.close();
    return sent;
  });
  const outsidersRefused = ua.stats.refused.allowList - refusedBefore;
  log(`outsiders: the endpoint counted ${outsidersRefused} refusals by its allow-list`);

  const inviteFinals: Record<string, number> = {};
  const finalOf = new Map<string, number>();
  let lastInviteAt = 0;
  let flood: UdpSocket | null = null;
  await phase('invite-flood', async (responses) => {
    const udp = await udpAttacker('127.0.0.1', () => responses, (text) => {
      const status = /^SIP\/2\.0 (\d{3}) /.exec(text)?.[1];
      const callId = /^(?:Call-ID|i)[ \t]*:[ \t]*(\S+)/im.exec(text)?.[1];
      if (status !== undefined && Number(status) >= 200 && callId !== undefined && finalOf.get(callId) === 0) finalOf.set(callId, Number(status));
    });
    flood = udp;
    const via = (k: number): string => viaOf('udp', '127.0.0.1', udp.address().port, `iv${o.seed}-${k}`);
    const sent = await paced(o.inviteRate, o.phaseMs, (k) => {
      const callId = `iv-${o.seed}-${k}`;
      finalOf.set(callId, 0);
      udp.send(request('INVITE', target, via(k), callId, `sip:flood@127.0.0.1:${udp.address().port}`), port('udp'), '127.0.0.1');
    });
    lastInviteAt = performance.now();
    return sent;
  });

  // Release: Timer H (64·T1) ends each unacknowledged call and transaction; the heap follows.
  let releaseMs: number | null = null;
  await phase('release', async () => {
    const until = lastInviteAt + o.releaseTimeoutMs;
    while (performance.now() < until) {
      const s = ua.stats;
      if (s.callsActive <= legitCalls && s.transactions <= baseline.transactions + legitCalls) {
        releaseMs = Math.round(performance.now() - lastInviteAt);
        break;
      }
      await sleep(50);
    }
    return 0;
  });
  // Counted once the release is over: the finals of the last INVITEs have come by then.
  for (const status of finalOf.values()) count(inviteFinals, status === 0 ? 'none' : status);
  finalOf.clear(); // the run's own bookkeeping (one entry per INVITE) must not weigh in the heap figure
  const floodSocket = flood as UdpSocket | null;
  const attackerDrops = floodSocket === null ? 0 : kernelDrops(floodSocket.address().port);
  log(`invite-flood: finals ${JSON.stringify(inviteFinals)}; the attacker's own socket lost ${attackerDrops} responses in the kernel`);
  floodSocket?.close();
  await sleep(200);
  const afterHeap = heapAfterGc();
  const s = ua.stats;
  const afterRelease = { transactions: s.transactions, calls: s.callsActive, portsInUse: s.portsInUse, connections: s.connections };
  for (const c of live) if (!c.callId.endsWith('@trunkline-load')) log(`still up after the release: ${c.callId} over ${c.transport}, ${c.state}, from ${c.remote}`);

  // Alive: one OPTIONS answered 200.
  const probe: Record<string, number> = {};
  const udp = await udpAttacker('127.0.0.1', () => probe);
  udp.send(request('OPTIONS', target, viaOf('udp', '127.0.0.1', udp.address().port, `alive${o.seed}`), `alive-${o.seed}`, 'sip:probe@127.0.0.1'), port('udp'), '127.0.0.1');
  await settle(() => probe['200'] !== undefined);
  udp.close();

  stopLegit.abort();
  const [udpResult, tlsResult] = await Promise.all([udpLegit, tlsLegit]);
  const final = ua.stats;
  await endpoint.close();
  await rm(stateDir, { recursive: true, force: true });
  const { log: _log, ...options } = o;
  return {
    seed: o.seed,
    options,
    phases,
    fuzzByKind,
    fuzzByTransport,
    fuzzConnections,
    inviteFinals,
    attackerDrops,
    refused: { ...final.refused, allowListDuringOutsiders: outsidersRefused },
    failedCalls: { ...final.failed } as Record<string, number>,
    endReasons,
    heap: { baseline: baseline.heap, afterRelease: afterHeap, peak: peakHeap },
    releaseMs,
    afterRelease,
    endpointErrors,
    legit: { udp: udpResult, tls: tlsResult },
    aliveAtEnd: probe['200'] !== undefined,
  };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** A Markdown summary of a run (docs/hostile.md is one of these). */
export function renderHostileMarkdown(r: HostileRunResult): string {
  const mb = (b: number): string => (b / 1048576).toFixed(1);
  const legit = [r.legit.udp, r.legit.tls].filter((x): x is LoadResult => x !== null);
  const lines = [
    `Seed ${r.seed}; legitimate calls: ${r.options.udpCalls} over UDP and ${r.options.tlsCalls} over TLS (SRTP, PCMU, echoed packet by packet); ` +
      `each attack phase ${r.options.phaseMs / 1000} s; endpoint --max-calls ${r.options.udpCalls + r.options.tlsCalls + r.options.spareCalls}, maxTransactions ${r.options.maxTransactions}, T1 ${r.options.t1Ms} ms.`,
    '',
    '| phase | sent | responses by status | echo loss mean / worst interval | peak calls | peak transactions | peak connections | kernel drops (UDP) |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
    ...r.phases.map(
      (p) =>
        `| ${p.name} | ${p.sent} | ${Object.entries(p.responses).map(([k, v]) => `${k}: ${v}`).join(', ') || '—'} | ${p.echoLossMeanPercent}% / ${p.echoLossMaxPercent}% | ${p.peakCalls} | ${p.peakTransactions} | ${p.peakConnections} | ${p.kernelDrops} |`,
    ),
    '',
    `- Fuzz by kind: ${JSON.stringify(r.fuzzByKind)}; by transport: ${JSON.stringify(r.fuzzByTransport)}; connections ${JSON.stringify(r.fuzzConnections)}.`,
    `- INVITE flood, first final status per INVITE: ${JSON.stringify(r.inviteFinals)} (responses the attacker's own socket lost in the kernel: ${r.attackerDrops}).`,
    `- Endpoint refusals (ua.stats.refused): ${JSON.stringify(r.refused)}; calls failed by code: ${JSON.stringify(r.failedCalls)}.`,
    `- Endpoint call lines by end reason: ${JSON.stringify(r.endReasons)}.`,
    `- Heap after GC: ${mb(r.heap.baseline)} MB with the legitimate calls up, ${mb(r.heap.afterRelease)} MB after the release (peak without GC ${mb(r.heap.peak)} MB).`,
    `- Release (last flood INVITE → calls and transactions back to the legitimate ones): ${r.releaseMs === null ? 'not within the timeout' : `${r.releaseMs} ms`} (Timer H = 64·T1 = ${64 * r.options.t1Ms} ms); then ${JSON.stringify(r.afterRelease)}.`,
    `- Endpoint errors reported: ${r.endpointErrors.length}; alive at the end (OPTIONS → 200): ${r.aliveAtEnd}.`,
    ...legit.map(
      (l) =>
        `- Legitimate ${l.transport.toUpperCase()}: ${l.calls.established}/${l.calls.started} established, ${l.calls.completed} completed, ${l.calls.failed} failed ${JSON.stringify(l.calls.failures)}; ` +
        `${l.media.packetsEchoed}/${l.media.packetsSent} packets echoed (${l.media.echoedPercent}%), turnaround p50 ${l.media.turnaroundMs.p50} ms p99 ${l.media.turnaroundMs.p99} ms.`,
    ),
  ];
  return lines.join('\n') + '\n';
}

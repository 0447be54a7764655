/**
 * Interop: SIPp 3.6.1 (Debian `sip-tester`) drives the Trunkline echo
 * endpoint with the scenarios in ../../sipp: a basic call (UDP and TCP), a
 * call carrying a hex User-to-User header (RFC 7433), CANCEL while the
 * endpoint rings (RFC 3261 §9), an offer with no common codec (488, RFC 3261
 * §13.3.1.1), OPTIONS (RFC 3261 §11) and a PCMU chirp played from a pcap
 * whose echo is read back from the endpoint's `--record` WAV.
 * Every SIPp run is bounded (`-m 1 -timeout 20 -timeout_error` and a kill timer).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { freePort, requirePeer } from '@trunkline/test-support';
import { correlatePieces, crossCorrelate, readWav } from '@trunkline/codecs';
import { describeUui, parseEchoArgs, startEchoEndpoint, type EchoCallSummary, type EchoEndpoint } from '../../src/index.js';
import { writeChirpFiles } from '../../sipp/make-chirp-pcap.js';

const SIPP_DIR = fileURLToPath(new URL('../../sipp/', import.meta.url));
requirePeer('sipp');

interface SippRun {
  /** The Call-ID SIPp used (`-cid_str`), to find the endpoint's line for the call. */
  readonly callId: string;
  readonly code: number;
  readonly output: string;
  readonly ms: number;
}

/** Runs one SIPp UAC scenario of ../../sipp against `target`, bounded by `-m 1`, `-timeout` and a kill timer. */
async function sipp(scenario: string, target: string, cwd: string, transport: 'udp' | 'tcp' = 'udp'): Promise<SippRun> {
  const [port, mediaPort] = [await freePort(), await freePort()];
  const args = ['-sf', join(SIPP_DIR, scenario), '-s', 'echo', '-i', '127.0.0.1', '-p', String(port), '-mp', String(mediaPort), '-t', transport === 'udp' ? 'u1' : 't1'];
  // `-m 1`: call number 1, so `%u` is 1.
  const callId = `sipp-${scenario}-${transport}-${port}-1`;
  const started = performance.now();
  return new Promise((resolve) => {
    execFile('sipp', [...args, '-cid_str', `sipp-${scenario}-${transport}-${port}-%u`, '-m', '1', '-timeout', '20', '-timeout_error', '-nostdin', target], { cwd, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ callId, code, output: `${stdout}\n${stderr}`, ms: performance.now() - started });
    });
  });
}

/**
 * The two channels of the endpoint's `--record` WAV (8 kHz, 16-bit, stereo: left = the caller,
 * right = what the endpoint sent). `readWav` of @trunkline/codecs reads mono only.
 */
function readStereoWav(bytes: Buffer): [Int16Array, Int16Array] {
  if (bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let channels = 0;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      channels = bytes.readUInt16LE(at + 10);
      if (bytes.readUInt32LE(at + 12) !== 8000 || bytes.readUInt16LE(at + 22) !== 16) throw new Error('expected 8 kHz 16-bit PCM');
    } else if (id === 'data') {
      if (channels !== 2) throw new Error(`expected stereo, got ${channels} channel(s)`);
      const frames = Math.floor(Math.min(size, bytes.length - at - 8) / 4);
      const left = new Int16Array(frames);
      const right = new Int16Array(frames);
      for (let i = 0; i < frames; i++) {
        left[i] = bytes.readInt16LE(at + 8 + 4 * i);
        right[i] = bytes.readInt16LE(at + 10 + 4 * i);
      }
      return [left, right];
    }
    at += 8 + size + (size & 1);
  }
  throw new Error('no data chunk');
}

const CHIRP_HEX = '04434153452D3230343831';

describe('SIPp drives the echo endpoint', () => {
  let work: string;
  let recordDir: string;
  let chirpWav: string;
  let endpoint: EchoEndpoint;
  let ringing: EchoEndpoint;
  const summaries: EchoCallSummary[] = [];

  const portOf = (e: EchoEndpoint, protocol: 'udp' | 'tcp'): number => e.ua.addresses.find((a) => a.protocol === protocol)!.port;
  const summaryOf = async (expect: typeof import('vitest').expect, run: SippRun): Promise<EchoCallSummary> => {
    // The endpoint reports a call once it has ended.
    await expect.poll(() => summaries.find((s) => s.callId === run.callId), { timeout: 5000 }).toBeDefined();
    return summaries.find((s) => s.callId === run.callId)!;
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'trunkline-sipp-echo-'));
    recordDir = join(work, 'record');
    // SIPp looks for the scenario's pcap in its working directory.
    chirpWav = writeChirpFiles(work).wav;
    const start = async (extra: string[]): Promise<EchoEndpoint> => {
      const options = parseEchoArgs(['--port', '0', '--bind', '127.0.0.1', '--transports', 'udp,tcp', '--state-dir', work, ...extra]);
      if (options === 'help') throw new Error('unexpected help');
      return startEchoEndpoint(options, { onCall: (s) => summaries.push(s) });
    };
    endpoint = await start(['--record', recordDir]);
    ringing = await start(['--ring-ms', '5000']);
  });

  afterAll(async () => {
    await endpoint?.close();
    await ringing?.close();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it.concurrent.for(['udp', 'tcp'] as const)('basic-call.xml over %s: 200, ACK, BYE answered 200', async (transport, { expect }) => {
    const run = await sipp('basic-call.xml', `127.0.0.1:${portOf(endpoint, transport)}`, work, transport);
    expect(run.code, run.output.slice(-3000)).toBe(0);
    const s = await summaryOf(expect, run);
    console.info(`sipp basic ${transport}: endpoint setup ${s.setupMs} ms, duration ${s.durationMs} ms, end ${s.endReason}`);
    expect(s.transport).toBe(transport);
    expect(s.codec).toBe('PCMU');
    expect(s.setupMs).not.toBeNull();
  });

  it.concurrent('uui-call.xml: the endpoint reports the User-to-User data as hex and text', async ({ expect }) => {
    const run = await sipp('uui-call.xml', `127.0.0.1:${portOf(endpoint, 'udp')}`, work);
    expect(run.code, run.output.slice(-3000)).toBe(0);
    const s = await summaryOf(expect, run);
    expect(s.uui).not.toBeNull();
    const uui = describeUui(s.uui!);
    console.info(`sipp uui: hex ${uui.hex}, text ${uui.text}`);
    expect(uui).toEqual({ hex: CHIRP_HEX, text: 'CASE-20481' });
  });

  it.concurrent('cancel-ringing.xml against --ring-ms 5000: 180, CANCEL 200, INVITE 487, well before the ring ends', async ({ expect }) => {
    const run = await sipp('cancel-ringing.xml', `127.0.0.1:${portOf(ringing, 'udp')}`, work);
    expect(run.code, run.output.slice(-3000)).toBe(0);
    expect(run.ms).toBeLessThan(5000);
    const s = await summaryOf(expect, run);
    console.info(`sipp cancel: ${run.ms.toFixed(0)} ms, end ${s.endReason}`);
    expect(s.setupMs).toBeNull();
    expect(s.endReason).toMatch(/cancel/i);
  });

  it.concurrent('no-common-codec.xml: an offer of G.729 and GSM only gets 488', async ({ expect }) => {
    const refusedBefore = endpoint.ua.stats.refused.notAcceptable;
    const run = await sipp('no-common-codec.xml', `127.0.0.1:${portOf(endpoint, 'udp')}`, work);
    expect(run.code, run.output.slice(-3000)).toBe(0);
    // The user agent refuses the offer before a Call exists (RFC 3264 §6): it shows in its counters.
    expect(endpoint.ua.stats.refused.notAcceptable).toBe(refusedBefore + 1);
  });

  // One line per call, answered or not: a call refused for its offer (before a Call exists) gets its line too.
  it.concurrent('no-common-codec.xml: the endpoint reports the refused call (end reason "refused 488")', async ({ expect }) => {
    const run = await sipp('no-common-codec.xml', `127.0.0.1:${portOf(endpoint, 'udp')}`, work);
    expect(run.code, run.output.slice(-3000)).toBe(0);
    const s = await summaryOf(expect, run);
    expect(s.setupMs).toBeNull();
    expect(s.endReason).toMatch(/488/);
  });

  it.concurrent('options.xml: OPTIONS gets 200', async ({ expect }) => {
    const run = await sipp('options.xml', `127.0.0.1:${portOf(endpoint, 'udp')}`, work);
    expect(run.code, run.output.slice(-3000)).toBe(0);
  });

  it.concurrent('pcap-call.xml: the PCMU chirp comes back; the --record WAV holds it both ways', async ({ expect }) => {
    const run = await sipp('pcap-call.xml', `127.0.0.1:${portOf(endpoint, 'udp')}`, work);
    expect(run.code, run.output.slice(-3000)).toBe(0);
    const s = await summaryOf(expect, run);
    expect(s.packetsReceived).toBeGreaterThanOrEqual(245);
    expect(s.packetsSent).toBeGreaterThanOrEqual(245);
    const [left, right] = readStereoWav(readFileSync(join(recordDir, `${s.callId.replace(/[^A-Za-z0-9._-]/g, '_')}.wav`)));
    const chirp = readWav(new Uint8Array(readFileSync(chirpWav))).samples;
    // The caller's channel against the chirp SIPp played, piece by piece (SIPp's own pacing may slip under load).
    const heard = correlatePieces(chirp, left, { sampleRate: 8000 });
    // What the endpoint sent: the chirp, whole.
    const echoed = crossCorrelate(chirp, right, { sampleRate: 8000 });
    console.info(
      `sipp pcap: endpoint setup ${s.setupMs} ms, packets in/out ${s.packetsReceived}/${s.packetsSent}, ` +
        `received vs chirp ${heard.median.toFixed(4)} piece by piece, sent back vs chirp ${echoed.peak.toFixed(4)} at ${echoed.lagMs.toFixed(0)} ms`,
    );
    expect(heard.median).toBeGreaterThanOrEqual(0.9);
    expect(echoed.peak).toBeGreaterThanOrEqual(0.99);
  });

  // The --record WAV of a reflected call: both channels come from each arriving packet, so the echo (right)
  // follows the caller (left) by at most a frame, and the caller's channel is the chirp as received.
  it.concurrent('pcap-call.xml: in the --record WAV, the echo (right) follows the caller (left) by at most one frame', async ({ expect }) => {
    const run = await sipp('pcap-call.xml', `127.0.0.1:${portOf(endpoint, 'udp')}`, work);
    expect(run.code, run.output.slice(-3000)).toBe(0);
    const s = await summaryOf(expect, run);
    const [left, right] = readStereoWav(readFileSync(join(recordDir, `${s.callId.replace(/[^A-Za-z0-9._-]/g, '_')}.wav`)));
    const chirp = readWav(new Uint8Array(readFileSync(chirpWav))).samples;
    expect(crossCorrelate(chirp, left, { sampleRate: 8000 }).peak).toBeGreaterThanOrEqual(0.99);
    const echo = crossCorrelate(left, right, { sampleRate: 8000 });
    expect(echo.peak).toBeGreaterThanOrEqual(0.99);
    expect(echo.lagMs).toBeLessThanOrEqual(20);
  });
});

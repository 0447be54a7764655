/**
 * Interop: baresip 1.0 (Debian `baresip-core`, a real SIP UA) calls the
 * Trunkline echo endpoint over UDP, TCP and TLS, with SRTP mandatory (SDES,
 * RFC 4568; over UDP/TCP only because the endpoint runs with
 * `--allow-sdes-over-cleartext`) and without, PCMU (RFC 3551 §4.5.14).
 * baresip plays a chirp; its `sndfile` module dumps what it sent (before the
 * encoder) and what it received (after the decoder); the echo must correlate
 * with what was sent. BYE (RFC 3261 §15.1.1) must get 200, and the
 * endpoint's per-call summary must show the codec and SRTP suite.
 * Facts about baresip: ../../../../shared/interop-notes.md (work tree).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { correlatePieces, crossCorrelate, generateChirp, readWav, writeWav } from '@trunkline/codecs';
import { Baresip, requirePeer } from '@trunkline/test-support';
import { parseEchoArgs, startEchoEndpoint, type EchoCallSummary, type EchoEndpoint } from '../../src/index.js';

const RATE = 8000;
/** Silence before the chirp, so a lost first SRTP packet or two cannot touch it. */
const LEAD_MS = 300;
const CHIRP_MS = 1500;
/** baresip's `aufile` source ends the call when the file ends: the file outlasts the call. */
const FILE_MS = 4000;
/** How long the call stays up after "Call established": the chirp plus the echo's way back, with margin. */
const TALK_MS = LEAD_MS + CHIRP_MS + 700;

const BYE_200 = /SIP\/2\.0 200 OK\r?\n(?:[^\r\n]+\r?\n)*?CSeq: \d+ BYE/;

requirePeer('baresip');

describe('baresip calls the echo endpoint (PCMU, chirp echoed back)', () => {
  let work: string;
  let sourceWav: string;
  let endpoint: EchoEndpoint;
  const summaries: EchoCallSummary[] = [];
  const ports = { udp: 0, tcp: 0, tls: 0 };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'trunkline-baresip-echo-'));
    const audio = new Int16Array((FILE_MS * RATE) / 1000);
    audio.set(generateChirp({ sampleRate: RATE, durationMs: CHIRP_MS }), (LEAD_MS * RATE) / 1000);
    sourceWav = join(work, 'chirp.wav');
    writeFileSync(sourceWav, writeWav(audio, RATE));
    const options = parseEchoArgs(['--port', '0', '--bind', '127.0.0.1', '--state-dir', work, '--allow-sdes-over-cleartext']);
    if (options === 'help') throw new Error('unexpected help');
    endpoint = await startEchoEndpoint(options, { onCall: (s) => summaries.push(s) });
    for (const a of endpoint.ua.addresses) {
      if (a.protocol === 'udp' || a.protocol === 'tcp' || a.protocol === 'tls') ports[a.protocol] = a.port;
    }
  });

  afterAll(async () => {
    await endpoint?.close();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  const cases = [
    { transport: 'udp', srtp: false },
    { transport: 'udp', srtp: true },
    { transport: 'tcp', srtp: false },
    { transport: 'tcp', srtp: true },
    { transport: 'tls', srtp: false },
    { transport: 'tls', srtp: true },
  ] as const;

  // Each case is its own baresip process; they run side by side (vitest's maxConcurrency) to keep the file near 10 s.
  it.concurrent.for(cases)('over $transport, SRTP mandatory: $srtp — answered, echo correlates ≥ 0.9, BYE gets 200', async ({ transport, srtp }, { expect }) => {
    const recordDir = join(work, `rec-${transport}-${String(srtp)}`);
    mkdirSync(recordDir);
    const baresip = await Baresip.start({ user: 'caller', audioSource: sourceWav, recordDir, ...(srtp ? { mediaenc: 'srtp-mand' as const } : {}) });
    try {
      const uri = `sip:echo@127.0.0.1:${ports[transport]}${transport === 'udp' ? '' : `;transport=${transport}`}`;
      const dialledAt = performance.now();
      baresip.command(`/dial ${uri}`);
      await baresip.waitFor(/Call established/, 10_000);
      const setupMs = performance.now() - dialledAt;
      const callId = /Call-ID: (\S+)/.exec(baresip.output)?.[1];
      expect(callId).toBeDefined();
      if (srtp) expect(baresip.output).toMatch(/m=audio \d+ RTP\/SAVP 0/);
      await new Promise((resolve) => setTimeout(resolve, TALK_MS));
      const hangupAt = baresip.output.length;
      baresip.command('/hangup');
      await baresip.waitFor(BYE_200, 5000, hangupAt);

      // The endpoint's line for this call.
      await expect.poll(() => summaries.find((s) => s.callId === callId), { timeout: 5000 }).toBeDefined();
      const summary = summaries.find((s) => s.callId === callId)!;
      expect(summary.transport).toBe(transport);
      expect(summary.codec).toBe('PCMU');
      expect(summary.srtpSuite).toBe(srtp ? 'AES_CM_128_HMAC_SHA1_80' : null);
      expect(summary.setupMs).not.toBeNull();
      expect(summary.packetsReceived).toBeGreaterThan(50);
      expect(summary.packetsSent).toBeGreaterThan(50);

      // What baresip sent (before its encoder) against what it received (after its decoder).
      await baresip.stop();
      const dumps = readdirSync(recordDir);
      const sent = readWav(new Uint8Array(readFileSync(join(recordDir, dumps.find((f) => f.endsWith('-enc.wav'))!))), { allowTruncated: true }).samples;
      const received = readWav(new Uint8Array(readFileSync(join(recordDir, dumps.find((f) => f.endsWith('-dec.wav'))!))), { allowTruncated: true }).samples;
      const whole = crossCorrelate(sent, received, { sampleRate: RATE });
      const pieces = correlatePieces(sent, received, { sampleRate: RATE });
      console.info(
        `baresip→echo ${transport}${srtp ? '+SRTP' : ''}: setup ${setupMs.toFixed(0)} ms (endpoint ${summary.setupMs} ms), ` +
          `echo peak ${whole.peak.toFixed(4)} at ${whole.lagMs.toFixed(0)} ms, pieces median ${pieces.median.toFixed(4)} (${pieces.pieces}), ` +
          `packets in/out ${summary.packetsReceived}/${summary.packetsSent}, end ${summary.endReason}`,
      );
      // Judged piece by piece (each 250 ms piece at its own lag), as the test caller does: under load baresip's
      // own jitter buffer may slip a frame in what it decodes, which lowers the whole-signal peak but not the echo.
      expect(pieces.median).toBeGreaterThanOrEqual(0.9);
    } finally {
      await baresip.stop();
    }
  });
});

/**
 * Interop: the trunk test caller (`trunkline call`) dials a baresip 1.0 UAS
 * (Debian `baresip-core`). Against baresip's own `echo` module, over UDP and
 * over TLS with SRTP mandatory (RTP/SAVP + SDES, RFC 4568), the verdict is
 * PASS. Against a baresip with `mediaenc=srtp-mand` offered plain RTP it is a
 * FAIL naming the cause (488, RFC 3261 §21.4.26), and against a baresip that
 * answers but plays unrelated audio it is a FAIL "no echo" — each within its
 * time bound, never a hang.
 * Facts about baresip: ../../../../shared/interop-notes.md (work tree).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWav } from '@trunkline/codecs';
import { Baresip, requirePeer, seededRandom, type BaresipOptions } from '@trunkline/test-support';
import { createSelfSignedCertificate, parseCallArgs, runTestCall, type CallVerdict } from '../../src/index.js';

requirePeer('baresip');

/** Runs the caller as `trunkline call ARGV` would, loopback only, bounded by `--timeout`. */
async function call(argv: readonly string[]): Promise<CallVerdict> {
  const options = parseCallArgs([...argv, '--duration', '2', '--timeout', '10', '--bind', '127.0.0.1']);
  if (options === 'help') throw new Error('unexpected help');
  return runTestCall(options);
}

describe('the test caller calls a baresip UAS', () => {
  let work: string;
  let pemFile: string;
  let caFile: string;
  let noiseWav: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'trunkline-caller-baresip-'));
    // baresip's TLS listener (SIP port + 1) takes certificate and key in one PEM file; the caller trusts the certificate.
    const { cert, key } = await createSelfSignedCertificate({ hosts: ['127.0.0.1'] });
    pemFile = join(work, 'baresip.pem');
    caFile = join(work, 'ca.pem');
    writeFileSync(pemFile, cert + key);
    writeFileSync(caFile, cert);
    // Audio unrelated to the caller's chirp: seeded white noise, longer than the call (the `aufile` source ends the call when the file ends).
    const random = seededRandom(13);
    const noise = Int16Array.from({ length: 8000 * 8 }, () => Math.round((random() - 0.5) * 8000));
    noiseWav = join(work, 'noise.wav');
    writeFileSync(noiseWav, writeWav(noise, 8000));
  });

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  /**
   * baresip's echo module loops its decoder into its encoder through aubridge buffers; on a loaded box the
   * buffers filled and the round trip grew past 1.1 s here, beyond what the caller listens for (1.5 s). So
   * the cases run one at a time, and capping the audio buffer (ms) and the jitter buffer (frames) keeps the
   * echo's delay near 100-250 ms under load (20-60 ms / 1-4 frames was too tight: underruns broke the echo).
   */
  const BOUNDED_ECHO_DELAY = ['audio_buffer 20-100', 'jitter_buffer_delay 2-6'];

  async function withBaresip<T>(options: BaresipOptions, run: (b: Baresip) => Promise<T>): Promise<T> {
    const b = await Baresip.start({ user: 'echo', ...options });
    try {
      return await run(b);
    } finally {
      await b.stop();
    }
  }

  it('UDP, plain RTP, baresip echo module: PASS', async () => {
    const v = await withBaresip({ echo: true, config: BOUNDED_ECHO_DELAY }, (b) => call([`sip:echo@127.0.0.1:${b.sipPort}`, '--srtp', 'off']));
    console.info(`caller→baresip echo udp: ${v.verdict}, setup ${v.setupMs} ms, correlation ${v.echo?.peak.toFixed(4)} whole, ${v.echo?.pieceMedian?.toFixed(4)} piece by piece, round trip ${v.echo?.lagMs.toFixed(0)} ms`);
    expect(v.reasons).toEqual([]);
    expect(v.verdict).toBe('PASS');
    expect(v.codec).toBe('PCMU');
    expect(v.srtpSuite).toBeNull();
    // baresip's echo module passes audio through its jitter buffer, which may slip a frame: judged piece by piece, as the caller does.
    expect(Math.max(v.echo!.peak, v.echo!.pieceMedian ?? 0)).toBeGreaterThanOrEqual(0.9);
    expect(v.byeStatus).toBe(200);
  });

  it('TLS + SRTP mandatory, baresip echo module with mediaenc=srtp-mand: PASS', async () => {
    const v = await withBaresip({ echo: true, config: BOUNDED_ECHO_DELAY, mediaenc: 'srtp-mand', tlsCertificateFile: pemFile }, (b) =>
      call([`sips:echo@127.0.0.1:${b.sipPort + 1}`, '--srtp', 'mandatory', '--ca', caFile]),
    );
    console.info(`caller→baresip echo tls+srtp: ${v.verdict}, setup ${v.setupMs} ms, suite ${v.srtpSuite}, correlation ${v.echo?.peak.toFixed(4)} whole, ${v.echo?.pieceMedian?.toFixed(4)} piece by piece, round trip ${v.echo?.lagMs.toFixed(0)} ms`);
    expect(v.reasons).toEqual([]);
    expect(v.verdict).toBe('PASS');
    expect(v.codec).toBe('PCMU');
    expect(v.srtpSuite).toBe('AES_CM_128_HMAC_SHA1_80');
    // baresip's echo module passes audio through its jitter buffer, which may slip a frame: judged piece by piece, as the caller does.
    expect(Math.max(v.echo!.peak, v.echo!.pieceMedian ?? 0)).toBeGreaterThanOrEqual(0.9);
    expect(v.byeStatus).toBe(200);
  });

  it('baresip with mediaenc=srtp-mand offered plain RTP: FAIL, 488, "may require SRTP (you offered plain RTP)"', async () => {
    const started = performance.now();
    const v = await withBaresip({ echo: true, mediaenc: 'srtp-mand' }, (b) => call([`sip:echo@127.0.0.1:${b.sipPort}`, '--srtp', 'off']));
    console.info(`caller→baresip srtp-mand, plain offer: ${v.verdict} in ${(performance.now() - started).toFixed(0)} ms: ${v.reasons.join(' | ')}`);
    expect(v.verdict).toBe('FAIL');
    expect(v.status).toBe(488);
    // baresip 1.0's 488 carries no Warning (RFC 3261 §20.43), so the caller cannot be sure it is SRTP; it names it as the likely cause.
    expect(v.reasons.join(' ')).toMatch(/488 Not Acceptable Here.*may require SRTP \(you offered plain RTP\)/);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('baresip that answers but plays noise instead of echoing: FAIL "no echo"', async () => {
    const v = await withBaresip({ audioSource: noiseWav }, (b) => call([`sip:echo@127.0.0.1:${b.sipPort}`, '--srtp', 'off']));
    console.info(`caller→baresip noise: ${v.verdict}, packets in ${v.packetsReceived}, correlation ${v.echo?.peak.toFixed(4)}: ${v.reasons.join(' | ')}`);
    expect(v.verdict).toBe('FAIL');
    expect(v.status).toBe(200);
    expect(v.packetsReceived).toBeGreaterThan(50);
    expect(v.reasons.join(' ')).toMatch(/no echo/);
  });
});

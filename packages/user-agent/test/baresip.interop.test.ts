import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crossCorrelate, generateChirp, readWav, writeWav } from '@trunkline/codecs';
import { Baresip, requirePeer } from '@trunkline/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallEndedEvent, UserAgent } from '../src/index.js';
import { loopbackCert } from './support/certs.js';
import { answerWithEcho, chirpRoundTrip, testAgent } from './support/ua.js';

const running: Array<Baresip | UserAgent> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((x) => (x instanceof Baresip ? x.stop() : x.close())));
});

function needBaresip(): void {
  requirePeer('baresip');
}

describe('interop with baresip 1.0 (Debian)', () => {
  it('UDP: the user agent calls a baresip echo; the chirp comes back; BYE 200', async () => {
    needBaresip();
    const peer = await Baresip.start({ echo: true });
    running.push(peer);
    const ua = await testAgent({ media: { srtp: 'off' } });
    running.push(ua);
    const call = await ua.invite(`sip:uas@127.0.0.1:${peer.sipPort}`);
    const echo = await chirpRoundTrip(call);
    console.log('user agent → baresip (UDP) metrics', JSON.stringify(call.metrics), JSON.stringify(echo));
    expect(echo.piecesOk).toBeGreaterThanOrEqual(0.8);
    await call.hangup();
    await peer.waitFor(/SIP\/2\.0 200 OK[\s\S]*CSeq: \d+ BYE/, 5000);
  });
});

/** A WAV of 2.5 s silence, a 1.5 s chirp, 3 s silence (baresip hangs up when its file ends). */
function chirpFile(dir: string): { path: string; chirp: Int16Array } {
  const chirp = generateChirp({ sampleRate: 8000, durationMs: 1500 });
  const audio = new Int16Array(8000 * 7);
  audio.set(chirp, 8000 * 2.5);
  const path = join(dir, 'in.wav');
  writeFileSync(path, writeWav(audio, 8000));
  return { path, chirp };
}

/** Share of 100 ms pieces of `chirp` found (peak ≥ 0.9) in the audio baresip decoded, as its sndfile module dumped it. */
function piecesInDump(dir: string, chirp: Int16Array): number {
  const dump = readdirSync(dir).find((f) => f.endsWith('-dec.wav'));
  expect(dump).toBeDefined();
  const received = readWav(readFileSync(join(dir, dump!))).samples;
  let ok = 0;
  let n = 0;
  for (let at = 0; at + 800 <= chirp.length; at += 800, n++) {
    if (crossCorrelate(chirp.subarray(at, at + 800), received, { sampleRate: 8000, maxLagMs: 7000 }).peak >= 0.9) ok++;
  }
  return ok / n;
}

describe('interop with baresip 1.0 (Debian), baresip calling', () => {
  for (const secure of [false, true]) {
    it(`${secure ? 'TLS + SRTP mandatory' : 'UDP'}: baresip dials the user agent; its chirp comes back through the app echo; BYE 200`, async () => {
      needBaresip();
      const dir = mkdtempSync(join(tmpdir(), 'bs-rec-'));
      try {
        const { path, chirp } = chirpFile(dir);
        const peer = await Baresip.start({ audioSource: path, recordDir: dir, user: 'caller', ...(secure ? { mediaenc: 'srtp-mand' as const } : {}) });
        running.push(peer);
        const { cert, key } = loopbackCert();
        const ua = await testAgent({
          transports: [{ protocol: 'udp', port: 0 }, { protocol: 'tls', port: 0, cert, key }],
          media: { srtp: secure ? 'mandatory' : 'off' },
        });
        running.push(ua);
        answerWithEcho(ua);
        const ended = new Promise<CallEndedEvent>((resolve) => ua.once('call', (c) => c.once('ended', resolve)));
        const target = secure ? `sip:echo@127.0.0.1:${ua.addresses[1]!.port};transport=tls` : `sip:echo@127.0.0.1:${ua.addresses[0]!.port}`;
        peer.command(`/dial ${target}`);
        const end = await ended; // baresip hangs up when its file ends
        expect(end).toMatchObject({ by: 'remote', reason: 'hangup' });
        expect(end.metrics.media).toMatchObject({ srtpSuite: secure ? 'AES_CM_128_HMAC_SHA1_80' : null, packetsLost: 0 });
        await peer.stop(); // flushes the WAV dumps
        expect(piecesInDump(dir, chirp)).toBeGreaterThanOrEqual(0.8);
        expect(peer.output).toMatch(/SIP\/2\.0 200 OK[\s\S]*CSeq: \d+ BYE/);
        console.log(`baresip → user agent (${secure ? 'TLS+SRTP' : 'UDP'}) metrics`, JSON.stringify(end.metrics));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('interop with baresip 1.0 (Debian), the user agent calling over TLS with SRTP mandatory', () => {
  it('the user agent calls a baresip echo (RTP/SAVP, SDES); the chirp comes back; BYE 200', async () => {
    needBaresip();
    const dir = mkdtempSync(join(tmpdir(), 'bs-tls-'));
    try {
      const { cert, key } = loopbackCert();
      writeFileSync(join(dir, 'cert.pem'), cert + key);
      const peer = await Baresip.start({ echo: true, mediaenc: 'srtp-mand', tlsCertificateFile: join(dir, 'cert.pem') });
      running.push(peer);
      const ua = await testAgent({ transports: [{ protocol: 'tls', port: 0, cert, key }], tlsClient: { ca: cert }, media: { srtp: 'mandatory' } });
      running.push(ua);
      const call = await ua.invite(`sip:uas@127.0.0.1:${peer.sipPort + 1};transport=tls`);
      const echo = await chirpRoundTrip(call);
      expect(echo.piecesOk).toBeGreaterThanOrEqual(0.8);
      expect(call.metrics.media?.srtpSuite).toBe('AES_CM_128_HMAC_SHA1_80');
      await call.hangup();
      await peer.waitFor(/SIP\/2\.0 200 OK[\s\S]*CSeq: \d+ BYE/, 5000);
      console.log('user agent → baresip (TLS+SRTP) metrics', JSON.stringify(call.metrics), JSON.stringify(echo));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

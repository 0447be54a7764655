import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, requirePeer } from '@trunkline/test-support';
import { crossCorrelate, decodePcmu, generateChirp, readWav } from '@trunkline/codecs';
import { rtpPcmuPcap, writeChirpFiles } from '../sipp/make-chirp-pcap.js';

const SIPP_DIR = fileURLToPath(new URL('../sipp/', import.meta.url));
requirePeer('sipp');

const work = mkdtempSync(join(tmpdir(), 'trunkline-sipp-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Run SIPp bounded by -m 1, -timeout and a kill timer; resolve with its exit code and output. */
function sipp(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('sipp', [...args, '-m', '1', '-timeout', '20', '-timeout_error', '-nostdin'], { cwd, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, output: `${stdout}\n${stderr}` });
    });
  });
}

/** UAC scenario against a UAS (SIPp's built-in `uas`, or one of sipp/test-uas/), both on ephemeral loopback ports. */
async function run(uac: string, uas: string, extraUas: string[] = []): Promise<void> {
  const [uasPort, uacPort, uasMedia, uacMedia] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const uasArgs = uas === 'uas' ? ['-sn', 'uas'] : ['-sf', join(SIPP_DIR, 'test-uas', uas)];
  const server = sipp([...uasArgs, ...extraUas, '-i', '127.0.0.1', '-p', String(uasPort), '-mp', String(uasMedia)], work);
  // No wait for the UAS to bind: the UAC's INVITE/OPTIONS is retransmitted every 500 ms until answered.
  const client = await sipp(['-sf', join(SIPP_DIR, uac), '-s', 'echo', '-i', '127.0.0.1', '-p', String(uacPort), '-mp', String(uacMedia), `127.0.0.1:${uasPort}`], work);
  const served = await server;
  expect(client.code, `UAC ${uac}:\n${client.output.slice(-3000)}`).toBe(0);
  expect(served.code, `UAS ${uas}:\n${served.output.slice(-3000)}`).toBe(0);
}

describe('chirp pcap for SIPp play_pcap_audio', () => {
  it('libpcap of Ethernet/IPv4/UDP/RTP: 250 PCMU packets 20 ms apart carrying the chirp of chirp.wav', () => {
    const { wav, pcap } = writeChirpFiles(work);
    const chirp = readWav(new Uint8Array(readFileSync(wav))).samples;
    expect(chirp).toEqual(generateChirp({ sampleRate: 8000, durationMs: 5000 }));
    const bytes = new Uint8Array(readFileSync(pcap));
    expect(bytes).toEqual(rtpPcmuPcap(chirp));
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(view.getUint32(0, true)).toBe(0xa1b2c3d4);
    expect(view.getUint32(20, true)).toBe(1); // LINKTYPE_ETHERNET
    const payloads: Uint8Array[] = [];
    for (let at = 24, n = 0; at < bytes.length; n++) {
      const length = view.getUint32(at + 8, true);
      expect(view.getUint32(at, true) * 1e6 + view.getUint32(at + 4, true)).toBe(n * 20_000);
      const rtp = at + 16 + 14 + 20 + 8;
      expect(bytes[rtp]).toBe(0x80);
      expect(bytes[rtp + 1]! & 0x7f).toBe(0); // PCMU
      expect(view.getUint16(rtp + 2)).toBe(n);
      expect(view.getUint32(rtp + 4)).toBe(n * 160);
      payloads.push(bytes.subarray(rtp + 12, at + 16 + length));
      at += 16 + length;
    }
    expect(payloads).toHaveLength(250);
    const audio = decodePcmu(Uint8Array.from(payloads.flatMap((p) => [...p])));
    expect(crossCorrelate(chirp, audio, { sampleRate: 8000 }).peak).toBeGreaterThan(0.999);
  });
});

describe('SIPp 3.6 scenarios for the echo endpoint, checked against SIPp stand-ins', () => {
  it('basic-call.xml against SIPp built-in uas', () => run('basic-call.xml', 'uas'));
  it('uui-call.xml against a UAS that requires the User-to-User header', () => run('uui-call.xml', 'uui-uas.xml'));
  it('cancel-ringing.xml against a UAS that rings until CANCEL (200, 487, ACK)', () => run('cancel-ringing.xml', 'ringing-uas.xml'));
  it('no-common-codec.xml against a UAS that answers 488', () => run('no-common-codec.xml', 'reject-488-uas.xml'));
  it('options.xml against a UAS that answers OPTIONS', () => run('options.xml', 'options-uas.xml'));

  it('pcap-call.xml plays the chirp as RTP to the port in the answer; what arrives correlates with chirp.wav', async () => {
    writeChirpFiles(work);
    const sink: Socket = createSocket('udp4');
    await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
    const packets: Buffer[] = [];
    sink.on('message', (packet) => packets.push(packet));
    try {
      await run('pcap-call.xml', 'answer-to-sink-uas.xml', ['-key', 'rtp_sink_port', String(sink.address().port)]);
    } finally {
      sink.close();
    }
    expect(packets.length).toBe(250);
    packets.sort((a, b) => a.readUInt16BE(2) - b.readUInt16BE(2));
    const received = decodePcmu(Uint8Array.from(packets.flatMap((p) => [...p.subarray(12)])));
    const sent = readWav(new Uint8Array(readFileSync(join(work, 'chirp.wav')))).samples;
    const c = crossCorrelate(sent, received, { sampleRate: 8000 });
    expect(c.lagSamples).toBe(0);
    expect(c.peak).toBeGreaterThan(0.999);
  });
});

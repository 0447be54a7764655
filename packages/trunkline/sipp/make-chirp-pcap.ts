/**
 * Make the audio SIPp's `play_pcap_audio` sends in pcap-call.xml: a 5 s
 * 300-3400 Hz chirp written as a WAV file, then read back, encoded as PCMU
 * (RFC 3551 §4.5.14, payload type 0) in 20 ms RTP packets (RFC 3550 §5.1) and
 * stored as a libpcap capture of Ethernet/IPv4/UDP frames (SIPp 3.6 reads
 * DLT_EN10MB captures and replaces the addresses and ports with its own).
 *
 * Usage: node --import tsx packages/trunkline/sipp/make-chirp-pcap.ts OUTDIR
 * writes OUTDIR/chirp.wav and OUTDIR/chirp-pcmu.pcap.
 *
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodePcmu, generateChirp, readWav, writeWav } from '@trunkline/codecs';

/** Samples per 20 ms PCMU packet. */
const FRAME = 160;

/** Options of {@link rtpPcmuPcap}. */
export interface RtpPcapOptions {
  /** RTP SSRC (default 0x7472756e, "trun"). */
  readonly ssrc?: number;
  /** Capture time of the first packet, µs since the epoch (default 0). */
  readonly startMicros?: number;
}

/** Internet checksum (RFC 1071) of `bytes`, starting from `sum`. */
function onesComplement(bytes: Uint8Array, sum = 0): number {
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length % 2 === 1) sum += bytes[bytes.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/**
 * A libpcap file of one RTP packet per 160 PCMU samples, 20 ms apart, from
 * 10.0.0.1:6000 to 10.0.0.2:6000 (SIPp rewrites both).
 *
 * @param pcm - 8 kHz 16-bit PCM; a partial last frame is padded with silence
 * @param options - see {@link RtpPcapOptions}
 */
export function rtpPcmuPcap(pcm: Int16Array, options: RtpPcapOptions = {}): Uint8Array {
  const { ssrc = 0x7472756e, startMicros = 0 } = options;
  const frames = Math.ceil(pcm.length / FRAME);
  const padded = new Int16Array(frames * FRAME);
  padded.set(pcm);
  const payload = encodePcmu(padded);
  const rtpLength = 12 + FRAME;
  const udpLength = 8 + rtpLength;
  const ipLength = 20 + udpLength;
  const frameLength = 14 + ipLength;
  const out = new Uint8Array(24 + frames * (16 + frameLength));
  const view = new DataView(out.buffer);
  // Global header: magic, version 2.4, GMT offset, accuracy, snaplen, LINKTYPE_ETHERNET.
  view.setUint32(0, 0xa1b2c3d4, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, 65535, true);
  view.setUint32(20, 1, true);
  const src = [10, 0, 0, 1];
  const dst = [10, 0, 0, 2];
  for (let n = 0, at = 24; n < frames; n++, at += 16 + frameLength) {
    const micros = startMicros + n * 20_000;
    view.setUint32(at, Math.floor(micros / 1e6), true);
    view.setUint32(at + 4, micros % 1e6, true);
    view.setUint32(at + 8, frameLength, true);
    view.setUint32(at + 12, frameLength, true);
    const eth = at + 16;
    out.set([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1], eth); // locally administered MACs
    view.setUint16(eth + 12, 0x0800);
    const ip = eth + 14;
    out.set([0x45, 0], ip);
    view.setUint16(ip + 2, ipLength);
    view.setUint16(ip + 4, n & 0xffff);
    view.setUint16(ip + 6, 0x4000); // DF
    out.set([64, 17], ip + 8); // TTL, UDP
    out.set(src, ip + 12);
    out.set(dst, ip + 16);
    view.setUint16(ip + 10, ~onesComplement(out.subarray(ip, ip + 20)) & 0xffff);
    const udp = ip + 20;
    view.setUint16(udp, 6000);
    view.setUint16(udp + 2, 6000);
    view.setUint16(udp + 4, udpLength);
    const rtp = udp + 8;
    out[rtp] = 0x80; // V=2
    out[rtp + 1] = n === 0 ? 0x80 : 0x00; // marker on the first packet of the talkspurt, PT 0 (PCMU)
    view.setUint16(rtp + 2, n & 0xffff);
    view.setUint32(rtp + 4, (n * FRAME) >>> 0);
    view.setUint32(rtp + 8, ssrc >>> 0);
    out.set(payload.subarray(n * FRAME, (n + 1) * FRAME), rtp + 12);
    // UDP checksum over the pseudo-header (RFC 768).
    const pseudo = onesComplement(Uint8Array.from([...src, ...dst, 0, 17, udpLength >> 8, udpLength & 0xff]));
    const sum = ~onesComplement(out.subarray(udp, udp + udpLength), pseudo) & 0xffff;
    view.setUint16(udp + 6, sum === 0 ? 0xffff : sum);
  }
  return out;
}

/**
 * Write `chirp.wav` (the chirp as sent, 8 kHz) and `chirp-pcmu.pcap` (the same
 * audio read back from the WAV, as RTP) into `dir`.
 *
 * @param dir - output directory (created if missing)
 * @param durationMs - chirp length (default 5000)
 * @returns the two paths
 */
export function writeChirpFiles(dir: string, durationMs = 5000): { wav: string; pcap: string } {
  mkdirSync(dir, { recursive: true });
  const wav = join(dir, 'chirp.wav');
  const pcap = join(dir, 'chirp-pcmu.pcap');
  writeFileSync(wav, writeWav(generateChirp({ sampleRate: 8000, durationMs, f0: 300, f1: 3400, amplitude: 8000 }), 8000));
  const { samples } = readWav(new Uint8Array(readFileSync(wav)));
  writeFileSync(pcap, rtpPcmuPcap(samples));
  return { wav, pcap };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = process.argv[2];
  if (dir === undefined) {
    process.stderr.write('usage: make-chirp-pcap.ts OUTDIR\n');
    process.exitCode = 2;
  } else {
    const { wav, pcap } = writeChirpFiles(dir);
    process.stdout.write(`${wav}\n${pcap}\n`);
  }
}

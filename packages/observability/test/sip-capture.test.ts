/**
 * SIP capture: a real call's SIP written as pcap and read back by tshark
 * (Debian `tshark`), and HEP v3 datagrams checked chunk by chunk against the
 * HEP3 layout as a collector on loopback receives them.
 */
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createUserAgent } from '@trunkline/user-agent';
import { encodeHep3, HEP3_CHUNK, HepExporter, ipAddressBytes, PcapWriter, SipCapture, type SipPacket } from '../src/index.js';

const haveTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

/** The chunks of a HEP v3 datagram by type, checking the framing on the way. */
function hepChunks(d: Uint8Array): Map<number, Uint8Array> {
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  expect(Buffer.from(d.subarray(0, 4)).toString('latin1')).toBe('HEP3');
  expect(v.getUint16(4)).toBe(d.length);
  const out = new Map<number, Uint8Array>();
  for (let at = 6; at < d.length; ) {
    expect(v.getUint16(at)).toBe(0); // generic vendor
    const type = v.getUint16(at + 2);
    const len = v.getUint16(at + 4);
    expect(len).toBeGreaterThanOrEqual(6);
    out.set(type, d.subarray(at + 6, at + len));
    at += len;
  }
  return out;
}

const invite: SipPacket = {
  timestamp: 1_700_000_000_123.456,
  protocol: 'udp',
  srcAddress: '192.0.2.10',
  srcPort: 5062,
  dstAddress: '198.51.100.7',
  dstPort: 5060,
  payload: new TextEncoder().encode('OPTIONS sip:x@198.51.100.7 SIP/2.0\r\nContent-Length: 0\r\n\r\n'),
};

describe('HEP v3', () => {
  it('HEP3 layout: magic, total length, generic chunks 1-12 and 15 with their values', () => {
    const c = hepChunks(encodeHep3(invite, { captureId: 2001 }));
    expect(c.get(HEP3_CHUNK.ipFamily)).toEqual(Uint8Array.of(2));
    expect(c.get(HEP3_CHUNK.ipProtocol)).toEqual(Uint8Array.of(17));
    expect(c.get(HEP3_CHUNK.ipv4Src)).toEqual(Uint8Array.of(192, 0, 2, 10));
    expect(c.get(HEP3_CHUNK.ipv4Dst)).toEqual(Uint8Array.of(198, 51, 100, 7));
    expect(c.get(HEP3_CHUNK.srcPort)).toEqual(Uint8Array.of(0x13, 0xc6));
    expect(c.get(HEP3_CHUNK.dstPort)).toEqual(Uint8Array.of(0x13, 0xc4));
    expect(Buffer.from(c.get(HEP3_CHUNK.timeSeconds)!).readUInt32BE()).toBe(1_700_000_000);
    expect(Buffer.from(c.get(HEP3_CHUNK.timeMicros)!).readUInt32BE()).toBe(123_456);
    expect(c.get(HEP3_CHUNK.protocolType)).toEqual(Uint8Array.of(1));
    expect(Buffer.from(c.get(HEP3_CHUNK.captureId)!).readUInt32BE()).toBe(2001);
    expect(c.has(HEP3_CHUNK.authKey)).toBe(false);
    expect(c.get(HEP3_CHUNK.payload)).toEqual(invite.payload);
  });

  it('IPv6 addresses use chunks 5/6 and family 10; TCP is protocol 6; the auth key is chunk 14', () => {
    const c = hepChunks(encodeHep3({ ...invite, protocol: 'tls', srcAddress: '2001:db8::1', dstAddress: '::ffff:192.0.2.1' }, { authKey: 'k3y' }));
    expect(c.get(HEP3_CHUNK.ipFamily)).toEqual(Uint8Array.of(10));
    expect(c.get(HEP3_CHUNK.ipProtocol)).toEqual(Uint8Array.of(6));
    expect(Buffer.from(c.get(HEP3_CHUNK.ipv6Src)!).toString('hex')).toBe('20010db8000000000000000000000001');
    expect(Buffer.from(c.get(HEP3_CHUNK.ipv6Dst)!).toString('hex')).toBe('00000000000000000000ffffc0000201');
    expect(Buffer.from(c.get(HEP3_CHUNK.authKey)!).toString()).toBe('k3y');
  });

  it('ipAddressBytes rejects what is not an address with TypeError', () => {
    expect(() => ipAddressBytes('example.com')).toThrow(TypeError);
  });
});

describe('SIP capture of a real call', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('pcap (read by tshark when installed) and HEP datagrams at a collector carry INVITE, 200, ACK, BYE', async () => {
    dir = await mkdtemp(join(tmpdir(), 'trunkline-capture-'));
    const file = join(dir, 'call.pcap');
    const collector = createSocket('udp4');
    await new Promise<void>((r) => collector.bind(0, '127.0.0.1', r));
    const datagrams: Uint8Array[] = [];
    collector.on('message', (m) => datagrams.push(new Uint8Array(m)));
    const pcap = new PcapWriter(file);
    const hep = new HepExporter({ host: '127.0.0.1', port: collector.address().port, captureId: 7 });
    const capture = new SipCapture([(p) => pcap.write(p), (p) => hep.send(p)]);
    const echo = await createUserAgent({ transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }], trace: capture.trace });
    capture.attach(echo);
    echo.on('call', (call) => void call.answer({ reflect: true }).catch(() => {}));
    const phone = await createUserAgent({ transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
    const port = echo.addresses[0]!.port;
    try {
      const call = await phone.invite(`sip:echo@127.0.0.1:${port}`);
      await call.hangup();
    } finally {
      await phone.close();
      await echo.close();
      await pcap.close();
      await hep.close();
    }
    const firstLines = (ps: Uint8Array[]): string[] => ps.map((p) => Buffer.from(p).toString('latin1').split('\r\n')[0]!);
    await expect.poll(() => datagrams.length, { timeout: 3000 }).toBeGreaterThanOrEqual(4);
    collector.close();
    const hepLines = firstLines(datagrams.map((d) => hepChunks(d).get(HEP3_CHUNK.payload)!));
    expect(hepLines.some((l) => l.startsWith('INVITE '))).toBe(true);
    expect(hepLines.some((l) => l.startsWith('SIP/2.0 200'))).toBe(true);
    expect(hepLines.some((l) => l.startsWith('ACK '))).toBe(true);
    expect(hepLines.some((l) => l.startsWith('BYE '))).toBe(true);
    const inbound = hepChunks(datagrams.find((d) => Buffer.from(hepChunks(d).get(HEP3_CHUNK.payload)!).toString('latin1').startsWith('INVITE '))!);
    expect(Buffer.from(inbound.get(HEP3_CHUNK.dstPort)!).readUInt16BE()).toBe(port);

    if (!haveTshark) return;
    const r = spawnSync('tshark', ['-r', file, '-d', `udp.port==${port},sip`, '-T', 'fields', '-e', 'ip.src', '-e', 'udp.dstport', '-e', 'sip.Method', '-e', 'sip.Status-Code', '-o', 'udp.check_checksum:TRUE'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(rows.length).toBe(datagrams.length);
    expect(rows.some((c) => c[2] === 'INVITE' && c[1] === String(port))).toBe(true);
    expect(rows.some((c) => c[3] === '200')).toBe(true);
    expect(rows.some((c) => c[2] === 'ACK')).toBe(true);
    expect(rows.some((c) => c[2] === 'BYE')).toBe(true);
    expect(rows.every((c) => c[0] === '127.0.0.1')).toBe(true);
    // Checksums verified by tshark: none flagged bad.
    const bad = spawnSync('tshark', ['-r', file, '-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-Y', 'udp.checksum.status == 0 || ip.checksum.status == 0'], { encoding: 'utf8', timeout: 20_000 });
    expect(bad.status, bad.stderr).toBe(0);
    expect(bad.stdout.trim()).toBe('');
  });
});

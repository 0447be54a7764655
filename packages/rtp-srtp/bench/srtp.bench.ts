/**
 * SRTP/SRTCP throughput: @trunkline/rtp-srtp vs werift-rtp (same process) vs libsrtp (C, through
 * test/interop/srtp-helper.c, when libsrtp2-dev is installed). Packets of a 12-byte header and a
 * 160-byte payload (20 ms of G.711). Rounds are interleaved; medians and ratios are printed.
 *
 *   pnpm --filter @trunkline/rtp-srtp bench:srtp      (ROUNDS=7 PACKETS=50000 by default)
 */
import { createHmac } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RtpPacket, SrtpSession } from 'werift-rtp';
import { SRTP_PROFILES, SrtpContext, srtpProfileParameters, type SrtpProfile } from '../src/index.js';
import { HmacSha1 } from '../src/srtp/hmac-sha1.js';
import { benchLibsrtp, buildSrtpHelper } from '../test/interop/libsrtp-helper.js';

const ROUNDS = Number(process.env['ROUNDS'] ?? 7);
const PACKETS = Number(process.env['PACKETS'] ?? 50_000);
const PAYLOAD = 160;

/** werift-rtp's profile numbers (DTLS-SRTP ids); it implements only these two. */
const WERIFT_PROFILE: Partial<Record<SrtpProfile, number>> = {
  AES_CM_128_HMAC_SHA1_80: 0x0001,
  AEAD_AES_128_GCM: 0x0007,
};

function packet(seq: number): Uint8Array {
  const p = new Uint8Array(12 + PAYLOAD).fill(0xab);
  p[0] = 0x80;
  p[1] = 0;
  p[2] = (seq >>> 8) & 0xff;
  p[3] = seq & 0xff;
  p.set([0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef], 4);
  return p;
}

// A full GC before each timed run, so garbage one contender left behind is not collected on the
// next one's clock.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function rate(n: number, f: () => void): number {
  gc();
  const t = process.hrtime.bigint();
  f();
  return n / (Number(process.hrtime.bigint() - t) / 1e9);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

let libsrtp = true;
try {
  buildSrtpHelper();
} catch (e) {
  libsrtp = false;
  console.error(`libsrtp column skipped: ${(e as Error).message.split('.')[0]}`);
}

type Row = { profile: string; op: string; ours: number[]; werift: number[]; lib: number[] };
const rows: Row[] = [];

for (const profile of SRTP_PROFILES) {
  const p = srtpProfileParameters(profile);
  const masterKey = new Uint8Array(p.keyLength).map((_, i) => i * 7 + 1);
  const masterSalt = new Uint8Array(p.saltLength).map((_, i) => i * 5 + 3);
  const keySalt = new Uint8Array([...masterKey, ...masterSalt]);
  const prot: Row = { profile, op: 'protect', ours: [], werift: [], lib: [] };
  const unprot: Row = { profile, op: 'unprotect', ours: [], werift: [], lib: [] };
  rows.push(prot, unprot);

  // Pre-protected packets for the unprotect runs (seq 0.. with rollovers).
  const seed = new SrtpContext({ profile, masterKey, masterSalt });
  const protectedPackets = Array.from({ length: PACKETS }, (_, i) => seed.protect(packet(i & 0xffff)));
  const wp = WERIFT_PROFILE[profile];
  const weriftKeys = {
    localMasterKey: Buffer.from(masterKey),
    localMasterSalt: Buffer.from(masterSalt),
    remoteMasterKey: Buffer.from(masterKey),
    remoteMasterSalt: Buffer.from(masterSalt),
  };
  const weriftProtected = protectedPackets.map((q) => Buffer.from(q));

  const tx = new SrtpContext({ profile, masterKey, masterSalt });
  const input = packet(0);
  const out = new Uint8Array(input.length + 64);
  let seq = 0;
  const weriftTx = wp === undefined ? undefined : new SrtpSession({ keys: weriftKeys, profile: wp });
  const weriftPacket = RtpPacket.deSerialize(Buffer.from(packet(0)));

  for (let r = 0; r < ROUNDS; r++) {
    prot.ours.push(
      rate(PACKETS, () => {
        for (let i = 0; i < PACKETS; i++) {
          seq = (seq + 1) & 0xffff;
          input[2] = seq >>> 8;
          input[3] = seq & 0xff;
          tx.protectInto(input, out);
        }
      }),
    );
    const rx = new SrtpContext({ profile, masterKey, masterSalt });
    unprot.ours.push(
      rate(PACKETS, () => {
        for (let i = 0; i < PACKETS; i++) rx.unprotectInto(protectedPackets[i]!, out);
      }),
    );
    if (weriftTx !== undefined && wp !== undefined) {
      prot.werift.push(
        rate(PACKETS, () => {
          for (let i = 0; i < PACKETS; i++) {
            weriftPacket.header.sequenceNumber = (weriftPacket.header.sequenceNumber + 1) & 0xffff;
            weriftTx.encrypt(weriftPacket.payload, weriftPacket.header);
          }
        }),
      );
      const weriftRx = new SrtpSession({ keys: weriftKeys, profile: wp });
      unprot.werift.push(
        rate(PACKETS, () => {
          for (let i = 0; i < PACKETS; i++) weriftRx.decrypt(weriftProtected[i]!);
        }),
      );
    }
    if (libsrtp) {
      const r2 = benchLibsrtp(profile, keySalt, PACKETS * 4, PAYLOAD);
      prot.lib.push(r2.protect);
      unprot.lib.push(r2.unprotect);
    }
  }
}

// The HMAC-SHA1 choice (hmac-sha1.ts): precomputed-pad TypeScript vs node:crypto createHmac.
{
  const key = new Uint8Array(20).fill(7);
  const msg = packet(1);
  const roc = new Uint8Array(4);
  const tag = new Uint8Array(20);
  const h = new HmacSha1(key);
  const ts: number[] = [];
  const node: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    ts.push(rate(PACKETS, () => {
      for (let i = 0; i < PACKETS; i++) h.sign(msg, 0, msg.length, true, i, tag, 0, 10);
    }));
    node.push(rate(PACKETS, () => {
      for (let i = 0; i < PACKETS; i++) createHmac('sha1', key).update(msg).update(roc).digest();
    }));
  }
  rows.push({ profile: 'HMAC-SHA1 176 B', op: 'TS vs createHmac', ours: ts, werift: node, lib: [] });
}

const fmt = (xs: number[]): string => (xs.length === 0 ? 'n/a' : `${Math.round(median(xs) / 1000)}k`);
const ratio = (a: number[], b: number[]): string =>
  a.length === 0 || b.length === 0 ? 'n/a' : `${(median(a) / median(b)).toFixed(2)}x`;
console.log(`\nSRTP packets/s, 12 B header + ${PAYLOAD} B payload, median of ${ROUNDS} interleaved rounds`);
console.log(`node ${process.version}, ${PACKETS} packets per round (libsrtp: ${PACKETS * 4} in C)\n`);
console.log('| profile | op | trunkline | werift-rtp 0.8.9 | libsrtp 2 (C) | vs werift | vs libsrtp |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(
    `| ${r.profile} | ${r.op} | ${fmt(r.ours)} | ${fmt(r.werift)} | ${fmt(r.lib)} | ${ratio(r.ours, r.werift)} | ${ratio(r.ours, r.lib)} |`,
  );
}

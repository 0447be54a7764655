import { createCipheriv, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SrtpContext, type SrtpProfile } from '../src/index.js';
import { deriveSrtpKeys, srtpPrf } from '../src/srtp/key-derivation.js';
import { AesCmKeystream } from '../src/srtp/aes-cm.js';
import { AesGcm } from '../src/srtp/aes-gcm.js';
import { HmacSha1 } from '../src/srtp/hmac-sha1.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A context keyed with session keys, as the vectors are published (same keys for SRTP and SRTCP). */
function sessionContext(profile: SrtpProfile, key: string, salt: string, authKey = ''): SrtpContext {
  const k = hex(key);
  const s = hex(salt);
  const keys = { encryptionKey: k, salt: s, authKey: hex(authKey) };
  return SrtpContext.fromSessionKeys(
    { profile, masterKey: new Uint8Array(k.length), masterSalt: new Uint8Array(s.length) },
    { rtp: keys, rtcp: keys },
  );
}

describe('RFC 3711 App. B.2 AES-CM test vectors', () => {
  const key = '2B7E151628AED2A6ABF7158809CF4F3C';
  const keystream =
    'E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB 41E95B3BB0A2E8DD477901E4FCA894C0';

  it('RFC 3711 App. B.2: keystream for IV F0F1...FD0000', () => {
    const ks = new AesCmKeystream(hex(key));
    const iv = hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000');
    expect(toHex(ks.keystream(iv, 48).subarray(0, 48))).toBe(toHex(hex(keystream)));
  });

  it('RFC 3711 App. B.2 via §4.1.1 IV construction: SSRC 0, index 0 encrypts zeros to the keystream', () => {
    const ctx = sessionContext('AES_CM_128_HMAC_SHA1_80', key, 'F0F1F2F3F4F5F6F7F8F9FAFBFCFD', '00'.repeat(20));
    const rtp = new Uint8Array(12 + 48);
    rtp[0] = 0x80;
    const srtp = ctx.protect(rtp);
    expect(toHex(srtp.subarray(12, 60))).toBe(toHex(hex(keystream)));
  });
});

describe('RFC 3711 App. B.3 key derivation test vectors', () => {
  const masterKey = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
  const masterSalt = hex('0EC675AD498AFEEBB6960B3AABE6');
  const authBlock =
    'CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE E049646C43D9327AD175578EF7227098 ' +
    '6371C10C9A369AC2F94A8C5FBCDDDC25 6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2';

  it('RFC 3711 App. B.3: cipher key (label 0x00)', () => {
    expect(toHex(srtpPrf(masterKey, masterSalt, 0x00, 16))).toBe(toHex(hex('C61E7A93744F39EE10734AFE3FF7A087')));
  });
  it('RFC 3711 App. B.3: cipher salt (label 0x02)', () => {
    expect(toHex(srtpPrf(masterKey, masterSalt, 0x02, 14))).toBe(toHex(hex('30CBBC08863D8C85D49DB34A9AE1')));
  });
  it('RFC 3711 App. B.3: 94-byte authentication key block (label 0x01)', () => {
    expect(toHex(srtpPrf(masterKey, masterSalt, 0x01, 94))).toBe(toHex(hex(authBlock)));
  });
  it('RFC 3711 App. B.3 / §4.2.1: deriveSrtpKeys uses n_a = 160 bits, the first 20 bytes', () => {
    const keys = deriveSrtpKeys('AES_CM_128_HMAC_SHA1_80', masterKey, masterSalt);
    expect(toHex(keys.rtp.encryptionKey)).toBe('c61e7a93744f39ee10734afe3ff7a087');
    expect(toHex(keys.rtp.salt)).toBe('30cbbc08863d8c85d49db34a9ae1');
    expect(toHex(keys.rtp.authKey)).toBe(toHex(hex(authBlock).subarray(0, 20)));
    // SRTCP labels differ (§4.3.2), so its keys must too.
    expect(toHex(keys.rtcp.encryptionKey)).not.toBe(toHex(keys.rtp.encryptionKey));
  });
});

describe('RFC 6188 §7 AES-256 test vectors', () => {
  it('RFC 6188 §7.1: AES-256-CM keystream', () => {
    const ks = new AesCmKeystream(hex('57f82fe3613fd170a85ec93c40b1f092 2ec4cb0dc025b58272147cc438944a98'));
    expect(toHex(ks.keystream(hex('f0f1f2f3f4f5f6f7f8f9fafbfcfd0000'), 48).subarray(0, 48))).toBe(
      toHex(hex('92bdd28a93c3f52511c677d08b5515a4 9da71b2378a854f67050756ded165bac 63c4868b7096d88421b563b8c94c9a31')),
    );
  });
  it('RFC 6188 §7.2: AES-256 key derivation', () => {
    const keys = deriveSrtpKeys(
      'AES_256_CM_HMAC_SHA1_80',
      hex('f0f04914b513f2763a1b1fa130f10e29 98f6f6e43e4309d1e622a0e332b9f1b6'),
      hex('3b04803de51ee7c96423ab5b78d2'),
    );
    expect(toHex(keys.rtp.encryptionKey)).toBe('5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4');
    expect(toHex(keys.rtp.salt)).toBe('fa31791685ca444a9e07c6c64e93');
    expect(toHex(keys.rtp.authKey)).toBe('fd9c32d39ed5fbb5a9dc96b30818454d1313dc05');
  });
});

describe('RFC 7714 §16 AEAD SRTP test vectors', () => {
  const salt = '517569642070726f2071756f';
  const rtp = hex(
    '8040f17b8041f8d35501a0b2 47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573',
  );
  const cases = [
    {
      name: 'RFC 7714 §16.1.1/§16.1.2: AEAD_AES_128_GCM',
      profile: 'AEAD_AES_128_GCM' as const,
      key: '000102030405060708090a0b0c0d0e0f',
      srtp:
        '8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833' +
        '899d7f27beb16a9152cf765ee4390cce',
    },
    {
      name: 'RFC 7714 §16.2.1/§16.2.2: AEAD_AES_256_GCM',
      profile: 'AEAD_AES_256_GCM' as const,
      key: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
      srtp:
        '8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b' +
        '7aa3db36dfffd6b0f9bb7878d7a76c13',
    },
  ];
  for (const c of cases) {
    it(`${c.name} encryption`, () => {
      expect(toHex(sessionContext(c.profile, c.key, salt).protect(rtp))).toBe(c.srtp);
    });
    it(`${c.name} decryption`, () => {
      expect(toHex(sessionContext(c.profile, c.key, salt).unprotect(hex(c.srtp)))).toBe(toHex(rtp));
    });
    it(`${c.name} rejects a modified tag with AUTH_FAILED`, () => {
      const bad = hex(c.srtp);
      bad[bad.length - 1]! ^= 1;
      expect(() => sessionContext(c.profile, c.key, salt).unprotect(bad)).toThrowError(
        expect.objectContaining({ code: 'SRTP_AUTH_FAILED' }),
      );
    });
  }
});

describe('RFC 7714 §17 AEAD SRTCP test vectors', () => {
  const salt = '517569642070726f2071756f';
  const rtcp = hex(
    '81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef',
  );
  const index = 0x5d4;
  const key128 = '000102030405060708090a0b0c0d0e0f';
  const key256 = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
  const cases = [
    {
      name: 'RFC 7714 §17.1: AEAD_AES_128_GCM SRTCP',
      profile: 'AEAD_AES_128_GCM' as const,
      key: key128,
      encrypt: true,
      srtcp:
        '81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9' +
        '275bc84aa45896cf4d2fc5abf87245d9eade800005d4',
    },
    {
      name: 'RFC 7714 §17.2: AEAD_AES_256_GCM SRTCP',
      profile: 'AEAD_AES_256_GCM' as const,
      key: key256,
      encrypt: true,
      srtcp:
        '81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be8415f658c61de0476f1b' +
        '6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4',
    },
    {
      name: 'RFC 7714 §17.3: AEAD_AES_128_GCM SRTCP, E bit clear (authentication only)',
      profile: 'AEAD_AES_128_GCM' as const,
      key: key128,
      encrypt: false,
      srtcp:
        '81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdead' +
        'beef841dd9683dd78ec92ae58790125f62b3000005d4',
    },
  ];
  for (const c of cases) {
    it(`${c.name} decryption`, () => {
      expect(toHex(sessionContext(c.profile, c.key, salt).unprotectRtcp(hex(c.srtcp)))).toBe(toHex(rtcp));
    });
    it(`${c.name} encryption at SRTCP index 0x5d4`, () => {
      const k = hex(c.key);
      const s = hex(salt);
      const keys = { encryptionKey: k, salt: s, authKey: new Uint8Array(0) };
      const ctx = SrtpContext.fromSessionKeys(
        { profile: c.profile, masterKey: new Uint8Array(k.length), masterSalt: new Uint8Array(12), encryptRtcp: c.encrypt },
        { rtp: keys, rtcp: keys },
      );
      // RFC 3711 §3.4: the index starts at 0 and counts packets; walk it to the vector's index.
      for (let i = 0; i < index; i++) ctx.protectRtcp(rtcp);
      expect(toHex(ctx.protectRtcp(rtcp))).toBe(c.srtcp);
    });
  }
});

describe('HMAC-SHA1 with precomputed pads (RFC 2202 §3, RFC 3711 §4.2.1)', () => {
  it('RFC 2202 §3 test case 1', () => {
    const h = new HmacSha1(hex('0b'.repeat(20)));
    const data = new TextEncoder().encode('Hi There');
    const out = new Uint8Array(20);
    h.sign(data, 0, data.length, false, 0, out, 0, 20);
    expect(toHex(out)).toBe('b617318655057264e28bc0b6fb378c8ef146be00');
  });
  it('RFC 2202 §3 test case 6 (80-byte key is hashed first)', () => {
    const h = new HmacSha1(hex('aa'.repeat(80)));
    const data = new TextEncoder().encode('Test Using Larger Than Block-Size Key - Hash Key First');
    const out = new Uint8Array(20);
    h.sign(data, 0, data.length, false, 0, out, 0, 20);
    expect(toHex(out)).toBe('aa4ae5e15272d00e95705637ce8a3b55ed402112');
  });
  it('agrees with node:crypto createHmac for any key, message and ROC trailer', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.uint8Array({ maxLength: 400 }),
        fc.option(fc.nat({ max: 0xffffffff }), { nil: undefined }),
        (key, msg, roc) => {
          const out = new Uint8Array(20);
          new HmacSha1(key).sign(msg, 0, msg.length, roc !== undefined, roc ?? 0, out, 0, 20);
          const m = createHmac('sha1', key).update(msg);
          if (roc !== undefined) m.update(Buffer.from([roc >>> 24, (roc >>> 16) & 255, (roc >>> 8) & 255, roc & 255]));
          expect(toHex(out)).toBe(m.digest('hex'));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('AES-GCM with table GHASH (NIST SP 800-38D, RFC 7714 §7)', () => {
  it('agrees with node:crypto aes-128-gcm / aes-256-gcm for any key, IV, AAD and plaintext', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 32, maxLength: 32 })),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 80 }),
        fc.uint8Array({ maxLength: 300 }),
        (key, iv, aad, pt) => {
          const c = createCipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, iv);
          c.setAAD(aad);
          const expected = Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
          const g = new AesGcm(key);
          const ks = g.keystream(iv, 1 + Math.ceil(pt.length / 16));
          const out = new Uint8Array(pt.length + 16);
          for (let i = 0; i < pt.length; i++) out[i] = pt[i]! ^ ks[16 + i]!;
          g.tag(ks, 0, aad, 0, aad.length, out, 0, pt.length, out, pt.length);
          expect(toHex(out)).toBe(expected.toString('hex'));
        },
      ),
      { numRuns: 300 },
    );
  });
});

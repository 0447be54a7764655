import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesFromUui,
  formatUui,
  ISDN_UUI_MAX_OCTETS,
  isdnUserInformation,
  parseUui,
  PROTOCOL_DISCRIMINATOR,
  textFromUui,
  uuiFromBytes,
  uuiFromText,
  UuiError,
  type UuiErrorCode,
} from '../src/index.js';

function codeOf(fn: () => unknown): UuiErrorCode | 'none' {
  try {
    fn();
    return 'none';
  } catch (e) {
    if (e instanceof UuiError) return e.code;
    throw e;
  }
}

const CORPUS =
  '04434153452D32303438313B4C414E473D656E2D55533B51554555453D62696C6C696E67;encoding=hex;purpose=isdn-uui;content=isdn-uui';

describe('RFC 7434 ISDN UUI package: protocol discriminator', () => {
  it('splits octet 0 (discriminator) from the user information', () => {
    const info = isdnUserInformation(parseUui('00DEADBEEF;encoding=hex'));
    expect(info.discriminator).toBe(PROTOCOL_DISCRIMINATOR.USER_SPECIFIC);
    expect(Array.from(info.userInformation)).toEqual([0xde, 0xad, 0xbe, 0xef]);
    expect(isdnUserInformation(parseUui(CORPUS)).discriminator).toBe(PROTOCOL_DISCRIMINATOR.IA5);
  });

  it('uses the Q.931 Table 4-26 codes', () => {
    expect(PROTOCOL_DISCRIMINATOR).toMatchObject({ USER_SPECIFIC: 0x00, IA5: 0x04, X208_X209: 0x05, Q931: 0x08 });
  });

  it('has no discriminator in empty data', () => {
    expect(codeOf(() => isdnUserInformation(new Uint8Array(0)))).toBe('MISSING_DISCRIMINATOR');
  });

  it('checks the expected discriminator', () => {
    expect(codeOf(() => bytesFromUui(Uint8Array.of(0x00, 1), PROTOCOL_DISCRIMINATOR.IA5))).toBe('UNEXPECTED_DISCRIMINATOR');
    expect(Array.from(bytesFromUui(Uint8Array.of(0x00, 1), 0))).toEqual([1]);
  });
});

describe('RFC 7434 ISDN UUI package: size (1 discriminator + 128 user octets)', () => {
  it('ISDN_UUI_MAX_OCTETS is 129', () => {
    expect(ISDN_UUI_MAX_OCTETS).toBe(129);
  });

  it('uuiFromBytes accepts 128 octets of user information and rejects 129', () => {
    expect(uuiFromBytes(new Uint8Array(128)).data.length).toBe(129);
    expect(codeOf(() => uuiFromBytes(new Uint8Array(129)))).toBe('OVERSIZE');
    expect(uuiFromBytes(new Uint8Array(129), { maxOctets: 130 }).data.length).toBe(130);
  });

  it('uuiFromText accepts 128 characters and rejects 129', () => {
    expect(uuiFromText('x'.repeat(128)).data.length).toBe(129);
    expect(codeOf(() => uuiFromText('x'.repeat(129)))).toBe('OVERSIZE');
    expect(codeOf(() => uuiFromText('abc', { maxOctets: 3 }))).toBe('OVERSIZE');
  });
});

describe('RFC 7434 IA5 text (discriminator 0x04)', () => {
  it('builds the corpus header value from its text, byte for byte', () => {
    expect(formatUui(uuiFromText('CASE-20481;LANG=en-US;QUEUE=billing'))).toBe(CORPUS);
  });

  it('marks built values purpose=isdn-uui, content=isdn-uui', () => {
    const uui = uuiFromText('hi');
    expect(uui.purpose).toBe('isdn-uui');
    expect(uui.content).toBe('isdn-uui');
    expect(Array.from(uui.data)).toEqual([0x04, 0x68, 0x69]);
  });

  it('rejects non-IA5 characters with their index', () => {
    for (const [text, at] of [['café', 3], ['ok\u0080', 2], ['😀', 0]] as const) {
      let err: unknown;
      try {
        uuiFromText(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UuiError);
      expect((err as UuiError).code).toBe('NON_IA5_CHARACTER');
      expect((err as UuiError).offset).toBe(at);
    }
  });

  it('textFromUui rejects another discriminator and octets above 0x7F', () => {
    expect(codeOf(() => textFromUui(Uint8Array.of(0x00, 0x41)))).toBe('UNEXPECTED_DISCRIMINATOR');
    expect(codeOf(() => textFromUui(Uint8Array.of(0x04, 0x41, 0x80)))).toBe('NON_IA5_CHARACTER');
  });

  it('text -> header -> text is exact for every IA5 string of up to 128 characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 128 }), (text) => {
        expect(textFromUui(parseUui(formatUui(uuiFromText(text))))).toBe(text);
      }),
    );
  });
});

describe('RFC 7434 raw bytes', () => {
  it('bytes -> header -> bytes is exact, for any discriminator', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 128 }), fc.integer({ min: 0, max: 255 }), (bytes, d) => {
        const back = parseUui(formatUui(uuiFromBytes(bytes, { discriminator: d })));
        expect(back.data[0]).toBe(d);
        expect(bytesFromUui(back, d)).toEqual(bytes);
      }),
    );
  });

  it('copies the input rather than aliasing it', () => {
    const src = Uint8Array.of(1, 2);
    const uui = uuiFromBytes(src);
    src[0] = 9;
    expect(Array.from(uui.data)).toEqual([0, 1, 2]);
  });

  it('rejects a discriminator that is not an octet (API misuse)', () => {
    expect(() => uuiFromBytes(new Uint8Array(1), { discriminator: 256 })).toThrow(RangeError);
  });
});

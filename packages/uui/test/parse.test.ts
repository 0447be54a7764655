import { TrunklineError } from '@trunkline/errors';
import { describe, expect, it } from 'vitest';
import {
  effectiveContent,
  effectivePurpose,
  parseUui,
  textFromUui,
  UuiError,
  type UuiErrorCode,
} from '../src/index.js';

/** Expects `fn` to throw a UuiError with `code`, and returns it. */
function expectUuiError(fn: () => unknown, code: UuiErrorCode): UuiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UuiError);
    expect((e as UuiError).code).toBe(code);
    return e as UuiError;
  }
  throw new Error(`expected UuiError ${code}, nothing thrown`);
}

const CORPUS =
  '04434153452D32303438313B4C414E473D656E2D55533B51554555453D62696C6C696E67;encoding=hex;purpose=isdn-uui;content=isdn-uui';

describe('RFC 7433 §4.1 User-to-User header value: bench corpus 01-invite.sip', () => {
  it('decodes the corpus value: discriminator 0x04 and IA5 text', () => {
    const uui = parseUui(CORPUS);
    expect(uui.encoding).toBe('hex');
    expect(uui.purpose).toBe('isdn-uui');
    expect(uui.content).toBe('isdn-uui');
    expect(uui.params).toEqual([]);
    expect(uui.data.length).toBe(36);
    expect(uui.data[0]).toBe(0x04);
    expect(textFromUui(uui)).toBe('CASE-20481;LANG=en-US;QUEUE=billing');
  });

  it('decodes the lowercase form of the payload to the same octets', () => {
    const lower = '04434153452d32303438313b4c414e473d656e2d55533b51554555453d62696c6c696e67';
    expect(parseUui(`${lower};encoding=hex`).data).toEqual(parseUui(CORPUS).data);
  });
});

describe('RFC 7433 §4.1 examples', () => {
  it('rejects the RFC\'s "56a390f3d2b7310023a" example as printed: 19 hex digits is half an octet short', () => {
    const e = expectUuiError(() => parseUui('56a390f3d2b7310023a;encoding=hex;purpose=foo;content=bar'), 'ODD_HEX_LENGTH');
    expect(e.offset).toBe(18);
  });

  it('accepts the same example with an even number of digits, keeping purpose and content', () => {
    const uui = parseUui('56a390f3d2b7310023a0;encoding=hex;purpose=foo;content=bar');
    expect(Array.from(uui.data)).toEqual([0x56, 0xa3, 0x90, 0xf3, 0xd2, 0xb7, 0x31, 0x00, 0x23, 0xa0]);
    expect(uui.purpose).toBe('foo');
    expect(uui.content).toBe('bar');
  });
});

describe('RFC 7433 §4.1 uui-param: generic parameter grammar', () => {
  it('takes parameters in any order and names in any case', () => {
    const a = parseUui('0441;Content=isdn-uui;ENCODING=Hex;pUrPoSe=isdn-uui');
    expect(a.purpose).toBe('isdn-uui');
    expect(a.content).toBe('isdn-uui');
    expect(Array.from(a.data)).toEqual([0x04, 0x41]);
  });

  it('skips SP/HTAB around ";" and "=" (RFC 3261 SEMI/EQUAL) and around the value', () => {
    const uui = parseUui(' \t0441 ;\tencoding = hex ;  purpose\t=\tisdn-uui ; x = y \t');
    expect(uui.purpose).toBe('isdn-uui');
    expect(uui.params).toEqual([{ name: 'x', value: 'y', quoted: false }]);
  });

  it('treats header folding (CRLF + WSP) as whitespace (RFC 3261 §7.3.1)', () => {
    expect(parseUui('0441;encoding=hex\r\n ;purpose=isdn-uui').purpose).toBe('isdn-uui');
  });

  it('keeps unknown parameters in order: valueless, token, host and quoted-string values', () => {
    const uui = parseUui('0441;encoding=hex;flag;Acme-Id=42;via=[2001:db8::1];note="a \\"b\\" ; c,d";x=1.2.3.4');
    expect(uui.params).toEqual([
      { name: 'flag', value: null, quoted: false },
      { name: 'Acme-Id', value: '42', quoted: false },
      { name: 'via', value: '[2001:db8::1]', quoted: false },
      { name: 'note', value: 'a "b" ; c,d', quoted: true },
      { name: 'x', value: '1.2.3.4', quoted: false },
    ]);
  });

  it('keeps UTF-8 (non-ASCII) text inside quoted-string parameter values', () => {
    expect(parseUui('0441;encoding=hex;n="Zoë ✓"').params[0]?.value).toBe('Zoë ✓');
  });

  it('keeps purpose/content absent when absent, and reports the RFC 7434 defaults separately', () => {
    const uui = parseUui('0441;encoding=hex');
    expect('purpose' in uui).toBe(false);
    expect('content' in uui).toBe(false);
    expect(effectivePurpose(uui)).toBe('isdn-uui');
    expect(effectiveContent(uui)).toBe('isdn-uui');
    expect(effectiveContent(parseUui('0441;encoding=hex;purpose=acme'))).toBeUndefined();
  });
});

describe('RFC 7433 §4.1 uui-data = token / quoted-string', () => {
  it('decodes quoted hex data like the bare token (issue 8, fault 5)', () => {
    const quoted = parseUui('"0448656C6C6F";encoding=hex');
    expect(Array.from(quoted.data)).toEqual([0x04, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
    expect(quoted).toEqual(parseUui('0448656C6C6F;encoding=hex'));
    expect(textFromUui(quoted)).toBe('Hello');
    expect(parseUui(' "0441" ; purpose=isdn-uui').data).toEqual(Uint8Array.of(0x04, 0x41));
  });

  it('counts error offsets inside the quotes from the first digit', () => {
    expect(expectUuiError(() => parseUui('"0441x1";encoding=hex'), 'NON_HEX_CHARACTER').offset).toBe(5);
    expectUuiError(() => parseUui('"041";encoding=hex'), 'ODD_HEX_LENGTH');
    expectUuiError(() => parseUui(`"04${'41'.repeat(129)}";encoding=hex`), 'OVERSIZE');
  });
});

describe('RFC 7433 §4.1 enc-param: hex is the only defined encoding', () => {
  it('accepts encoding=hex in any case', () => {
    for (const v of ['hex', 'HEX', 'Hex']) expect(parseUui(`0A0b;encoding=${v}`).data).toEqual(Uint8Array.of(0x0a, 0x0b));
  });

  it('reads a value without encoding as hex when the content is isdn-uui (the default)', () => {
    expect(Array.from(parseUui('04414243').data)).toEqual([0x04, 0x41, 0x42, 0x43]);
    expect(Array.from(parseUui('0441;purpose=isdn-uui;content=ISDN-UUI').data)).toEqual([0x04, 0x41]);
  });

  it('rejects a value without encoding when absentEncoding is "reject"', () => {
    expectUuiError(() => parseUui('0441', { absentEncoding: 'reject' }), 'MISSING_ENCODING');
    expect(parseUui('0441;encoding=hex', { absentEncoding: 'reject' }).data.length).toBe(2);
  });

  it('rejects a value without encoding whose content has no known encoding', () => {
    expectUuiError(() => parseUui('0441;purpose=acme'), 'UNKNOWN_ENCODING');
    expectUuiError(() => parseUui('0441;content=acme'), 'UNKNOWN_ENCODING');
  });
});

describe('RFC 7433 §4.1 malformed values: each rejected with its code', () => {
  const cases: Record<string, [string, UuiErrorCode]> = {
    'empty value': ['', 'EMPTY_VALUE'],
    'only whitespace': [' \t ', 'EMPTY_VALUE'],
    'parameters without data': [';encoding=hex', 'MISSING_DATA'],
    'odd number of hex digits': ['041;encoding=hex', 'ODD_HEX_LENGTH'],
    'non-hex letter': ['04G1;encoding=hex', 'NON_HEX_CHARACTER'],
    'token data that is not hex': ['abc-123;encoding=hex', 'NON_HEX_CHARACTER'],
    'quoted data that is not hex': ['"04 41";encoding=hex', 'NON_HEX_CHARACTER'],
    'empty quoted data': ['"";encoding=hex', 'MISSING_DATA'],
    'unknown encoding': ['0441;encoding=base64', 'UNKNOWN_ENCODING'],
    'duplicate encoding': ['0441;encoding=hex;encoding=hex', 'DUPLICATE_PARAMETER'],
    'duplicate encoding, other case': ['0441;encoding=hex;ENCODING=hex', 'DUPLICATE_PARAMETER'],
    'duplicate purpose': ['0441;encoding=hex;purpose=a;purpose=a', 'DUPLICATE_PARAMETER'],
    'empty parameter name': ['0441;encoding=hex;;x', 'EMPTY_PARAMETER_NAME'],
    'parameter starting with =': ['0441;=x;encoding=hex', 'EMPTY_PARAMETER_NAME'],
    'trailing semicolon': ['0441;encoding=hex;', 'EMPTY_PARAMETER_NAME'],
    'equals without value': ['0441;encoding=hex;x=', 'MISSING_PARAMETER_VALUE'],
    'encoding without value': ['0441;encoding', 'MALFORMED_PARAMETER'],
    'quoted purpose': ['0441;encoding=hex;purpose="isdn-uui"', 'MALFORMED_PARAMETER'],
    'unterminated quote': ['0441;encoding=hex;x="abc', 'UNTERMINATED_QUOTE'],
    'unterminated quote after backslash': ['0441;encoding=hex;x="abc\\', 'UNTERMINATED_QUOTE'],
    'space inside the data': ['04 41;encoding=hex', 'UNEXPECTED_CHARACTER'],
    'junk after a value': ['0441;encoding=hex;x=y z', 'UNEXPECTED_CHARACTER'],
    'control character in a quoted-string': ['0441;encoding=hex;x="a\u0001"', 'UNEXPECTED_CHARACTER'],
    'bare LF': ['0441;encoding=hex\n;x', 'UNEXPECTED_CHARACTER'],
    'CRLF not followed by WSP': ['0441;encoding=hex\r\n', 'UNEXPECTED_CHARACTER'],
    'two values in one string': ['0441;encoding=hex,0442;encoding=hex', 'MULTIPLE_VALUES'],
    'oversize: 130 octets': [`04${'41'.repeat(129)};encoding=hex`, 'OVERSIZE'],
  };
  for (const [name, [value, code]] of Object.entries(cases)) {
    it(`${name} -> ${code}`, () => {
      expectUuiError(() => parseUui(value), code);
    });
  }

  it('reports the offset of the first non-hex character', () => {
    expect(expectUuiError(() => parseUui('0441x1;encoding=hex'), 'NON_HEX_CHARACTER').offset).toBe(4);
  });
});

describe('RFC 7434 size limit and configurable limits', () => {
  it('accepts exactly 129 octets (discriminator + 128) and rejects 130 by default', () => {
    expect(parseUui(`04${'41'.repeat(128)};encoding=hex`).data.length).toBe(129);
    expectUuiError(() => parseUui(`04${'41'.repeat(129)};encoding=hex`), 'OVERSIZE');
  });

  it('honours maxOctets both ways, never truncating', () => {
    expectUuiError(() => parseUui('04414243;encoding=hex', { maxOctets: 3 }), 'OVERSIZE');
    expect(parseUui(`${'00'.repeat(300)};encoding=hex`, { maxOctets: 300 }).data.length).toBe(300);
  });

  it('rejects values longer than maxValueLength before scanning', () => {
    expectUuiError(() => parseUui(`0441;encoding=hex;x="${'a'.repeat(2000)}"`), 'VALUE_TOO_LONG');
    expectUuiError(() => parseUui('0441;encoding=hex', { maxValueLength: 10 }), 'VALUE_TOO_LONG');
  });

  it('rejects more than maxParams parameters', () => {
    const many = `0441;encoding=hex${';p'.repeat(16)}`;
    expectUuiError(() => parseUui(many), 'TOO_MANY_PARAMETERS');
    expect(parseUui(many, { maxParams: 17 }).params.length).toBe(16);
  });

  it('throws RangeError/TypeError for invalid options and non-string input (API misuse)', () => {
    expect(() => parseUui('0441', { maxOctets: 0 })).toThrow(RangeError);
    expect(() => parseUui('0441', { maxOctets: 1.5 })).toThrow(RangeError);
    expect(() => parseUui('0441', { maxValueLength: -1 })).toThrow(RangeError);
    expect(() => parseUui('0441', { absentEncoding: 'guess' as 'hex' })).toThrow(TypeError);
    expect(() => parseUui(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('errors convention (issue 8)', () => {
  it('UuiError is a TrunklineError keeping its code table and offset', () => {
    const e = expectUuiError(() => parseUui('04G1;encoding=hex'), 'NON_HEX_CHARACTER');
    expect(e).toBeInstanceOf(TrunklineError);
    expect([e.name, e.offset]).toEqual(['UuiError', 2]);
  });
});

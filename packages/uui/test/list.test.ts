import { describe, expect, it } from 'vitest';
import { parseUuiList, selectUui, splitUuiHeader, textFromUui, uuiFromText, formatUui } from '../src/index.js';

describe('RFC 7433 §4.1 several uui-values: UUI = "User-to-User" HCOLON uui-value *(COMMA uui-value)', () => {
  it('splits at commas outside quoted-strings only', () => {
    expect(splitUuiHeader('0441;encoding=hex, 00FF;encoding=hex;n="a,\\"b,"')).toEqual([
      '0441;encoding=hex',
      ' 00FF;encoding=hex;n="a,\\"b,"',
    ]);
    expect(splitUuiHeader('0441;n="unterminated, still one')).toEqual(['0441;n="unterminated, still one']);
    expect(splitUuiHeader('a,,b')).toEqual(['a', '', 'b']);
  });

  it('returns one result per value; a bad value does not hide good ones', () => {
    const entries = parseUuiList(['0441;encoding=hex, 041;encoding=hex', '', '00FF;encoding=hex;purpose=acme']);
    expect(entries.map((e) => (e.ok ? 'ok' : e.error.code))).toEqual(['ok', 'ODD_HEX_LENGTH', 'EMPTY_VALUE', 'ok']);
    expect(entries[1]?.raw).toBe(' 041;encoding=hex');
  });
});

describe('RFC 7433 §4.1 choosing among values by purpose and content', () => {
  const acme = '00FF;encoding=hex;purpose=acme;content=tracking';
  const isdn = formatUui(uuiFromText('CASE-1'));
  const bare = '0442;encoding=hex'; // no purpose: isdn-uui by default (RFC 7434)

  it('selects by purpose, case-insensitively', () => {
    expect(selectUui([acme, isdn], { purpose: 'ISDN-UUI' })?.purpose).toBe('isdn-uui');
    expect(selectUui([isdn, acme], { purpose: 'acme' })?.content).toBe('tracking');
  });

  it('treats a value without purpose as isdn-uui, and without content as isdn-uui content', () => {
    expect(Array.from(selectUui([acme, bare], { purpose: 'isdn-uui', content: 'isdn-uui' })?.data ?? [])).toEqual([4, 0x42]);
  });

  it('selects by content', () => {
    expect(selectUui([isdn, acme], { content: 'tracking' })?.purpose).toBe('acme');
    expect(selectUui([isdn, acme], { content: 'nope' })).toBeUndefined();
  });

  it('skips malformed values and takes the first good match', () => {
    const uui = selectUui(['zz;encoding=hex', `041;encoding=hex, ${isdn}`], { purpose: 'isdn-uui' });
    expect(uui && textFromUui(uui)).toBe('CASE-1');
  });

  it('without a selector, returns the first well-formed value', () => {
    expect(selectUui(['', acme, isdn])?.purpose).toBe('acme');
    expect(selectUui([])).toBeUndefined();
  });
});

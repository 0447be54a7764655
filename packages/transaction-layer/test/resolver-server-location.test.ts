import { describe, expect, it } from 'vitest';
import { parseSipUri, type SipUri } from '@trunkline/sip-parser';
import { ResolverError } from '../src/resolver/resolver-error.js';
import { locateSipServer, type LocateOptions, type Target } from '../src/resolver/server-location.js';
import { FakeDns, naptr, seededRandom, type FakeZone } from './resolver-fake-dns.js';

/** `scheme:host[:port];params` through the parser, as an application would get it. */
function sipUri(scheme: 'sip' | 'sips', host: string, port: number | null = null, params: Record<string, string | null> = {}): SipUri {
  const p = Object.entries(params)
    .map(([name, value]) => (value === null ? `;${name}` : `;${name}=${value}`))
    .join('');
  return parseSipUri(`${scheme}:${host}${port === null ? '' : `:${port}`}${p}`);
}

async function locate(uri: SipUri, zone: FakeZone, options: Omit<LocateOptions, 'resolver'> = {}): Promise<{ targets: Target[]; dns: FakeDns }> {
  const dns = new FakeDns(zone);
  const targets = await locateSipServer(uri, { random: seededRandom(1), ...options, resolver: dns });
  return { targets, dns };
}

const brief = (ts: readonly Target[]): string[] => ts.map((t) => `${t.transport} ${t.address}:${t.port}`);

describe('RFC 3263 §4.1 transport selection', () => {
  it('RFC 3263 §4.1: an explicit transport parameter is used, and SRV is asked for that transport only', async () => {
    const { targets, dns } = await locate(sipUri('sip', 'example.com', null, { transport: 'tcp' }), {
      srv: { '_sip._tcp.example.com': [{ name: 'pbx.example.com', port: 5070, priority: 1, weight: 0 }] },
      a: { 'pbx.example.com': ['192.0.2.7'] },
    });
    expect(brief(targets)).toEqual(['tcp 192.0.2.7:5070']);
    expect(dns.queries).toEqual(['SRV _sip._tcp.example.com', 'A pbx.example.com', 'AAAA pbx.example.com']);
  });

  it('RFC 3263 §4.1: transport=tcp in a SIPS URI means TLS (_sips._tcp)', async () => {
    const { targets, dns } = await locate(sipUri('sips', 'example.com', null, { transport: 'tcp' }), {
      a: { 'example.com': ['192.0.2.8'] },
    });
    expect(dns.queries[0]).toBe('SRV _sips._tcp.example.com');
    expect(brief(targets)).toEqual(['tls 192.0.2.8:5061']);
  });

  it('RFC 3263 §4.1: transport=udp in a SIPS URI is rejected', async () => {
    await expect(locate(sipUri('sips', 'example.com', null, { transport: 'udp' }), {})).rejects.toMatchObject({
      code: 'RESOLVER_UNSUPPORTED_TRANSPORT',
    });
  });

  it('RFC 3263 §4.1: an unknown or unsupported transport is a typed error', async () => {
    await expect(locate(sipUri('sip', 'example.com', null, { transport: 'sctp' }), {})).rejects.toBeInstanceOf(ResolverError);
    await expect(
      locate(sipUri('sip', 'example.com', null, { transport: 'udp' }), {}, { preferTransports: ['tcp'] }),
    ).rejects.toMatchObject({ code: 'RESOLVER_UNSUPPORTED_TRANSPORT' });
  });

  it('RFC 3263 §4.1: a numeric IPv4 host uses UDP (SIP) with no DNS at all', async () => {
    const { targets, dns } = await locate(sipUri('sip', '192.0.2.1'), {});
    expect(targets).toEqual([{ transport: 'udp', address: '192.0.2.1', port: 5060, family: 4, hostname: null }]);
    expect(dns.queries).toEqual([]);
  });

  it('RFC 3263 §4.1: a numeric IPv6 host in a SIPS URI uses TLS on 5061, brackets removed', async () => {
    const { targets } = await locate(sipUri('sips', '[2001:db8::1]'), {});
    expect(targets).toEqual([{ transport: 'tls', address: '2001:db8::1', port: 5061, family: 6, hostname: null }]);
  });

  it('RFC 3263 §4.1: numeric host with explicit port and transport', async () => {
    const { targets } = await locate(sipUri('sip', '192.0.2.1', 5080, { transport: 'TCP' }), {});
    expect(brief(targets)).toEqual(['tcp 192.0.2.1:5080']);
  });

  it('RFC 3263 §4: maddr overrides the host as TARGET', async () => {
    const { targets } = await locate(sipUri('sip', 'example.com', null, { maddr: '198.51.100.9' }), {});
    expect(brief(targets)).toEqual(['udp 198.51.100.9:5060']);
  });

  it('RFC 3263 §4.2: a port in the URI means no NAPTR/SRV, only A/AAAA', async () => {
    const { targets, dns } = await locate(sipUri('sip', 'example.com', 5070), {
      naptr: { 'example.com': [naptr(10, 10, 'SIP+D2T', '_sip._tcp.example.com')] },
      a: { 'example.com': ['192.0.2.2'] },
      aaaa: { 'example.com': ['2001:db8::2'] },
    });
    expect(dns.queries).toEqual(['A example.com', 'AAAA example.com']);
    expect(targets).toEqual([
      { transport: 'udp', address: '192.0.2.2', port: 5070, family: 4, hostname: 'example.com' },
      { transport: 'udp', address: '2001:db8::2', port: 5070, family: 6, hostname: 'example.com' },
    ]);
  });

  it('RFC 3263 §4.1: NAPTR records are used in order, then preference', async () => {
    const { targets } = await locate(sipUri('sip', 'example.com'), {
      naptr: {
        'example.com': [
          naptr(50, 50, 'SIP+D2U', '_sip._udp.example.com'),
          naptr(90, 50, 'SIP+D2T', '_sip._tcp.example.com'),
          naptr(50, 10, 'SIPS+D2T', '_sips._tcp.example.com.'),
        ],
      },
      srv: {
        '_sip._udp.example.com': [{ name: 'u.example.com', port: 5060, priority: 0, weight: 0 }],
        '_sip._tcp.example.com': [{ name: 't.example.com', port: 5060, priority: 0, weight: 0 }],
        '_sips._tcp.example.com': [{ name: 's.example.com.', port: 5061, priority: 0, weight: 0 }],
      },
      a: { 'u.example.com': ['192.0.2.10'], 't.example.com': ['192.0.2.11'], 's.example.com': ['192.0.2.12'] },
    });
    expect(brief(targets)).toEqual(['tls 192.0.2.12:5061', 'udp 192.0.2.10:5060', 'tcp 192.0.2.11:5060']);
  });

  it('RFC 3263 §4.1: SIPS+D2U is not a valid service and is ignored; a SIPS URI keeps only TLS services', async () => {
    const { targets } = await locate(sipUri('sips', 'example.com'), {
      naptr: {
        'example.com': [
          naptr(10, 10, 'SIPS+D2U', '_sips._udp.example.com'),
          naptr(20, 10, 'SIP+D2T', '_sip._tcp.example.com'),
          naptr(30, 10, 'SIPS+D2T', '_sips._tcp.example.com'),
        ],
      },
      srv: {
        '_sips._udp.example.com': [{ name: 'bad.example.com', port: 5061, priority: 0, weight: 0 }],
        '_sip._tcp.example.com': [{ name: 'plain.example.com', port: 5060, priority: 0, weight: 0 }],
        '_sips._tcp.example.com': [{ name: 'tls.example.com', port: 5061, priority: 0, weight: 0 }],
      },
      a: { 'bad.example.com': ['192.0.2.1'], 'plain.example.com': ['192.0.2.2'], 'tls.example.com': ['192.0.2.3'] },
    });
    expect(brief(targets)).toEqual(['tls 192.0.2.3:5061']);
  });

  it('RFC 3263 §4.1: NAPTR services for transports the client does not support are skipped', async () => {
    const { targets } = await locate(
      sipUri('sip', 'example.com'),
      {
        naptr: { 'example.com': [naptr(10, 10, 'SIP+D2U', '_sip._udp.example.com'), naptr(20, 10, 'SIP+D2T', '_sip._tcp.example.com')] },
        srv: {
          '_sip._udp.example.com': [{ name: 'u.example.com', port: 5060, priority: 0, weight: 0 }],
          '_sip._tcp.example.com': [{ name: 't.example.com', port: 5060, priority: 0, weight: 0 }],
        },
        a: { 'u.example.com': ['192.0.2.10'], 't.example.com': ['192.0.2.11'] },
      },
      { preferTransports: ['tcp'] },
    );
    expect(brief(targets)).toEqual(['tcp 192.0.2.11:5060']);
  });

  it('RFC 3263 §4.1: no NAPTR → SRV probes _sips._tcp, _sip._tcp, _sip._udp in preference order', async () => {
    const { targets, dns } = await locate(sipUri('sip', 'example.com'), {
      srv: {
        '_sip._tcp.example.com': [{ name: 't.example.com', port: 5060, priority: 0, weight: 0 }],
        '_sip._udp.example.com': [{ name: 'u.example.com', port: 5062, priority: 0, weight: 0 }],
      },
      a: { 't.example.com': ['192.0.2.11'], 'u.example.com': ['192.0.2.10'] },
    });
    expect(dns.queries.filter((q) => !q.startsWith('A'))).toEqual([
      'NAPTR example.com',
      'SRV _sips._tcp.example.com',
      'SRV _sip._tcp.example.com',
      'SRV _sip._udp.example.com',
    ]);
    expect(brief(targets)).toEqual(['tcp 192.0.2.11:5060', 'udp 192.0.2.10:5062']);
  });

  it('RFC 3263 §4.1: a SIPS URI probes only _sips._tcp', async () => {
    const { dns } = await locate(sipUri('sips', 'example.com'), { a: { 'example.com': ['192.0.2.1'] } });
    expect(dns.queries).toEqual(['NAPTR example.com', 'SRV _sips._tcp.example.com', 'A example.com', 'AAAA example.com']);
  });

  it('RFC 3263 §4.1/§4.2: no NAPTR and no SRV → A/AAAA, UDP on 5060 for SIP', async () => {
    const { targets } = await locate(sipUri('sip', 'example.com'), { a: { 'example.com': ['192.0.2.1'] } });
    expect(targets).toEqual([{ transport: 'udp', address: '192.0.2.1', port: 5060, family: 4, hostname: 'example.com' }]);
  });

  it('RFC 3263 §4.1/§4.2: no NAPTR and no SRV → TLS on 5061 for SIPS, IPv6 first when asked', async () => {
    const { targets } = await locate(
      sipUri('sips', 'example.com'),
      { a: { 'example.com': ['192.0.2.1'] }, aaaa: { 'example.com': ['2001:db8::1'] } },
      { addressFamilies: [6, 4] },
    );
    expect(brief(targets)).toEqual(['tls 2001:db8::1:5061', 'tls 192.0.2.1:5061']);
  });

  it('RFC 2782: an SRV target of "." means the service is decidedly unavailable: no A fallback', async () => {
    await expect(
      locate(sipUri('sip', 'example.com', null, { transport: 'udp' }), {
        srv: { '_sip._udp.example.com': [{ name: '.', port: 0, priority: 0, weight: 0 }] },
        a: { 'example.com': ['192.0.2.1'] },
      }),
    ).rejects.toMatchObject({ code: 'RESOLVER_NOT_FOUND' });
  });

  it('RFC 3263 §4.2: nothing anywhere → ResolverError NOT_FOUND', async () => {
    const err = await locate(sipUri('sip', 'nowhere.example'), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResolverError);
    expect(err).toMatchObject({ code: 'RESOLVER_NOT_FOUND' });
  });

  it('RFC 3263 §4.2: a failing query is survived; only if nothing resolves is it DNS_ERROR', async () => {
    const ok = await locate(sipUri('sip', 'example.com'), { failing: ['example.com'], srv: {}, a: {} }).catch((e: unknown) => e);
    expect(ok).toMatchObject({ code: 'RESOLVER_DNS_ERROR' });
    const { targets } = await locate(sipUri('sip', 'example.com'), {
      failing: ['_sips._tcp.example.com'],
      srv: { '_sip._udp.example.com': [{ name: 'u.example.com', port: 5060, priority: 0, weight: 0 }] },
      a: { 'u.example.com': ['192.0.2.10'] },
    });
    expect(brief(targets)).toEqual(['udp 192.0.2.10:5060']);
  });

  it('RFC 3263 §4.2: every SRV target is resolved to all its addresses, in SRV order', async () => {
    const { targets } = await locate(sipUri('sip', 'example.com', null, { transport: 'udp' }), {
      srv: {
        '_sip._udp.example.com': [
          { name: 'b.example.com', port: 5060, priority: 20, weight: 0 },
          { name: 'a.example.com', port: 5060, priority: 10, weight: 0 },
        ],
      },
      a: { 'a.example.com': ['192.0.2.1', '192.0.2.2'], 'b.example.com': ['192.0.2.3'] },
      aaaa: { 'a.example.com': ['2001:db8::1'] },
    });
    expect(brief(targets)).toEqual(['udp 192.0.2.1:5060', 'udp 192.0.2.2:5060', 'udp 2001:db8::1:5060', 'udp 192.0.2.3:5060']);
  });

  it('RFC 3263 §4: rejects with the abort reason when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(locate(sipUri('sip', 'example.com'), {}, { signal: ac.signal })).rejects.toThrow('stop');
  });

  it('RFC 3263 §4: API misuse throws TypeError', async () => {
    await expect(locate(sipUri('sip', 'example.com'), {}, { preferTransports: [] })).rejects.toBeInstanceOf(TypeError);
    await expect(
      locateSipServer({ kind: 'tel', scheme: 'tel', number: '+1', global: true, params: [], raw: 'tel:+1' } as unknown as SipUri),
    ).rejects.toBeInstanceOf(TypeError);
  });
});

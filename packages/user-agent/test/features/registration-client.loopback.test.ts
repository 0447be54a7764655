/**
 * RegistrationClient against a registrar on loopback (test/features/support/
 * registrar.ts): SHA-256 digest from the DigestServer, 423 with Min-Expires,
 * short grants so refreshes happen within a second or two of real time.
 */
import { parseDigestCredentials, SipEndpoint, SipTransport } from '@trunkline/transaction-layer';
import { afterEach, describe, expect, it } from 'vitest';
import { FeatureScheduler } from '../../src/features/node/feature-scheduler.js';
import { RegistrationClient, type RegistrationClientEvents } from '../../src/features/node/registration-client.js';
import { startRegistrar, type Registrar } from './support/registrar.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function client(protocol: 'udp' | 'tcp' = 'udp'): Promise<{ endpoint: SipEndpoint; port: number }> {
  const transport = await SipTransport.create({ listen: [{ protocol, host: '127.0.0.1', port: 0 }] });
  const endpoint = new SipEndpoint(transport, { timers: { T1: 100, T2: 400, T4: 500 } });
  cleanups.push(async () => {
    await endpoint.close();
    await transport.close();
  });
  return { endpoint, port: transport.addresses[0]!.port };
}

async function registrar(options: Parameters<typeof startRegistrar>[0] = {}): Promise<Registrar> {
  const r = await startRegistrar(options);
  cleanups.push(() => r.close());
  return r;
}

function next<K extends keyof RegistrationClientEvents>(reg: RegistrationClient, event: K, timeoutMs = 5000): Promise<RegistrationClientEvents[K][0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    reg.once(event, ((value: RegistrationClientEvents[K][0]) => {
      clearTimeout(timer);
      resolve(value);
    }) as never);
  });
}

describe('RFC 3261 §10 RegistrationClient on loopback', () => {
  it('401 SHA-256 answered, 423 → Min-Expires, refreshes before every expiry with pre-authentication, Expires: 0 on close', async () => {
    const r = await registrar({ minExpires: 2, maxExpires: 2 });
    const { endpoint, port } = await client();
    const contact = `sip:alice@127.0.0.1:${port}`;
    const reg = new RegistrationClient({
      endpoint,
      flow: r.flow,
      registrar: r.uri,
      aor: 'sip:alice@trunkline.test',
      contact,
      expires: 1,
      credentials: { username: 'alice', password: 'alice-pw' },
    });
    const registered: Array<{ at: number; expires: number }> = [];
    reg.on('registered', ({ expires }) => registered.push({ at: performance.now(), expires }));
    const failed: unknown[] = [];
    reg.on('failed', (f) => failed.push(f));
    reg.start();
    await next(reg, 'registered');
    // Three refreshes of a 2 s grant: each due 2/3 s after the REGISTER before it.
    while (registered.length < 4) await next(reg, 'registered');
    await reg.close();
    expect(failed).toEqual([]);
    expect(registered.every((e) => e.expires === 2)).toBe(true);

    const statuses = r.seen.map((s) => s.status);
    expect(statuses.slice(0, 3)).toEqual([401, 423, 200]); // challenge, too brief, bound
    expect(statuses.slice(3)).toEqual(statuses.slice(3).map(() => 200)); // refreshes and removal: no new challenge
    const cseqs = r.seen.map((s) => s.request.cseq!.seq);
    expect(cseqs).toEqual(cseqs.map((_, i) => i + 1));
    expect(new Set(r.seen.map((s) => s.request.callId)).size).toBe(1);
    const auths = r.seen.slice(1).map((s) => parseDigestCredentials(s.request.headers.get('Authorization')!)!);
    expect(auths.every((a) => a.algorithm === 'SHA-256')).toBe(true);
    expect(auths.map((a) => parseInt(a.nc!, 16))).toEqual(auths.map((_, i) => i + 1)); // nc counts up on one nonce

    // Every refresh went out well before the binding it renews lapsed (a margin, not at expiry).
    const bound = r.seen.filter((s) => s.status === 200 && s.request.headers.get('Expires') !== '0');
    for (let i = 1; i < bound.length; i++) {
      const gap = bound[i]!.at - bound[i - 1]!.at;
      expect(gap).toBeGreaterThan(500);
      expect(gap).toBeLessThan(1900);
    }
    const removal = r.seen.at(-1)!.request;
    expect(removal.headers.get('Expires')).toBe('0');
    expect(r.bindings.get('<sip:alice@trunkline.test>')?.size).toBe(0);
    expect(reg.state).toBe('closed');
  });

  it('several registrations at once on one shared scheduler: own Call-IDs, own CSeq spaces, both bound and removed', async () => {
    const r = await registrar({ algorithms: ['SHA-256'] });
    const { endpoint, port } = await client();
    const scheduler = new FeatureScheduler();
    cleanups.push(() => scheduler.close());
    const regs = (['alice', 'bob'] as const).map(
      (user) =>
        new RegistrationClient({
          endpoint,
          scheduler,
          flow: r.flow,
          registrar: r.uri,
          aor: `sip:${user}@trunkline.test`,
          contact: `sip:${user}@127.0.0.1:${port}`,
          expires: 60,
          credentials: { username: user, password: `${user}-pw` },
        }),
    );
    const bound = regs.map((reg) => next(reg, 'registered'));
    for (const reg of regs) reg.start();
    expect((await Promise.all(bound)).map((b) => b.expires)).toEqual([60, 60]);
    expect(scheduler.size).toBe(2); // one refresh each, on one timer
    const closed = regs.map((reg) => next(reg, 'unregistered'));
    await Promise.all(regs.map((reg) => reg.close()));
    expect((await Promise.all(closed)).map((u) => u.reason)).toEqual(['closed', 'closed']);
    expect(scheduler.size).toBe(0);
    const byCall = new Map<string, number[]>();
    for (const s of r.seen) byCall.set(s.request.callId!, [...(byCall.get(s.request.callId!) ?? []), s.request.cseq!.seq]);
    expect(byCall.size).toBe(2);
    for (const seqs of byCall.values()) expect(seqs).toEqual([1, 2, 3]); // 401, 200, removal
  });

  it('RFC 5626 §4.5: a 503 is retried after the backoff with jitter, then registers', async () => {
    const r = await registrar({ failFirst: { count: 2, status: 503 } });
    const { endpoint, port } = await client();
    const reg = new RegistrationClient({
      endpoint,
      flow: r.flow,
      registrar: r.uri,
      aor: 'sip:alice@trunkline.test',
      contact: `sip:alice@127.0.0.1:${port}`,
      credentials: { username: 'alice', password: 'alice-pw' },
      retry: { baseMs: 50, maxMs: 400 },
    });
    const failures: Array<{ code: string; status: number | null; wait: number }> = [];
    reg.on('failed', ({ error, retryAt }) => failures.push({ code: error.code, status: error.status, wait: retryAt! - performance.now() }));
    reg.start();
    await next(reg, 'registered');
    expect(failures.map((f) => [f.code, f.status])).toEqual([
      ['REGISTRATION_REJECTED', 503],
      ['REGISTRATION_REJECTED', 503],
    ]);
    // W = base·2^n: [50, 100] ms then [100, 200] ms (a little early: measured after the event).
    expect(failures[0]!.wait).toBeLessThanOrEqual(100);
    expect(failures[1]!.wait).toBeGreaterThan(90);
    expect(failures[1]!.wait).toBeLessThanOrEqual(200);
    await reg.close();
  });

  it('a registrar that never answers: REGISTRATION_TIMEOUT after Timer F, close() still settles', async () => {
    const { endpoint, port } = await client();
    const silent = await client(); // bound but its endpoint answers nothing: no request listener
    const reg = new RegistrationClient({
      endpoint,
      flow: { protocol: 'udp', address: '127.0.0.1', port: silent.port },
      registrar: `sip:127.0.0.1:${silent.port}`,
      aor: 'sip:alice@trunkline.test',
      contact: `sip:alice@127.0.0.1:${port}`,
      retry: { baseMs: 60_000, maxMs: 60_000 },
    });
    reg.start();
    const f = await next(reg, 'failed', 10_000); // Timer F = 64·T1 = 6.4 s with T1 = 100 ms
    expect(f.error.code).toBe('REGISTRATION_TIMEOUT');
    await reg.close();
    expect(reg.state).toBe('closed');
  }, 20_000);
});

/**
 * `ua.register()` and `ua.keepAlive()` (issue 12): the user agent's own
 * endpoint, Contact and one FeatureScheduler; close() unregisters and stops
 * probing.
 */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { UserAgent } from '../../src/index.js';
import { testAgent } from '../support/ua.js';
import { startRegistrar, type Registrar } from './support/registrar.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function agent(): Promise<UserAgent> {
  const ua = await testAgent({ media: { srtp: 'off' } });
  cleanup.push(() => ua.close());
  return ua;
}

describe('RFC 3261 §10 ua.register()', () => {
  it('digest challenge answered, registered with our Contact, two registrations at once; ua.close() unregisters both (Expires: 0)', async () => {
    const r: Registrar = await startRegistrar({ minExpires: 1 });
    cleanup.push(() => r.close());
    const ua = await agent();
    const alice = ua.register({ registrar: r.uri, aor: 'sip:alice@trunkline.test', credentials: { username: 'alice', password: 'alice-pw' }, expires: 60 });
    const bob = ua.register({ registrar: r.uri, aor: 'sip:bob@trunkline.test', credentials: { username: 'bob', password: 'bob-pw' }, expires: 60 });
    const unregistered = Promise.all([once(alice, 'unregistered'), once(bob, 'unregistered')]);
    const [[a], [b]] = (await Promise.all([once(alice, 'registered'), once(bob, 'registered')])) as [[{ expires: number }], [{ expires: number }]];
    expect(a.expires).toBe(60);
    expect(b.expires).toBe(60);
    const port = ua.addresses[0]!.port;
    const bound = r.seen.find((s) => s.status === 200)!.request;
    expect(bound.headers.get('Contact')).toContain(`@127.0.0.1:${port}`);
    expect(r.seen.map((s) => s.status)).toContain(401);
    await ua.close();
    const [[ua1], [ub1]] = (await unregistered) as [[{ reason: string }], [{ reason: string }]];
    expect([ua1.reason, ub1.reason]).toEqual(['closed', 'closed']);
    const removals = r.seen.filter((s) => s.request.headers.get('Expires') === '0');
    expect(removals).toHaveLength(2);
    expect(r.bindings.get('<sip:alice@trunkline.test>')?.size ?? 0).toBe(0);
    expect(r.bindings.get('<sip:bob@trunkline.test>')?.size ?? 0).toBe(0);
  }, 10_000);
});

describe('RFC 3261 §11 ua.keepAlive()', () => {
  it('OPTIONS to a live trunk → trunkUp; to a silent one → trunkDown; close() stops both', async () => {
    const ua = await agent();
    const peer = await agent(); // answers OPTIONS with 200 (§11.2)
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const up = ua.keepAlive({ target: `sip:127.0.0.1:${peer.addresses[0]!.port}`, intervalMs: 200 });
    const down = ua.keepAlive({ target: `sip:127.0.0.1:${silent.address().port}`, intervalMs: 200, responseTimeoutMs: 300, failuresBeforeDown: 2 });
    const [[u]] = (await Promise.all([once(up, 'trunkUp'), once(down, 'trunkDown')])) as [[{ status: number }], unknown];
    expect(u.status).toBe(200);
    expect(up.state).toBe('up');
    expect(down.state).toBe('down');
    await ua.close();
    expect(up.state).toBe('closed');
    expect(down.state).toBe('closed');
  }, 10_000);
});

/**
 * Digest through the user agent (issue 14): a registrar whose nonces expire
 * between refreshes answers `stale=true` and the registration carries on
 * without a failure (RFC 7616 §3.3); and no password, H(A1) or Authorization
 * value reaches an error, the logger hook or any diagnostics channel during a
 * refused and an accepted REGISTER and INVITE.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { createResponse, parseMessage, type SipRequest } from '@trunkline/sip-parser';
import { computeHA1, DigestServer, parseDigestChallenge, parseDigestCredentials, SipEndpoint, SipTransport } from '@trunkline/transaction-layer';
import { afterEach, describe, expect, it } from 'vitest';
import { CALL_CHANNEL, LOG_CHANNEL, type LogEntry, type UserAgent } from '../../src/index.js';
import { testAgent } from '../support/ua.js';
import { until } from './support/pair.js';
import { startRegistrar } from './support/registrar.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('RFC 7616 §3.3 ua.register() and stale nonces', () => {
  it('RFC 7616 §3.3: a refresh on an expired nonce gets 401 stale=true and is retried at once with the new nonce (nc=1), no failed event', async () => {
    const r = await startRegistrar({ maxExpires: 1, digest: { nonceTtlMs: 1500 } });
    cleanup.push(() => r.close());
    const inbound: string[] = [];
    const ua = await testAgent({ media: { srtp: 'off' }, trace: (ev) => void (ev.direction === 'in' && inbound.push(Buffer.from(ev.bytes).toString('latin1'))) });
    cleanup.push(() => ua.close());
    const reg = ua.register({ registrar: r.uri, aor: 'sip:alice@trunkline.test', credentials: { username: 'alice', password: 'alice-pw' }, expires: 1 });
    const failed: unknown[] = [];
    reg.on('failed', (f) => failed.push(f));
    // A 401 after the first 200 is the stale one; wait for the 200 that follows it.
    const staleDone = (): boolean => {
      const s = r.seen.map((x) => x.status);
      const first200 = s.indexOf(200);
      const again = s.indexOf(401, first200 + 1);
      return first200 >= 0 && again > 0 && s.slice(again + 1).includes(200);
    };
    await until(staleDone, 8000);
    expect(staleDone()).toBe(true);
    await reg.close();
    expect(failed).toEqual([]);
    const statuses = r.seen.map((x) => x.status);
    const at = statuses.indexOf(401, statuses.indexOf(200) + 1);
    expect(statuses[at + 1]).toBe(200);
    // The 401 to that refresh (by CSeq: a loaded box may have retransmitted earlier ones).
    const refreshed = r.seen[at]!.request.cseq!.seq;
    const challenge = inbound
      .filter((m) => m.startsWith('SIP/2.0 401'))
      .map((m) => parseMessage(Buffer.from(m, 'latin1')))
      .find((m) => m.cseq?.seq === refreshed);
    const staleChallenge = parseDigestChallenge(challenge!.headers.get('WWW-Authenticate')!)!;
    expect(staleChallenge.stale).toBe(true);
    const before = parseDigestCredentials(r.seen[at]!.request.headers.get('Authorization')!)!;
    const after = parseDigestCredentials(r.seen[at + 1]!.request.headers.get('Authorization')!)!;
    expect(before.nc).not.toBe('00000001'); // the refresh was pre-authenticated on the old nonce
    expect(after).toMatchObject({ nonce: staleChallenge.nonce, nc: '00000001', username: 'alice' });
    expect(r.seen[at + 1]!.request.cseq!.seq).toBe(r.seen[at]!.request.cseq!.seq + 1);
  }, 15_000);
});

/** Every diagnostics channel name the packages declare (`'trunkline:…'` literals in src/). */
function declaredChannels(): string[] {
  const root = join(import.meta.dirname, '../../..');
  const names = new Set<string>();
  for (const pkg of readdirSync(root)) {
    let files: string[];
    try {
      files = readdirSync(join(root, pkg, 'src'), { recursive: true }) as string[];
    } catch {
      continue;
    }
    for (const f of files.filter((x) => x.endsWith('.ts'))) {
      for (const m of readFileSync(join(root, pkg, 'src', f), 'utf8').matchAll(/'(trunkline:[a-z0-9:-]+)'/g)) names.add(m[1]!);
    }
  }
  return [...names];
}

/** Every string reachable from `x` (bytes decoded), plus how `inspect` prints it: what a log line could show. */
function everything(x: unknown): string {
  const out: string[] = [inspect(x, { depth: 8 })];
  const seen = new Set<unknown>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 8 || v === null || v === undefined) return;
    if (typeof v === 'string') out.push(v);
    else if (v instanceof Uint8Array) out.push(Buffer.from(v).toString('latin1'));
    else if (typeof v === 'object' && !seen.has(v)) {
      seen.add(v);
      if (v instanceof Error) {
        out.push(v.message, v.stack ?? '');
        walk(v.cause, depth + 1);
      }
      if (v instanceof Map) for (const [k, e] of v) walk([k, e], depth + 1);
      for (const key of Object.keys(v)) walk((v as Record<string, unknown>)[key], depth + 1);
    }
  };
  walk(x, 0);
  return out.join('\n');
}

/**
 * A UAS that challenges every INVITE with a DigestServer and answers a verified one 486 (the
 * credentials were fine, the callee busy); `nobody@` gets a challenge no client can answer.
 */
async function challengingUas(password: string): Promise<{ port: number; authorizations: string[] }> {
  const transport = await SipTransport.create({ listen: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
  const endpoint = new SipEndpoint(transport);
  cleanup.push(async () => {
    await endpoint.close();
    await transport.close();
  });
  const digest = new DigestServer({ realm: 'trunkline.test', algorithms: ['SHA-256', 'MD5'] });
  const authorizations: string[] = [];
  endpoint.on('request', ({ request, respond }) => {
    if (request.method !== 'INVITE') return void respond(createResponse(request, 200, { toTag: 'uas' }));
    if (request.requestUri.startsWith('sip:nobody@')) {
      return void respond(createResponse(request, 401, { toTag: 'uas', headers: [['WWW-Authenticate', 'Digest realm="trunkline.test", nonce="n", algorithm=MD6']] }));
    }
    const a = request.headers.get('Authorization');
    if (a !== undefined) authorizations.push(a);
    void digest.verify(request as SipRequest, (u) => (u === 'bob' ? { password } : undefined), performance.now()).then((v) => {
      if (v.status === 'ok') respond(createResponse(request, 486, { toTag: 'uas' }));
      else respond(createResponse(request, 401, { toTag: 'uas', headers: digest.challenge(performance.now(), { stale: v.status === 'stale' }).map((h) => [h.name, h.value] as const) }));
    });
  });
  return { port: transport.addresses[0]!.port, authorizations };
}

describe('RFC 7616 §5.1 no credential in logs, diagnostics or errors', () => {
  it('RFC 7616 §5.1: refused and accepted REGISTER and INVITE leave no password, H(A1) or Authorization value in errors, the logger or any diagnostics channel', async () => {
    const channels = declaredChannels();
    expect(channels).toEqual(expect.arrayContaining([LOG_CHANNEL, CALL_CHANNEL, 'trunkline:transaction-layer:endpoint-error']));
    const published: unknown[] = [];
    const onMessage = (message: unknown, name: string | symbol): void => void published.push(name, message);
    for (const c of channels) subscribe(c, onMessage);
    cleanup.push(() => channels.forEach((c) => unsubscribe(c, onMessage)));
    const logged: LogEntry[] = [];
    const traced: string[] = [];
    const ua: UserAgent = await testAgent({ media: { srtp: 'off' }, logger: (e) => logged.push(e), trace: (ev) => void traced.push(Buffer.from(ev.bytes).toString('latin1')) });
    cleanup.push(() => ua.close());
    const errors: unknown[] = [];

    const r = await startRegistrar({ minExpires: 1 });
    cleanup.push(() => r.close());
    const wrong = ua.register({ registrar: r.uri, aor: 'sip:alice@trunkline.test', credentials: { username: 'alice', password: 'Wr0ng-alice-secret' }, expires: 60 });
    wrong.on('failed', (f) => errors.push(f));
    await until(() => errors.length > 0, 5000);
    await wrong.close();
    const right = ua.register({ registrar: r.uri, aor: 'sip:alice@trunkline.test', credentials: { username: 'alice', password: 'alice-pw' }, expires: 60 });
    const bound = new Promise((resolve) => right.once('registered', resolve));
    await bound;
    await right.close();

    const uas = await challengingUas('B0b-right-secret');
    for (const [user, password] of [['bob', 'B0b-wr0ng-secret'], ['bob', 'B0b-right-secret'], ['nobody', 'B0b-right-secret']] as const) {
      const failure = await ua.invite(`sip:${user}@127.0.0.1:${uas.port}`, { credentials: { username: 'bob', password }, signal: AbortSignal.timeout(5000) }).then(
        () => new Error('the call was answered'),
        (e: unknown) => e,
      );
      errors.push(failure);
    }
    expect(errors.map((e) => (e as { error?: { code?: string }; code?: string }).error?.code ?? (e as { code?: string }).code)).toEqual([
      'REGISTRATION_AUTH_FAILED',
      'CALL_AUTH_FAILED',
      'CALL_BUSY',
      'CALL_AUTH_FAILED',
    ]);

    const secrets = ['Wr0ng-alice-secret', 'alice-pw', 'B0b-wr0ng-secret', 'B0b-right-secret'];
    for (const [user, pw] of [['alice', 'Wr0ng-alice-secret'], ['alice', 'alice-pw'], ['bob', 'B0b-wr0ng-secret'], ['bob', 'B0b-right-secret']] as const) {
      for (const hash of ['MD5', 'SHA-256'] as const) secrets.push(computeHA1(hash, user, 'trunkline.test', pw));
    }
    const sentAuth = [...r.seen.map((s) => s.request.headers.get('Authorization')).filter((a): a is string => a !== undefined), ...uas.authorizations];
    expect(sentAuth.length).toBeGreaterThanOrEqual(4);
    const wire = sentAuth.flatMap((a) => [a, parseDigestCredentials(a)!.response]);

    // The search reaches a secret wherever a log line could: an error's cause, bytes in a record.
    expect(everything({ e: new Error('x', { cause: new Error(secrets[0]) }) })).toContain(secrets[0]);
    expect(everything([{ bytes: Buffer.from(wire[0]!) }])).toContain(wire[0]);
    const seen = everything([errors, logged, published]);
    for (const s of [...secrets, ...wire]) expect(seen.includes(s), `found in errors/logs/diagnostics: ${s}`).toBe(false);
    // The SIP trace shows the wire as sent (Authorization included, as on the network), but never the password or H(A1).
    const trace = traced.join('\n');
    for (const s of secrets) expect(trace.includes(s), `found in the trace: ${s}`).toBe(false);
    expect(trace).toContain(sentAuth[0]);
    expect(published).toContain(CALL_CHANNEL); // the channels did carry records...
    expect(logged.some((e) => e.message === 'challenge could not be answered')).toBe(true); // ...and so did the logger
  }, 20_000);
});

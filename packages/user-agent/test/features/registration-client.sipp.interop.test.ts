/**
 * RegistrationClient against SIPp 3.6.1 (Debian `sip-tester`) running
 * sipp/register-server.xml: 401 with an MD5 digest challenge, 200 with a
 * 2 s Expires, a pre-authenticated refresh before it lapses, then the
 * Expires: 0 removal on close(). UDP and TCP, loopback, ephemeral ports,
 * every SIPp run bounded by -m 1, -timeout and a kill timer.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SipEndpoint, SipTransport } from '@trunkline/transaction-layer';
import { describe, expect, it } from 'vitest';
import { freePort, requirePeer } from '@trunkline/test-support';
import { RegistrationClient } from '../../src/features/node/registration-client.js';

const SCENARIO = fileURLToPath(new URL('./sipp/register-server.xml', import.meta.url));
requirePeer('sipp');

function runSipp(args: string[]): { child: ChildProcess; done: Promise<{ code: number; output: string }> } {
  let child!: ChildProcess;
  const done = new Promise<{ code: number; output: string }>((resolve) => {
    child = execFile('sipp', [...args, '-m', '1', '-timeout', '20', '-timeout_error', '-nostdin'], { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, output: `${stdout}\n${stderr}` });
    });
  });
  return { child, done };
}

describe('RFC 3261 §10 RegistrationClient against SIPp 3.6.1 register-server.xml (MD5 digest)', () => {
  it.each(['udp', 'tcp'] as const)('over %s: challenged, bound for 2 s, refreshed before expiry, removed on close', async (protocol) => {
    const sippPort = await freePort(protocol);
    const sipp = runSipp([
      '-sf', SCENARIO,
      '-key', 'grant', '2',
      '-key', 'user', 'alice',
      '-key', 'password', 'alice-pw',
      '-i', '127.0.0.1', '-p', String(sippPort),
      ...(protocol === 'tcp' ? ['-t', 't1'] : []),
    ]);
    const transport = await SipTransport.create({ listen: [{ protocol, host: '127.0.0.1', port: 0 }] });
    const endpoint = new SipEndpoint(transport);
    try {
      // SIPp binds in a few ms; a REGISTER sent before that is retransmitted (UDP) — over TCP wait for the listener.
      if (protocol === 'tcp') await new Promise((r) => setTimeout(r, 300));
      const reg = new RegistrationClient({
        endpoint,
        flow: { protocol, address: '127.0.0.1', port: sippPort },
        registrar: `sip:127.0.0.1:${sippPort}${protocol === 'tcp' ? ';transport=tcp' : ''}`,
        aor: 'sip:alice@sipp.test',
        contact: `sip:alice@127.0.0.1:${transport.addresses[0]!.port}${protocol === 'tcp' ? ';transport=tcp' : ''}`,
        credentials: { username: 'alice', password: 'alice-pw' },
        retry: { baseMs: 60_000, maxMs: 60_000 },
      });
      const events: string[] = [];
      const grants: number[] = [];
      reg.on('registered', ({ expires }) => {
        events.push('registered');
        grants.push(expires);
      });
      reg.on('failed', ({ error }) => events.push(`failed:${error.code}:${String(error.status)}`));
      reg.on('unregistered', ({ reason }) => events.push(`unregistered:${reason}`));
      const twice = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not refreshed in time: ${events.join(', ')}`)), 8000);
        reg.on('registered', () => {
          if (grants.length === 2) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const started = performance.now();
      reg.start();
      await twice;
      // The refresh of a 2 s grant came at 2/3 s, well before the binding lapsed.
      expect(performance.now() - started).toBeLessThan(1900);
      await reg.close();
      expect(events).toEqual(['registered', 'registered', 'unregistered:closed']);
      expect(grants).toEqual([2, 2]);
      const { code, output } = await sipp.done;
      expect(code, output.slice(-3000)).toBe(0);
    } finally {
      if (sipp.child.exitCode === null) sipp.child.kill();
      await endpoint.close();
      await transport.close();
    }
  }, 40_000);

  it('a wrong password is refused by SIPp verifyauth (403): failed REGISTRATION_REJECTED, and the scenario fails', async () => {
    const sippPort = await freePort('udp');
    const sipp = runSipp(['-sf', SCENARIO, '-key', 'grant', '2', '-key', 'user', 'alice', '-key', 'password', 'alice-pw', '-i', '127.0.0.1', '-p', String(sippPort)]);
    const transport = await SipTransport.create({ listen: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
    const endpoint = new SipEndpoint(transport);
    try {
      const reg = new RegistrationClient({
        endpoint,
        flow: { protocol: 'udp', address: '127.0.0.1', port: sippPort },
        registrar: `sip:127.0.0.1:${sippPort}`,
        aor: 'sip:alice@sipp.test',
        contact: `sip:alice@127.0.0.1:${transport.addresses[0]!.port}`,
        credentials: { username: 'alice', password: 'wrong' },
        retry: { baseMs: 60_000, maxMs: 60_000 },
      });
      const failed = new Promise<{ code: string; status: number | null }>((resolve) => reg.once('failed', ({ error }) => resolve(error)));
      reg.start();
      expect(await failed).toMatchObject({ code: 'REGISTRATION_REJECTED', status: 403 });
      await reg.close();
      expect((await sipp.done).code).not.toBe(0);
    } finally {
      if (sipp.child.exitCode === null) sipp.child.kill();
      await endpoint.close();
      await transport.close();
    }
  }, 40_000);
});

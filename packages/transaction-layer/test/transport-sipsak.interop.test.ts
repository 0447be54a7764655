/**
 * Interop with sipsak (Debian package `sipsak`): it sends OPTIONS and exits 0
 * on a 200. Our UAS is a SipTransport answering statelessly along §18.2.2.
 */
import { spawn, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createResponse } from '@trunkline/sip-parser';
import { responseFlow } from '../src/transport/response-flow.js';
import type { SipTransport } from '../src/transport/sip-transport.js';
import { closeAll, portOf, transport } from './helpers/transport-harness.js';

const INSTALL_HINT =
  'sipsak is not installed; this interop test needs it. Install it with `apt-get install -y sipsak` ' +
  '(or `sudo bash scripts/install-peers.sh`, which installs every package in scripts/peer-packages.txt).';

/** Fails the calling test (never skips it) when sipsak is missing. */
function requireSipsak(): void {
  const probe = spawnSync('sipsak', ['--version'], { timeout: 5000 });
  if (probe.error !== undefined) throw new Error(`${INSTALL_HINT} (${probe.error.message})`);
}
afterEach(closeAll);

/** Runs sipsak with a deadline; resolves with its exit code and output. */
function sipsak(args: string[], timeoutMs = 10_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sipsak', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sipsak ${args.join(' ')} did not exit within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${INSTALL_HINT} (${e.message})`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A stateless UAS: every OPTIONS gets a 200 (RFC 3261 §11.2), routed per §18.2.2 / RFC 3581. */
async function uas(): Promise<SipTransport> {
  const t = await transport({ listen: [{ protocol: 'udp', port: 0 }, { protocol: 'tcp', port: 0 }] });
  t.on('message', ({ message, flow }) => {
    if (message.isRequest && message.method === 'OPTIONS') {
      void t.send(createResponse(message, 200, { toTag: 'sipsak-uas' }), responseFlow(message, flow));
    }
  });
  return t;
}

describe('sipsak interop', () => {
  it('RFC 3261 §11 / §18.2.2: sipsak OPTIONS over UDP gets our 200 (exit 0)', async () => {
    requireSipsak();
    const t = await uas();
    const r = await sipsak(['-s', `sip:test@127.0.0.1:${portOf(t, 'udp')}`, '-H', '127.0.0.1', '-vv']);
    expect(r.code, r.output).toBe(0);
    expect(t.stats.messagesReceived).toBeGreaterThanOrEqual(1);
    expect(t.stats.malformed).toBe(0);
  });

  it('RFC 3261 §11 / §18.2.2: sipsak OPTIONS over TCP (-E tcp) gets our 200 on the same connection (exit 0)', async () => {
    requireSipsak();
    const t = await uas();
    const r = await sipsak(['-s', `sip:test@127.0.0.1:${portOf(t, 'tcp')}`, '-H', '127.0.0.1', '-E', 'tcp', '-vv']);
    expect(r.code, r.output).toBe(0);
    expect(t.stats.messagesReceived).toBeGreaterThanOrEqual(1);
    expect(t.stats.malformed).toBe(0);
  });
});

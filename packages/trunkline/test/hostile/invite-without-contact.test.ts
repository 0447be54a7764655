/**
 * Found by the hostile run (RFC 4475 §3.4.1 `inv2543`, an RFC 2543 INVITE
 * without Contact): the user agent admits an INVITE without Contact as a call
 * (RFC 3261 §8.1.1.8 makes Contact mandatory in an INVITE), opens its RTP port,
 * and `answer()` then fails building the dialog (§12.1.1) with no final
 * response sent: the call stayed `incoming` for ever, holding a `maxCalls`
 * slot, an RTP port and a server transaction — a few hundred such datagrams
 * filled the endpoint for good. The echo endpoint now refuses a call it could
 * not answer, which releases all three.
 */
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startEchoEndpoint } from '../../src/echo/echo-endpoint.js';
import { parseEchoArgs } from '../../src/index.js';
import { aimAt, loadTortureMessages, viaOf } from './hostile-input.js';

it('RFC 3261 §8.1.1.8: an INVITE without Contact gets a final error response and leaves no call, port or transaction behind', async () => {
  const stateDir = await mkdtemp(join(tmpdir(), 'trunkline-hostile-'));
  const o = parseEchoArgs(['--port', '0', '--bind', '127.0.0.1', '--transports', 'udp', '--state-dir', stateDir]);
  if (o === 'help') throw new Error('unexpected help');
  const T1 = 25;
  const endpoint = await startEchoEndpoint(o, {}, { timers: { T1, T2: 100, T4: 100 } });
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    const statuses: number[] = [];
    socket.on('message', (m) => statuses.push(Number(/^SIP\/2\.0 (\d{3})/.exec(m.toString('latin1'))?.[1])));
    const [inv2543] = loadTortureMessages().filter((m) => Buffer.from(m).includes('Call-ID: inv2543.1717'));
    expect(Buffer.from(inv2543!).toString('latin1')).not.toMatch(/^(Contact|m)\s*:/im);
    socket.send(aimAt(inv2543!, viaOf('udp', '127.0.0.1', socket.address().port, 'nocontact')), endpoint.ua.addresses[0]!.port, '127.0.0.1');

    await expect.poll(() => statuses.some((s) => s >= 300), { timeout: 5000 }).toBe(true);
    expect(statuses.find((s) => s >= 300)).toBeGreaterThanOrEqual(400);
    // Timer H (64·T1) ends the unacknowledged final response's transaction.
    await expect.poll(() => endpoint.ua.stats, { timeout: 64 * T1 + 5000 }).toMatchObject({ callsActive: 0, portsInUse: 0, transactions: 0 });
  } finally {
    socket.close();
    await endpoint.close();
    await rm(stateDir, { recursive: true, force: true });
  }
});

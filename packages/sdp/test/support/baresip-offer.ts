/**
 * Captures the SDP offer of a real baresip 1.0 (Debian `baresip-core`): baresip runs with a
 * throw-away config dir and dials a UDP socket we bound on an ephemeral loopback port; we read its
 * INVITE, answer nothing and kill it. Bounded by `timeoutMs`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** baresip's media encryption setting (`;mediaenc=` of the account line), or none. */
export type BaresipMediaenc = 'none' | 'srtp' | 'srtp-mand';

const INSTALL_HINT =
  'baresip is not installed; this interop test needs it: `apt-get install -y baresip-core` ' +
  '(or `sudo bash scripts/install-peers.sh`).';

/** Fails (never skips) when baresip is missing. */
export function requireBaresip(): void {
  const probe = spawnSync('baresip', ['-h'], { timeout: 5000 });
  if (probe.error !== undefined) throw new Error(`${INSTALL_HINT} (${probe.error.message})`);
}

/** Runs baresip until it sends its INVITE; resolves with the INVITE's body (the offer). */
export async function captureBaresipOffer(mediaenc: BaresipMediaenc, timeoutMs = 8000): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-baresip-'));
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  writeFileSync(
    join(dir, 'config'),
    [
      'module_path /usr/lib/baresip/modules',
      'module stdio.so',
      'module g711.so',
      'module srtp.so',
      'module aubridge.so',
      'module_tmp account.so',
      'module_app menu.so',
      'sip_listen 127.0.0.1:0',
      'net_interface 127.0.0.1',
      'audio_player aubridge,nil',
      'audio_source aubridge,nil',
      '',
    ].join('\n'),
  );
  const enc = mediaenc === 'none' ? '' : `;mediaenc=${mediaenc}`;
  writeFileSync(join(dir, 'accounts'), `<sip:uac@127.0.0.1>;regint=0;audio_codecs=pcmu,pcma;ptime=20${enc}\n`);
  writeFileSync(join(dir, 'contacts'), '');
  const child = spawn('baresip', ['-f', dir, '-e', `/dial sip:trunkline@127.0.0.1:${port}`], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no INVITE from baresip within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`${INSTALL_HINT} (${e.message})`));
      });
      socket.on('message', (msg) => {
        const text = msg.toString('utf8');
        if (!text.startsWith('INVITE ')) return;
        clearTimeout(timer);
        const at = text.indexOf('\r\n\r\n');
        resolve(at < 0 ? '' : text.slice(at + 4));
      });
    });
  } finally {
    child.kill('SIGKILL');
    socket.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

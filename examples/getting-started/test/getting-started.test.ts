/**
 * The root README's getting-started programs, as written: the README holds
 * each file word for word, and the two run against each other.
 */
import { spawn, execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateChirp, writeWav } from '@trunkline/codecs';

const dir = fileURLToPath(new URL('..', import.meta.url));
const tsx = ['--conditions=source', '--import', 'tsx'];

describe('README getting started', () => {
  it('the README shows both programs word for word', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const name of ['answer-and-echo.ts', 'call-and-play.ts']) {
      expect(readme).toContain(await readFile(join(dir, 'src', name), 'utf8'));
    }
  });

  it('call-and-play calls answer-and-echo with UUI, plays a WAV, hangs up; the echo side logs the call', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'trunkline-gs-'));
    const wav = join(tmp, 'chirp.wav');
    await writeFile(wav, writeWav(generateChirp({ sampleRate: 8000, durationMs: 1000 }), 8000));
    const echo = spawn(process.execPath, [...tsx, 'src/answer-and-echo.ts'], { cwd: dir, env: { ...process.env, SIP_PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    echo.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    try {
      await expect.poll(() => /listening on udp port (\d+)/.exec(out), { timeout: 20_000 }).not.toBeNull();
      const port = /listening on udp port (\d+)/.exec(out)![1];
      const { stdout } = await promisify(execFile)(process.execPath, [...tsx, 'src/call-and-play.ts', `sip:agent@127.0.0.1:${port}`, wav], { cwd: dir, timeout: 30_000 });
      const lines = stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^answered in \d+ ms, PCMU$/);
      expect(lines[1]).toMatch(/^played 1000 ms, sent \d+ packets$/);
      expect(Number(/sent (\d+)/.exec(lines[1]!)![1])).toBeGreaterThanOrEqual(50);
      await expect.poll(() => out, { timeout: 10_000 }).toMatch(/ended by remote \(hangup\), \d+ packets in, MOS \d\.\d\d/);
      expect(out).toMatch(/call from sip:trunkline@[\d.]+, UUI 04434153452D3230343831/);
    } finally {
      echo.kill('SIGINT');
      await once(echo, 'exit');
      await rm(tmp, { recursive: true, force: true });
    }
  });
});

/**
 * Builds and drives test/interop/srtp-helper.c, a small libsrtp (Debian `libsrtp2-dev`) program
 * used by the interop test and the benchmark.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
let built: string | undefined;

/** How to get libsrtp, for error messages. */
export const LIBSRTP_INSTALL_HINT =
  'libsrtp2 is required for the SRTP interop test: install it with ' +
  '`apt-get install libsrtp2-dev pkg-config gcc` (scripts/install-peers.sh does this from scripts/peer-packages.txt)';

/**
 * Compiles the helper into a temporary directory (once per process) and returns its path.
 * @throws Error with {@link LIBSRTP_INSTALL_HINT} when libsrtp2, pkg-config or cc is missing
 */
export function buildSrtpHelper(): string {
  if (built !== undefined) return built;
  let flags: string[];
  try {
    flags = execFileSync('pkg-config', ['--cflags', '--libs', 'libsrtp2'], { encoding: 'utf8', stdio: 'pipe' })
      .trim()
      .split(/\s+/)
      .filter((f) => f.length > 0);
  } catch (e) {
    throw new Error(`${LIBSRTP_INSTALL_HINT}. pkg-config --libs libsrtp2 failed: ${String(e)}`, { cause: e });
  }
  const out = join(mkdtempSync(join(tmpdir(), 'trunkline-srtp-')), 'srtp-helper');
  try {
    execFileSync('cc', ['-O2', '-o', out, join(here, 'srtp-helper.c'), ...flags], { stdio: 'pipe' });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString() ?? String(e);
    throw new Error(`${LIBSRTP_INSTALL_HINT}. Compiling srtp-helper.c failed: ${stderr}`, { cause: e });
  }
  built = out;
  return out;
}

/** Modes of the helper that transform packets. */
export type HelperMode = 'protect' | 'unprotect' | 'protect-rtcp' | 'unprotect-rtcp';

/**
 * Runs the helper over `packets`; returns one entry per packet: the resulting bytes, or the string
 * `ERR <status>` libsrtp returned.
 */
export function runSrtpHelper(
  mode: HelperMode,
  profile: string,
  keySalt: Uint8Array,
  packets: readonly Uint8Array[],
): (Uint8Array | string)[] {
  const input = packets.map((p) => Buffer.from(p).toString('hex')).join('\n') + '\n';
  const stdout = execFileSync(buildSrtpHelper(), [mode, profile, Buffer.from(keySalt).toString('hex')], {
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = stdout.split('\n').filter((l) => l.length > 0);
  return lines.map((l) => (l.startsWith('ERR') ? l : new Uint8Array(Buffer.from(l, 'hex'))));
}

/** libsrtp's own packets/s for `count` packets of a 12-byte header plus `payload` bytes. */
export function benchLibsrtp(
  profile: string,
  keySalt: Uint8Array,
  count: number,
  payload: number,
): { protect: number; unprotect: number } {
  const stdout = execFileSync(
    buildSrtpHelper(),
    ['bench', profile, Buffer.from(keySalt).toString('hex'), String(count), String(payload)],
    { encoding: 'utf8' },
  );
  const get = (name: string): number => Number(/^(\w+) (\d+)$/m.exec(stdout.split('\n').find((l) => l.startsWith(name + ' ')) ?? '')?.[2] ?? NaN);
  return { protect: get('protect'), unprotect: get('unprotect') };
}

/**
 * Runs baresip (Debian's `baresip-core`, 1.0) as a real SIP peer for interop
 * tests: a throw-away config directory, loopback only, commands on stdin
 * (`/dial URI`, `/hangup`, `/quit`), and its console output to wait on.
 * Facts it relies on: ../../shared/interop-notes.md (TLS on the SIP port + 1,
 * `net_interface 127.0.0.1`, `answermode=auto`, `mediaenc=srtp-mand`...).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options of {@link Baresip.start}. */
export interface BaresipOptions {
  /** User part of the account (as a UAS it answers only this user; others get 404). Default `uas`. */
  readonly user?: string;
  /** `srtp` (RTP/AVP + a=crypto), `srtp-mand` (RTP/SAVP + SDES), or none. Default none. */
  readonly mediaenc?: 'srtp' | 'srtp-mand';
  /** Answer incoming calls at once (`answermode=auto`). Default true. */
  readonly autoAnswer?: boolean;
  /** Load the echo module: an answered call sends back what it receives. Default false. */
  readonly echo?: boolean;
  /** WAV (8 kHz mono 16-bit) played as our audio (`aufile`); the call ends when it ends. Default: none. */
  readonly audioSource?: string;
  /** Directory where the `sndfile` module dumps each call's decoded received and sent audio. Default: none. */
  readonly recordDir?: string;
  /** PEM file holding certificate and key, for a TLS listener on the SIP port + 1. Default: none. */
  readonly tlsCertificateFile?: string;
  /** Print the SIP trace (`-s`) into {@link Baresip.output}. Default true. */
  readonly sipTrace?: boolean;
  /** The account's `audio_codecs`, in preference order; `g722` and `opus` load their modules. Default `['pcmu']`. */
  readonly audioCodecs?: readonly ('pcmu' | 'pcma' | 'g722' | 'opus')[];
  /** Further `config` lines, appended after the ones made from the options above (e.g. `audio_buffer 20-80`). Default none. */
  readonly config?: readonly string[];
}

async function portFree(port: number): Promise<boolean> {
  const udp = await new Promise<boolean>((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  if (!udp) return false;
  return new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A port P with P (UDP and TCP) and P + 1 (TCP, baresip's TLS) free on 127.0.0.1, picked from an ephemeral UDP bind. */
async function freeSipPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createSocket('udp4');
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    if (port < 65535 && (await portFree(port)) && (await portFree(port + 1))) return port;
  }
  throw new Error('no free port pair for baresip');
}

/** A running baresip. Always {@link stop} it (tests: in `afterEach`). */
export class Baresip {
  /** Its SIP port (UDP/TCP); TLS listens on `sipPort + 1`. */
  readonly sipPort: number;
  /** The config directory (removed by {@link stop}). */
  readonly dir: string;
  readonly #child: ChildProcessWithoutNullStreams;
  #output = '';
  readonly #waiters = new Set<() => void>();
  readonly #exited: Promise<void>;

  private constructor(child: ChildProcessWithoutNullStreams, sipPort: number, dir: string) {
    this.#child = child;
    this.sipPort = sipPort;
    this.dir = dir;
    const take = (chunk: Buffer): void => {
      this.#output += chunk.toString('utf8');
      for (const w of this.#waiters) w();
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Writes the config, starts baresip and waits until it is ready (bounded: 10 s). */
  static async start(options: BaresipOptions = {}): Promise<Baresip> {
    const sipPort = await freeSipPort();
    const dir = mkdtempSync(join(tmpdir(), 'baresip-'));
    const modules = ['stdio.so', 'g711.so', 'srtp.so', 'aufile.so', 'aubridge.so'];
    const audioCodecs = options.audioCodecs ?? ['pcmu'];
    if (audioCodecs.includes('g722')) modules.push('g722.so');
    if (audioCodecs.includes('opus')) modules.push('opus.so');
    if (options.echo === true) modules.push('echo.so');
    if (options.recordDir !== undefined) modules.push('sndfile.so');
    const config = [
      'module_path /usr/lib/baresip/modules',
      `sip_listen 127.0.0.1:${sipPort}`,
      'net_interface 127.0.0.1',
      ...modules.map((m) => `module ${m}`),
      'module_tmp account.so',
      'module_app menu.so',
      'audio_player aubridge,nil',
      `audio_source ${options.audioSource === undefined ? 'aubridge,nil' : `aufile,${options.audioSource}`}`,
      ...(options.recordDir === undefined ? [] : [`snd_path ${options.recordDir}`]),
      ...(options.tlsCertificateFile === undefined ? [] : [`sip_certificate ${options.tlsCertificateFile}`]),
      ...(options.config ?? []),
    ];
    writeFileSync(join(dir, 'config'), config.join('\n') + '\n');
    const params = [
      'regint=0',
      // baresip reads a bare name as name/8000/1, so the wideband codecs need their rates spelled out.
      `audio_codecs=${audioCodecs.map((c) => ({ pcmu: 'pcmu', pcma: 'pcma', g722: 'g722/16000/1', opus: 'opus/48000/2' })[c]).join(',')}`,
      `answermode=${options.autoAnswer === false ? 'manual' : 'auto'}`,
      'ptime=20',
      ...(options.mediaenc === undefined ? [] : [`mediaenc=${options.mediaenc}`]),
    ];
    writeFileSync(join(dir, 'accounts'), `<sip:${options.user ?? 'uas'}@127.0.0.1>;${params.join(';')}\n`);
    writeFileSync(join(dir, 'contacts'), '');
    const args = ['-f', dir, ...(options.sipTrace === false ? [] : ['-s'])];
    const child = spawn('baresip', args, { stdio: 'pipe' });
    const b = new Baresip(child, sipPort, dir);
    try {
      await b.waitFor(/baresip is ready/, 10_000);
    } catch (e) {
      await b.stop();
      throw e;
    }
    return b;
  }

  /** Everything baresip printed so far (console and, with `sipTrace`, the SIP trace). */
  get output(): string {
    return this.#output;
  }

  /** Sends a console command, e.g. `/dial sip:echo@127.0.0.1:5060`, `/hangup`. */
  command(line: string): void {
    this.#child.stdin.write(`${line}\n`);
  }

  /** Resolves with the output once `pattern` appears in it (after `from`); rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number, from = 0): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (!pattern.test(this.#output.slice(from))) return false;
        clearTimeout(timer);
        this.#waiters.delete(onData);
        resolve(this.#output);
        return true;
      };
      const onData = (): void => void check();
      const timer = setTimeout(() => {
        this.#waiters.delete(onData);
        reject(new Error(`baresip: no ${String(pattern)} within ${timeoutMs} ms; output:\n${this.#output.slice(-3000)}`));
      }, timeoutMs);
      if (!check()) this.#waiters.add(onData);
    });
  }

  /** Quits baresip (SIGKILL after 3 s) and removes its config directory. Idempotent. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.command('/quit');
      const kill = setTimeout(() => this.#child.kill('SIGKILL'), 3000);
      await this.#exited;
      clearTimeout(kill);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

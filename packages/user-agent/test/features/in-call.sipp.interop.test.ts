/**
 * The user agent's in-call features against SIPp 3.6.1 (Debian
 * `sip-tester`) as the caller, with the scenarios in sipp/: session-timer
 * refresh by UPDATE and by re-INVITE, delayed offer, hold/resume, INFO
 * DTMF, and RFC 3262 reliable provisionals in both roles (SIPp the caller
 * requiring 100rel; SIPp the callee sending a reliable 183). SIPp checks our responses (its `ereg check_it` actions fail the
 * call); we check what our side saw. UDP, loopback, ephemeral ports, each
 * run bounded by -m 1, -timeout and a kill timer.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, requirePeer } from '@trunkline/test-support';
import type { Call, UserAgent } from '../../src/index.js';
import { testAgent } from '../support/ua.js';

requirePeer('sipp');

/** Runs `scenario` (a file in sipp/) for one call: to `ua` (SIPp the caller), or as the callee on `sipPort` when `ua` is null. */
function sipp(scenario: string, ua: UserAgent | null, sipPort: number, mediaPort: number): Promise<{ code: number; output: string }> {
  const file = fileURLToPath(new URL(`./sipp/${scenario}`, import.meta.url));
  const target = ua === null ? [] : ['-s', 'ua', `127.0.0.1:${ua.addresses[0]!.port}`];
  const args = ['-sf', file, '-i', '127.0.0.1', '-p', String(sipPort), '-mi', '127.0.0.1', '-mp', String(mediaPort), '-m', '1', '-timeout', '10', '-timeout_error', '-nostdin', ...target];
  return new Promise((resolve) => {
    execFile('sipp', args, { timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, output: `${stdout}\n${stderr}` });
    });
  });
}

/**
 * SIPp's exit status when it could not bind a socket (its `-mp` media port takes the next ports too, which
 * `freePort` does not check, and another process on a busy box may take one first): nothing was sent, so the
 * run is repeated on new ports, up to 3 times.
 */
const SIPP_BIND_ERROR = 254;

/** Runs `scenario` (a file in sipp/) as one call to `ua`; resolves with SIPp's exit code and output. */
async function sippCall(scenario: string, ua: UserAgent): Promise<{ code: number; output: string }> {
  for (let attempt = 1; ; attempt++) {
    const r = await sipp(scenario, ua, await freePort(), await freePort());
    if (r.code !== SIPP_BIND_ERROR || attempt === 3) return r;
  }
}

const agents: UserAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

/** A user agent answering every call; resolves with the call once it ended. */
async function answering(): Promise<{ ua: UserAgent; call: Promise<Call> }> {
  const ua = await testAgent({ media: { srtp: 'off' } });
  agents.push(ua);
  const call = new Promise<Call>((resolve) =>
    ua.on('call', (c) => {
      c.answer().catch(() => undefined);
      resolve(c);
    }),
  );
  return { ua, call };
}

/** RFC default T1 (500 ms): a reliable 183 is not resent while SIPp's PRACK is on its way. */
const RFC_TIMERS = { T1: 500, T2: 4000, T4: 5000 };

/** A user agent that calls progress() (early media, reliable with 100rel) then answers every call. */
async function progressing(): Promise<{ ua: UserAgent; call: Promise<Call> }> {
  const ua = await testAgent({ media: { srtp: 'off' }, timers: RFC_TIMERS });
  agents.push(ua);
  const call = new Promise<Call>((resolve) =>
    ua.on('call', (c) => {
      resolve(c);
      c.progress()
        .then(() => c.answer())
        .catch(() => undefined);
    }),
  );
  return { ua, call };
}

describe('in-call features against SIPp 3.6.1 as the caller', () => {
  it('RFC 4028: a 90 s session refreshed by UPDATE then by re-INVITE; each 2xx says Session-Expires 90;refresher=uac', async () => {
    const { ua, call } = await answering();
    const { code, output } = await sippCall('session-timer-refresh.xml', ua);
    expect(code, output.slice(-3000)).toBe(0);
    const c = await call;
    const ended = await c.done;
    expect(ended.by).toBe('remote');
  }, 20_000);

  it('RFC 3261 §13.2.1: delayed offer — our offer in the 200, SIPp answers in the ACK', async () => {
    const { ua, call } = await answering();
    const { code, output } = await sippCall('delayed-offer.xml', ua);
    expect(code, output.slice(-3000)).toBe(0);
    const ended = await (await call).done;
    expect(ended.reason).toBe('hangup'); // SIPp's BYE, not our not-acceptable BYE
    expect(ended.by).toBe('remote');
  }, 20_000);

  it('RFC 3264 §8.4: SIPp holds (sendonly) and resumes; we answer recvonly then sendrecv and emit hold/unhold', async () => {
    const { ua, call } = await answering();
    const events: string[] = [];
    void call.then((c) => {
      c.on('hold', ({ direction }) => events.push(`hold:${direction}`));
      c.on('unhold', () => events.push('unhold'));
    });
    const { code, output } = await sippCall('hold.xml', ua);
    expect(code, output.slice(-3000)).toBe(0);
    await (await call).done;
    expect(events).toEqual(['hold:recvonly', 'unhold']);
  }, 20_000);

  it('SIP INFO DTMF: dtmf-relay 5 and #, dtmf 7 → dtmf events with source info', async () => {
    const { ua, call } = await answering();
    const digits: string[] = [];
    void call.then((c) => c.on('dtmf', (d) => digits.push(`${d.digit}:${d.source}:${d.durationMs}`)));
    const { code, output } = await sippCall('info-dtmf.xml', ua);
    expect(code, output.slice(-3000)).toBe(0);
    await (await call).done;
    expect(digits).toEqual(['5:info:160', '#:info:160', '7:info:0']);
  }, 20_000);

  it('RFC 3262 §3: SIPp requires 100rel; progress() sends a reliable 183 (Require, RSeq, SDP), SIPp PRACKs it, 200 to the PRACK, then 200/ACK/BYE', async () => {
    const { ua, call } = await progressing();
    const { code, output } = await sippCall('prack-uac.xml', ua);
    expect(code, output.slice(-3000)).toBe(0);
    const ended = await (await call).done;
    expect(ended.reason).toBe('hangup');
    expect(ended.by).toBe('remote');
  }, 20_000);

  it('RFC 3262 §5: SIPp sends a no-SDP INVITE requiring 100rel; our offer goes in the reliable 183, SIPp answers in the PRACK, the ACK carries none', async () => {
    const { ua, call } = await progressing();
    const { code, output } = await sippCall('prack-delayed-offer.xml', ua);
    expect(code, output.slice(-3000)).toBe(0);
    const c = await call;
    const ended = await c.done;
    expect(ended.reason).toBe('hangup'); // SIPp's BYE, not our not-acceptable BYE or a 488
    expect(ended.by).toBe('remote');
    expect(ended.metrics.media?.codec).toBe('PCMU'); // the PRACK's answer started the media
  }, 20_000);
});

describe('RFC 3262 against SIPp 3.6.1 as the callee', () => {
  it('§4/§7.2: SIPp answers our INVITE (Supported: 100rel) with a reliable 183 (RSeq 1); we PRACK with RAck 1 <CSeq> INVITE, get 200, then the 200 establishes the call; BYE', async () => {
    const ua = await testAgent({ media: { srtp: 'off' }, timers: RFC_TIMERS });
    agents.push(ua);
    let early = false;
    let call: Call | null = null;
    let run: Promise<{ code: number; output: string }> | null = null;
    for (let attempt = 1; call === null; attempt++) {
      const [sipPort, mediaPort] = [await freePort(), await freePort()];
      const thisRun = sipp('prack-uas.xml', null, sipPort, mediaPort);
      run = thisRun;
      // SIPp that could not bind (see SIPP_BIND_ERROR) exits at once and never answers: new ports. It is given
      // half a second to fail; one that fails later still aborts the INVITE (which then ends at Timer B).
      const bindFailed = thisRun.then((r) => r.code === SIPP_BIND_ERROR);
      if (attempt < 3 && (await Promise.race([bindFailed, new Promise<false>((resolve) => setTimeout(() => resolve(false), 500))]))) continue;
      const abort = new AbortController();
      void bindFailed.then((failed) => failed && abort.abort());
      try {
        // Timer A resends the INVITE until SIPp listens, so no wait for its start is needed.
        call = await ua.invite(`sip:sipp@127.0.0.1:${sipPort}`, { onEarlyMedia: () => (early = true), signal: abort.signal });
      } catch (e) {
        if (!abort.signal.aborted || attempt === 3) throw e;
      }
    }
    expect(early).toBe(true); // the 183's SDP answered our offer: media started before the 200
    expect(call.state).toBe('established');
    await call.hangup();
    expect((await call.done).byeStatus).toBe(200);
    const { code, output } = await run!;
    expect(code, output.slice(-3000)).toBe(0);
  }, 40_000);
});

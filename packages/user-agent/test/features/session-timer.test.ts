import { describe, expect, it } from 'vitest';
import {
  SESSION_EXPIRED_REASON,
  SessionTimer,
  SessionTimerError,
  byeMarginMs,
  refreshDelayMs,
  type SessionTimerAnswer,
} from '../../src/features/session-timer.js';
import { request, response } from './support/messages.js';

const S = 1000;

/** A UAC that sent INVITE at `sentAt` and got a 2xx with `se` at `at`. */
function uacWith(se: string | null, sentAt = 0, at = 100, options = {}): SessionTimer {
  const st = new SessionTimer(options);
  const invite = request('INVITE', st.requestHeaders(sentAt));
  expect(st.receiveResponse(response(invite, 200, se === null ? [] : [['Session-Expires', se]]), at).type).toBe('negotiated');
  return st;
}

function accepted(a: SessionTimerAnswer): Extract<SessionTimerAnswer, { action: 'accept' }> {
  if (a.action !== 'accept') throw new Error(`expected accept, got ${a.action}`);
  return a;
}

describe('RFC 4028 §7.1: the UAC asks for a session timer', () => {
  it('the first INVITE carries Supported: timer, Session-Expires without refresher, Min-SE', () => {
    const st = new SessionTimer();
    expect(st.requestHeaders(0)).toEqual([
      ['Supported', 'timer'],
      ['Session-Expires', '1800'],
      ['Min-SE', '90'],
    ]);
    expect(st.state).toBe('inactive');
    expect(st.nextDeadline).toBeNull();
  });

  it('options are validated once: Min-SE below 90 (§5) and Session-Expires below Min-SE are TypeErrors', () => {
    expect(() => new SessionTimer({ minSE: 89 })).toThrow(TypeError);
    expect(() => new SessionTimer({ minSE: 120, sessionExpires: 100 })).toThrow(TypeError);
    expect(() => new SessionTimer({ refresher: 'uac' as never })).toThrow(TypeError);
    expect(() => new SessionTimer().requestHeaders(Number.NaN)).toThrow(TypeError);
  });
});

describe('RFC 4028 §7.2: the UAC reads the 2xx', () => {
  it('refresher=uac: we refresh at half the interval and would BYE min(32, SE/3) s before expiry', () => {
    const st = uacWith('1800;refresher=uac', 0, 100);
    expect(st.state).toBe('active');
    expect(st.refresher).toBe('local');
    expect(st.interval).toBe(1800);
    // Dialog-creating INVITE: counted from the 2xx (ringing is not session time).
    expect(st.nextDeadline).toBe(100 + 900 * S);
    expect(st.expiresAt).toBe(100 + 1800 * S - 32 * S);
    expect(st.tick(100 + 900 * S - 1)).toEqual([]);
    expect(st.tick(100 + 900 * S)).toEqual([{ type: 'refresh-due' }]);
    expect(st.tick(100 + 900 * S + 1)).toEqual([]); // once per refresh
  });

  it('refresher=uas: the peer refreshes; we only watch the expiry', () => {
    const st = uacWith('1800;refresher=uas');
    expect(st.refresher).toBe('remote');
    expect(st.nextDeadline).toBe(100 + 1768 * S);
    expect(st.tick(100 + 1768 * S - 1)).toEqual([]);
    expect(st.tick(100 + 1768 * S)).toEqual([{ type: 'expired', reason: SESSION_EXPIRED_REASON, why: 'no-refresh' }]);
    expect(st.state).toBe('expired');
    expect(st.nextDeadline).toBeNull();
  });

  it('no Session-Expires in the 2xx: no session expiration, no deadlines', () => {
    const st = uacWith(null);
    expect(st.state).toBe('inactive');
    expect(st.nextDeadline).toBeNull();
  });

  it('a 2xx without a refresher parameter (a §9 violation): we refresh, an extra refresh never hurts', () => {
    expect(uacWith('600').refresher).toBe('local');
  });

  it('an unreadable Session-Expires in a 2xx counts as none (a response cannot be refused)', () => {
    expect(uacWith('soon').state).toBe('inactive');
  });
});

describe('RFC 4028 §7.4: 422 Session Interval Too Small', () => {
  it('the request is retried with the 422 Min-SE, and a Session-Expires at least as large', () => {
    const st = new SessionTimer({ sessionExpires: 90 });
    const invite = request('INVITE', st.requestHeaders(0));
    expect(st.receiveResponse(response(invite, 422, [['Min-SE', '300']]), 10)).toEqual({ type: 'retry', minSE: 300 });
    expect(st.requestHeaders(20)).toEqual([
      ['Supported', 'timer'],
      ['Session-Expires', '300'],
      ['Min-SE', '300'],
    ]);
    expect(st.minSE).toBe(300);
  });

  it.each([
    ['no Min-SE', []],
    ['a Min-SE no larger than ours', [['Min-SE', '90']]],
    ['an unreadable Min-SE', [['Min-SE', 'x']]],
  ] as const)('a 422 with %s is refused: SESSION_TIMER_INTERVAL_REFUSED', (_name, headers) => {
    const st = new SessionTimer();
    const r = st.receiveResponse(response(request('INVITE', st.requestHeaders(0)), 422, headers), 1);
    expect(r.type).toBe('refused');
    if (r.type === 'refused') {
      expect(r.error).toBeInstanceOf(SessionTimerError);
      expect(r.error.code).toBe('SESSION_TIMER_INTERVAL_REFUSED');
    }
  });

  it('more than max422Retries 422s in a row are refused', () => {
    const st = new SessionTimer({ max422Retries: 2 });
    const results = [300, 600, 1200].map((m) => st.receiveResponse(response(request('INVITE', st.requestHeaders(0)), 422, [['Min-SE', String(m)]]), 1).type);
    expect(results).toEqual(['retry', 'retry', 'refused']);
  });
});

describe('RFC 4028 §9: the UAS answers (table 2)', () => {
  it.each([
    // name, request headers, preference, Session-Expires in the 2xx, Require: timer
    ['UAC without support, no refresher → uas', [['Session-Expires', '1800']], 'remote', '1800;refresher=uas', false],
    ['UAC supports, no refresher, we prefer to refresh → uas', [['Supported', 'timer'], ['Session-Expires', '1800']], 'local', '1800;refresher=uas', false],
    ['UAC supports, no refresher, we prefer the peer → uac + Require', [['Supported', 'timer'], ['Session-Expires', '1800']], 'remote', '1800;refresher=uac', true],
    ['UAC supports, refresher=uac → uac + Require', [['Supported', 'timer'], ['Session-Expires', '1800;refresher=uac']], 'local', '1800;refresher=uac', true],
    ['UAC supports, refresher=uas → uas', [['Supported', 'timer'], ['Session-Expires', '1800;refresher=uas']], 'remote', '1800;refresher=uas', false],
    ['UAC without support asks refresher=uac (NA) → uas', [['Session-Expires', '1800;refresher=uac']], 'remote', '1800;refresher=uas', false],
  ] as const)('%s', (_name, headers, refresher, se, require) => {
    const st = new SessionTimer({ refresher });
    const a = accepted(st.answerRequest(request('INVITE', headers)));
    expect(a.headers).toContainEqual(['Supported', 'timer']);
    expect(a.headers).toContainEqual(['Session-Expires', se]);
    expect(a.headers.some(([n, v]) => n === 'Require' && v === 'timer')).toBe(require);
  });

  it('Session-Expires below our Min-SE from a UAC that supports timers → 422 with our Min-SE', () => {
    const st = new SessionTimer({ minSE: 120, sessionExpires: 1800 });
    expect(st.answerRequest(request('INVITE', [['Supported', 'timer'], ['Session-Expires', '100']]))).toEqual({
      action: 'reject',
      status: 422,
      headers: [['Min-SE', '120']],
    });
  });

  it('…but not from a UAC without support (a proxy asked): accepted as it is, we refresh', () => {
    const a = accepted(new SessionTimer({ minSE: 120 }).answerRequest(request('INVITE', [['Session-Expires', '100']])));
    expect(a.interval).toBe(100);
    expect(a.refresher).toBe('local');
  });

  it('we lower a long interval to ours, never below the request Min-SE, never raise it', () => {
    const ours = new SessionTimer({ sessionExpires: 600 });
    expect(accepted(ours.answerRequest(request('INVITE', [['Supported', 'timer'], ['Session-Expires', '3600']]))).interval).toBe(600);
    expect(accepted(ours.answerRequest(request('INVITE', [['Supported', 'timer'], ['Session-Expires', '3600'], ['Min-SE', '1000']]))).interval).toBe(1000);
    expect(accepted(ours.answerRequest(request('INVITE', [['Supported', 'timer'], ['Session-Expires', '300']]))).interval).toBe(300);
  });

  it('Supported: timer without Session-Expires: we ask for one in the 2xx', () => {
    const a = accepted(new SessionTimer({ sessionExpires: 900 }).answerRequest(request('INVITE', [['Supported', 'timer']])));
    expect(a.headers).toContainEqual(['Session-Expires', '900;refresher=uas']);
  });

  it('neither Supported: timer nor Session-Expires: no timer, no headers', () => {
    expect(new SessionTimer().answerRequest(request('INVITE'))).toEqual({ action: 'accept', headers: [], interval: null, refresher: null });
  });

  it.each([
    ['Session-Expires', 'abc'],
    ['Session-Expires', '1800;refresher=both'],
    ['Min-SE', '-1'],
    ['Supported', 'timer,,100rel'],
  ])('an unreadable %s: %s → SESSION_TIMER_BAD_HEADER, statusHint 400', (name, value) => {
    const headers: Array<[string, string]> = [['Session-Expires', '1800'], [name, value]];
    try {
      new SessionTimer().answerRequest(request('INVITE', name === 'Session-Expires' ? [[name, value]] : headers));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SessionTimerError);
      expect((e as SessionTimerError).code).toBe('SESSION_TIMER_BAD_HEADER');
      expect((e as SessionTimerError).statusHint).toBe(400);
    }
  });

  it('answerRequest changes nothing; answered() starts the timer when the 2xx is sent', () => {
    const st = new SessionTimer();
    const a = st.answerRequest(request('INVITE', [['Supported', 'timer'], ['Session-Expires', '1800']]));
    expect(st.state).toBe('inactive');
    st.answered(a, 5000);
    expect(st.state).toBe('active');
    expect(st.refresher).toBe('local');
    expect(st.nextDeadline).toBe(5000 + 900 * S);
  });
});

describe('RFC 4028 §10: refreshes', () => {
  it.each([
    // SE, refresh after (ms), BYE margin (ms)
    [1800, 900 * S, 32 * S],
    [300, 150 * S, 32 * S],
    [120, 56 * S, 32 * S], // 120 − 32 − 32: a refresh delayed by a whole transaction still lands
    [90, 28 * S, 30 * S], // 90 − 30 − 32
  ])('SE %i s: refresh after %i ms, BYE %i ms before expiry', (se, refresh, margin) => {
    expect(refreshDelayMs(se, 32_000)).toBe(refresh);
    expect(byeMarginMs(se)).toBe(margin);
  });

  it('never refreshes earlier than a quarter of the interval', () => {
    expect(refreshDelayMs(30, 32_000)).toBe(7.5 * S);
  });

  it('a refresh request keeps our role as refresher: refresher=uac; the peer’s: refresher=uas', () => {
    const ours = uacWith('1800;refresher=uac');
    expect(ours.requestHeaders(1)).toContainEqual(['Session-Expires', '1800;refresher=uac']);
    const theirs = uacWith('1800;refresher=uas');
    expect(theirs.requestHeaders(1)).toContainEqual(['Session-Expires', '1800;refresher=uas']);
  });

  it('a refresh is counted from when it was sent; no refresh-due while a request is in flight', () => {
    const st = uacWith('90;refresher=uac', 0, 0);
    expect(st.nextDeadline).toBe(28 * S);
    expect(st.tick(28 * S)).toEqual([{ type: 'refresh-due' }]);
    const update = request('UPDATE', st.requestHeaders(28 * S), 2);
    expect(st.nextDeadline).toBe(60 * S); // only the BYE point while in flight
    expect(st.tick(50 * S)).toEqual([]);
    st.receiveResponse(response(update, 200, [['Session-Expires', '90;refresher=uac']]), 58 * S);
    expect(st.nextDeadline).toBe(28 * S + 28 * S); // from the send, not the 2xx
    expect(st.expiresAt).toBe(58 * S + 60 * S);
  });

  it.each([408, 481])('a refresh answered %i ends the session: expired, refresh-failed', (status) => {
    const st = uacWith('1800;refresher=uac', 0, 0);
    const update = request('UPDATE', st.requestHeaders(900 * S), 2);
    expect(st.receiveResponse(response(update, status), 901 * S)).toEqual({ type: 'unchanged' });
    expect(st.state).toBe('expired');
  });

  it('a refresh that times out ends the session', () => {
    const st = uacWith('1800;refresher=uac', 0, 0);
    st.requestHeaders(900 * S);
    expect(st.requestFailed(932 * S)).toEqual([{ type: 'expired', reason: SESSION_EXPIRED_REASON, why: 'refresh-failed' }]);
  });

  it('another failure (491, 500) keeps the session and retries halfway to the BYE point', () => {
    const st = uacWith('1800;refresher=uac', 0, 0);
    expect(st.tick(900 * S)).toEqual([{ type: 'refresh-due' }]);
    const update = request('UPDATE', st.requestHeaders(900 * S), 2);
    st.receiveResponse(response(update, 491), 900 * S);
    expect(st.state).toBe('active');
    expect(st.nextDeadline).toBe(900 * S + (1768 * S - 900 * S) / 2);
  });

  it('a failed re-INVITE sent for another reason (hold) never postpones a planned refresh', () => {
    const st = uacWith('1800;refresher=uac', 0, 0);
    const hold = request('INVITE', st.requestHeaders(10 * S), 2);
    st.receiveResponse(response(hold, 488), 11 * S);
    expect(st.nextDeadline).toBe(900 * S);
  });

  it('the peer refreshing us (we answer its UPDATE) restarts our expiry from the 2xx we send', () => {
    const st = uacWith('1800;refresher=uas', 0, 0);
    const a = st.answerRequest(request('UPDATE', [['Supported', 'timer'], ['Session-Expires', '1800;refresher=uac']], 2));
    st.answered(a, 1000 * S);
    expect(st.refresher).toBe('remote');
    expect(st.expiresAt).toBe(1000 * S + 1768 * S);
  });

  it('close() stops every deadline and later input is ignored', () => {
    const st = uacWith('1800;refresher=uac');
    st.close();
    expect(st.state).toBe('closed');
    expect(st.nextDeadline).toBeNull();
    expect(st.tick(1e9)).toEqual([]);
  });
});

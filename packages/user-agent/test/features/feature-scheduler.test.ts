/**
 * FeatureScheduler (one Node timer for every timed feature) and the
 * SessionTimerDriver on it: an injected clock, or Node's timers faked.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FEATURE_SCHEDULER_ERROR_CHANNEL, FeatureScheduler } from '../../src/features/node/feature-scheduler.js';
import { SessionTimerDriver } from '../../src/features/node/session-timer-driver.js';
import { request, response } from './support/messages.js';

describe('FeatureScheduler: one timer, jobs in deadline order', () => {
  it('runs due jobs earliest first (ties in the order set), replaces a key’s job, cancels', async () => {
    let now = 0;
    const s = new FeatureScheduler({ now: () => now });
    const ran: string[] = [];
    const [a, b, c, d] = [{}, {}, {}, {}];
    s.schedule(a, 20, () => ran.push('a'));
    s.schedule(b, 10, () => ran.push('b'));
    s.schedule(c, 20, () => ran.push('c'));
    s.schedule(a, 20, () => ran.push('a2')); // replaces a's job; the same deadline keeps its place before c
    s.schedule(d, 5, () => ran.push('d'));
    s.cancel(d);
    expect(s.size).toBe(3);
    now = 100;
    await new Promise((r) => setTimeout(r, 30));
    expect(ran).toEqual(['b', 'a2', 'c']);
    expect(s.size).toBe(0);
    s.close();
  });

  it('a job that throws is reported (hook and diagnostics channel) and the next job still runs', async () => {
    const errors: unknown[] = [];
    const published: unknown[] = [];
    const onPublish = (m: unknown): void => void published.push(m);
    subscribe(FEATURE_SCHEDULER_ERROR_CHANNEL, onPublish);
    try {
      const s = new FeatureScheduler({ now: () => 1000, onError: (e) => errors.push(e) });
      const ran: string[] = [];
      s.schedule({}, 0, () => {
        throw new Error('boom');
      });
      s.schedule({}, 0, () => ran.push('after'));
      await new Promise((r) => setTimeout(r, 20));
      expect(ran).toEqual(['after']);
      expect(errors).toHaveLength(1);
      expect(published).toHaveLength(1);
      s.close();
    } finally {
      unsubscribe(FEATURE_SCHEDULER_ERROR_CHANNEL, onPublish);
    }
  });

  it('close() cancels everything; scheduling after close does nothing', () => {
    const s = new FeatureScheduler();
    s.schedule({}, s.now() + 10_000, () => undefined);
    s.close();
    expect(s.size).toBe(0);
    s.schedule({}, 0, () => undefined);
    expect(s.size).toBe(0);
    expect(s.closed).toBe(true);
  });
});

describe('RFC 4028 SessionTimerDriver on the scheduler (Node fake timers: 30 minutes in a moment)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refresher: refresh hook every 28 s of a 90 s session for 30 minutes; a silent peer → one expire hook with Reason 408, 60 s after the last 2xx', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const scheduler = new FeatureScheduler();
    const now = (): number => scheduler.now();
    const calls: Array<{ what: string; at: number }> = [];
    let answerRefresh = true;
    let last2xx = 0;
    const driver: SessionTimerDriver = new SessionTimerDriver(scheduler, { sessionExpires: 90 }, {
      refresh: () => {
        calls.push({ what: 'refresh', at: now() });
        const update = request('UPDATE', driver.requestHeaders(), 2);
        if (!answerRefresh) return;
        driver.receiveResponse(response(update, 200, [['Session-Expires', '90;refresher=uac']]));
        last2xx = now();
      },
      expire: (reason) => calls.push({ what: `expire ${reason}`, at: now() }),
    });
    const t0 = now();
    const invite = request('INVITE', driver.requestHeaders());
    driver.receiveResponse(response(invite, 200, [['Session-Expires', '90;refresher=uac']]));
    last2xx = now();
    vi.advanceTimersByTime(30 * 60_000);
    const refreshes = calls.filter((c) => c.what === 'refresh').map((c) => c.at - t0);
    expect(refreshes).toHaveLength(Math.floor((30 * 60) / 28));
    refreshes.forEach((at, i) => expect(at).toBeCloseTo((i + 1) * 28_000, -1));
    expect(calls.some((c) => c.what.startsWith('expire'))).toBe(false);
    answerRefresh = false;
    vi.advanceTimersByTime(120_000);
    const expires = calls.filter((c) => c.what.startsWith('expire'));
    expect(expires).toEqual([{ what: 'expire SIP;cause=408;text="Session expired"', at: expect.any(Number) as number }]);
    expect(expires[0]!.at - last2xx).toBeCloseTo(60_000, -1);
    driver.close();
    expect(scheduler.size).toBe(0);
    scheduler.close();
  });
});

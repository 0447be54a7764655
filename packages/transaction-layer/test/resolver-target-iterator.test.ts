import { describe, expect, it } from 'vitest';
import { ResolverError } from '../src/resolver/resolver-error.js';
import type { Target } from '../src/resolver/server-location.js';
import { TargetIterator, failoverReasonForStatus } from '../src/resolver/target-iterator.js';

const t = (address: string): Target => ({ transport: 'udp', address, port: 5060, family: 4, hostname: 'example.com' });

describe('RFC 3263 §4.3 failover', () => {
  it('RFC 3263 §4.3: targets are tried in order after timeout, transport error and 503', () => {
    const walk = new TargetIterator([t('192.0.2.1'), t('192.0.2.2'), t('192.0.2.3'), t('192.0.2.4')]);
    expect(walk.current?.address).toBe('192.0.2.1');
    expect(walk.nextTarget('timeout')?.address).toBe('192.0.2.2');
    expect(walk.nextTarget('transport-error')?.address).toBe('192.0.2.3');
    expect(walk.nextTarget('service-unavailable')?.address).toBe('192.0.2.4');
    expect(walk.nextTarget('timeout')).toBeNull();
    expect(walk.exhausted).toBe(true);
    expect(walk.failures.map((f) => [f.target.address, f.reason])).toEqual([
      ['192.0.2.1', 'timeout'],
      ['192.0.2.2', 'transport-error'],
      ['192.0.2.3', 'service-unavailable'],
      ['192.0.2.4', 'timeout'],
    ]);
  });

  it('RFC 3263 §4.3: attempts are bounded by maxAttempts', () => {
    const walk = new TargetIterator([t('a'), t('b'), t('c')], { maxAttempts: 2 });
    expect(walk.nextTarget('timeout')?.address).toBe('b');
    expect(walk.attempts).toBe(2);
    expect(() => walk.nextTargetOrThrow('timeout')).toThrow(ResolverError);
    expect(walk.current).toBeNull();
  });

  it('RFC 3263 §4.3: only 503 triggers failover among responses', () => {
    expect(failoverReasonForStatus(503)).toBe('service-unavailable');
    expect(failoverReasonForStatus(500)).toBeNull();
    expect(failoverReasonForStatus(486)).toBeNull();
  });

  it('RFC 3263 §4.3: an empty list is NOT_FOUND; bad options are TypeError', () => {
    expect(() => new TargetIterator([])).toThrow(expect.objectContaining({ code: 'RESOLVER_NOT_FOUND' }));
    expect(() => new TargetIterator([t('a')], { maxAttempts: 0 })).toThrow(TypeError);
  });
});

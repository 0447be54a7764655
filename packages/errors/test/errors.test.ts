import { describe, expect, it } from 'vitest';
import { TrunklineError, assertNever } from '../src/index.js';

class DemoError extends TrunklineError<'DEMO_FAILED'> {}

describe('TrunklineError', () => {
  it('carries code, name of the concrete class, cause and statusHint', () => {
    const cause = new Error('inner');
    const e = new DemoError('DEMO_FAILED', 'it failed', { cause, statusHint: 488 });
    expect(e).toBeInstanceOf(TrunklineError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('DemoError');
    expect(e.code).toBe('DEMO_FAILED');
    expect(e.message).toBe('it failed');
    expect(e.cause).toBe(cause);
    expect(e.statusHint).toBe(488);
  });

  it('leaves statusHint and cause undefined when not given', () => {
    const e = new TrunklineError('X', 'y');
    expect(e.statusHint).toBeUndefined();
    expect('cause' in e).toBe(false);
  });

  it('assertNever throws a TypeError naming the value', () => {
    expect(() => assertNever('odd' as never, 'state')).toThrow(/unexpected state: "odd"/);
  });
});

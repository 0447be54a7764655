import { describe, expect, it } from 'vitest';
import * as trunkline from '../src/index.js';

describe('trunkline re-exports the public API', () => {
  it('the user agent, call, errors and helpers are one import away', () => {
    for (const name of ['createUserAgent', 'UserAgent', 'Call', 'CallFailedError', 'CallStateError', 'TrunklineError', 'readWav', 'writeWav', 'parseUui', 'formatUui']) {
      expect(trunkline, name).toHaveProperty(name);
    }
    expect(new trunkline.CallFailedError('CALL_BUSY', 'busy', { status: 486 })).toBeInstanceOf(trunkline.TrunklineError);
  });
});

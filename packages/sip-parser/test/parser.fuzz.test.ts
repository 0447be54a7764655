/**
 * The long fuzz run: the properties of roundtrip.property.test.ts with over
 * a million cases in all, most of them mutated torture messages (RFC 4475,
 * RFC 5118) and arbitrary bytes. Excluded from the default suite; run with
 * `pnpm --filter @trunkline/sip-parser test:fuzz`.
 *
 * FUZZ_SCALE (default 1) multiplies every run count, e.g. FUZZ_SCALE=0.01
 * for a quick smoke run. FUZZ_SEED fixes the seed.
 */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { createRequest, createResponse } from '../src/build.js';
import { SipParseError } from '../src/errors.js';
import { parseMessage } from '../src/parse.js';
import {
  concat,
  eventView,
  frame,
  fraction,
  message,
  messageStream,
  mutatedSeed,
  randomBytes,
  reparse,
  robustParse,
  splitAt,
  view,
} from './support/sip-arbitraries.js';

const SCALE = Number(process.env['FUZZ_SCALE'] ?? '1');
const SEED = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);

/** Cases run per property, for the closing summary. */
const ran = new Map<string, { cases: number; ms: number }>();

function runs(n: number): number {
  return Math.max(1, Math.round(n * SCALE));
}

/** fc.assert with a run count, recording how many cases ran and how long they took. */
function fuzz<Ts extends [unknown, ...unknown[]]>(name: string, numRuns: number, prop: fc.IProperty<Ts>): void {
  const t0 = performance.now();
  const params: fc.Parameters<Ts> = { numRuns: runs(numRuns) };
  if (SEED !== undefined) params.seed = SEED;
  const details = fc.check(prop, params);
  ran.set(name, { cases: details.numRuns, ms: performance.now() - t0 });
  if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? `${name} failed`);
}

function same(a: unknown, b: unknown, what: string): void {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  if (x !== y) throw new Error(`${what} differ:\n${x}\n${y}`);
}

afterAll(() => {
  let cases = 0;
  let ms = 0;
  for (const [name, r] of ran) {
    cases += r.cases;
    ms += r.ms;
    console.log(`${name}: ${r.cases.toLocaleString('en')} cases in ${(r.ms / 1000).toFixed(1)} s`);
  }
  console.log(`fuzz total: ${cases.toLocaleString('en')} cases in ${(ms / 1000).toFixed(1)} s`);
});

describe('RFC 3261 §7 parser fuzzing (≥ 1,000,000 cases)', () => {
  it('RFC 4475 / RFC 5118 mutated torture messages only raise SipParseError, in every accessor, and round-trip when they parse', () => {
    fuzz(
      'mutated torture messages',
      600_000,
      fc.property(mutatedSeed, fc.boolean(), (b, stream) => {
        robustParse(b, stream ? 'stream' : 'datagram');
      }),
    );
  });

  it('RFC 3261 §7 arbitrary bytes: parseMessage and StreamFramer raise nothing but SipParseError', () => {
    fuzz(
      'arbitrary bytes',
      250_000,
      fc.property(randomBytes, fc.array(fraction, { maxLength: 4 }), (b, cuts) => {
        robustParse(b);
        for (const ev of frame(splitAt(b, cuts))) {
          if (ev.type === 'error' && !(ev.error instanceof SipParseError)) throw new Error('framer error is not a SipParseError');
        }
      }),
    );
  });

  it('RFC 3261 §18.3 the framer gives the same events on mutated torture streams however they are split', () => {
    fuzz(
      'framer on mutated streams',
      50_000,
      fc.property(fc.array(mutatedSeed, { minLength: 1, maxLength: 3 }), fc.array(fraction, { maxLength: 6 }), (bs, cuts) => {
        const all = concat(bs);
        same(eventView(frame(splitAt(all, cuts))), eventView(frame([all])), 'framer events');
      }),
    );
  });

  it('RFC 3261 §7 grammar-generated messages round-trip through serializeMessage, touched or not', () => {
    fuzz(
      'grammar round trip',
      50_000,
      fc.property(message, fc.boolean(), (g, touch) => {
        const m = parseMessage(g.wire);
        same([...m.headers.entries()].slice(0, -1), g.headers.map((h) => [h.name, h.value]), 'header lists');
        if (touch) m.headers.append('X-Touched', 'yes');
        same(view(reparse(m)), view(m), 'round trip views');
      }),
    );
  });

  it('RFC 3261 §8.1.1, §8.2.6 createRequest / createResponse round-trip', () => {
    fuzz(
      'built messages',
      30_000,
      fc.property(message, fc.integer({ min: 100, max: 699 }), (g, status) => {
        const req = createRequest({
          method: g.isRequest ? g.method : 'INVITE',
          uri: g.uri,
          headers: g.headers.map((h) => [h.name, h.value] as const),
          body: g.body,
        });
        same(view(reparse(req)), view(req), 'request views');
        const res = createResponse(req, status);
        same(view(reparse(res)), view(res), 'response views');
      }),
    );
  });

  it('RFC 3261 §18.3, RFC 5626 §3.5.1 the framer yields the generated messages and pings under any split', () => {
    fuzz(
      'framer on generated streams',
      20_000,
      fc.property(messageStream, fc.array(fraction, { maxLength: 12 }), (s, cuts) => {
        same(eventView(frame(splitAt(s.bytes, cuts))), s.expected, 'framer events');
      }),
    );
  });
});

/**
 * Shared fast-check configuration for every test file (listed in `setupFiles`
 * of vitest.config.ts and of the parser's fuzz config).
 *
 * Every property in the repository runs with one seed per test file: `FC_SEED`
 * when set (replay), a fresh random one otherwise. fast-check's own failure
 * message already names the seed and the shrink path of the failing property;
 * on top of that, any failed test of a file that ran properties prints the
 * file's seed, so a CI failure (a property that timed out included) can be
 * replayed with `FC_SEED=<seed> pnpm vitest run <file>`. A property that
 * fails in CI is a bug found: keep its counterexample as a fixed test.
 */
import { relative } from 'node:path';
import fc from 'fast-check';
import { beforeEach } from 'vitest';

function chooseSeed(): number {
  const fromEnv = process.env['FC_SEED'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const seed = Number(fromEnv);
    if (!Number.isSafeInteger(seed)) throw new TypeError(`FC_SEED must be an integer, got ${JSON.stringify(fromEnv)}`);
    return seed | 0;
  }
  return (Math.random() * 0x1_0000_0000) | 0;
}

const seed = chooseSeed();
fc.configureGlobal({
  ...fc.readConfigureGlobal(),
  seed,
  // Verbose: the failure message lists the failures met while shrinking too.
  verbose: fc.VerbosityLevel.Verbose,
});

beforeEach((context) => {
  context.onTestFailed(() => {
    console.error(`[fast-check] seed of this file: ${seed} — replay with FC_SEED=${seed} pnpm vitest run ${relative(process.cwd(), context.task.file.filepath)}`);
  });
});

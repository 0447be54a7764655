import { defineConfig } from 'vitest/config';

// The root vitest.config.ts only collects packages/*/test and examples/*/test, so this
// tool runs its own tests: `pnpm --filter @trunkline/impair test`. Sources resolve
// through the "source" export condition, as at the root.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
    setupFiles: ['../../vitest.setup.ts'],
  },
});

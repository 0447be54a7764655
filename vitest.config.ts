import { defineConfig } from 'vitest/config';

// Tests resolve workspace packages to their TypeScript sources through the
// "source" export condition, so `pnpm test` does not need a prior build.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'tools/*/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.fuzz.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // One fast-check seed per file (FC_SEED replays it), printed on failure.
    setupFiles: ['./vitest.setup.ts'],
  },
});

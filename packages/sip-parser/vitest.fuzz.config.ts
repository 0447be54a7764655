import { defineConfig } from 'vitest/config';
import root from '../../vitest.config.js';

// The long fuzz run (test/*.fuzz.test.ts), excluded from the default suite by
// the root config. Same resolve conditions as the root (workspace packages
// resolve to their TypeScript sources), only the fuzz files, no time limit
// worth the name.
export default defineConfig({
  resolve: root.resolve ?? {},
  ssr: root.ssr ?? {},
  test: {
    include: ['test/**/*.fuzz.test.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['../../vitest.setup.ts'],
  },
});

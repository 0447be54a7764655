// ESLint flat config: ESLint's and typescript-eslint's `recommended` sets, not
// type-checked (a whole-repo run stays in seconds on a 2-core box; tsc already
// type-checks). Why ESLint over Biome: see docs/development.md.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Node globals used by the plain-JavaScript scripts (TypeScript files get them from @types/node). */
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'AbortController', 'AbortSignal'].map(
    (name) => [name, 'readonly'],
  ),
);

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    '**/coverage/',
    '**/.bench-out/',
    '.test-results/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    rules: {
      // A closure declared before the variable's one assignment (a common test
      // shape: handlers wired first, the request created after) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Off: every hit here was the deliberate "initialise, then assign in a loop
      // condition or try" idiom (typed locals in the parser and crypto, a default
      // before a try), never a bug; tsc's noUnusedLocals and no-unused-vars
      // already catch the dead code that matters.
      'no-useless-assignment': 'off',
      // Off: protocol and terminal code matches C0/C1 controls on purpose
      // (rejecting them in SIP text, escaping peer-supplied text before printing).
      'no-control-regex': 'off',
      // Off: tests match rendered, column-aligned text, where literal spaces read
      // better than ` {7}`.
      'no-regex-spaces': 'off',
      // tsc's noUnusedLocals/noUnusedParameters agree: a leading `_` marks a
      // parameter (or binding) that is unused on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
);

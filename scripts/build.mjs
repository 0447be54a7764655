#!/usr/bin/env node
// `pnpm build`: an incremental `tsc -b` over the solution tsconfig.build.json
// (project references derived from package.json by scripts/tsconfig-refs.mjs).
// A second build with nothing changed takes about a second.
//
// One guard first: `tsc -b` decides "up to date" from each project's
// .tsbuildinfo alone and does not look for the emitted files, so a project
// whose dist/ was deleted would stay unbuilt. The .tsbuildinfo lives beside
// the tsconfig (not in dist/, which is published), so when the outDir is
// missing or empty its .tsbuildinfo is removed and that project rebuilds.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const solution = join(root, 'tsconfig.build.json');
// The solution starts with one `//` comment line; the rest is JSON.
const stripLineComments = (text) => text.replace(/^\s*\/\/.*$/gm, '');

for (const { path } of JSON.parse(stripLineComments(readFileSync(solution, 'utf8'))).references) {
  const configFile = join(root, path);
  const config = JSON.parse(stripLineComments(readFileSync(configFile, 'utf8')));
  const outDir = join(dirname(configFile), config.compilerOptions?.outDir ?? 'dist');
  const buildInfo = join(
    dirname(configFile),
    config.compilerOptions?.tsBuildInfoFile ?? `${basename(configFile, '.json')}.tsbuildinfo`,
  );
  const emitted = existsSync(outDir) && readdirSync(outDir).length > 0;
  if (!emitted && existsSync(buildInfo)) rmSync(buildInfo);
}

// A dependency added to a package.json without `pnpm refs` can build in the
// wrong order; say so (pnpm check fails on it, the build itself goes on).
const refs = spawnSync(process.execPath, [join(root, 'scripts/tsconfig-refs.mjs'), '--check'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (refs.status !== 0) console.error('build: warning: project references are out of date (see above)');

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-b', solution, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);

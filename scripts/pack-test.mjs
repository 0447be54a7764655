#!/usr/bin/env node
// Pack test: what users install is what is tested.
//
//   1. build (incremental), then `pnpm pack` every publishable workspace package
//      (not `private`) into a fresh temporary app outside the workspace; pnpm
//      rewrites `workspace:*` to the packed versions;
//   2. check each tarball: no `workspace:` range left, every `exports`/`types`/`bin`
//      target present, no build leftovers (*.tsbuildinfo);
//   3. `npm install ./tarballs/*.tgz` there (third-party dependencies such as
//      sdp-transform and @types/node come from the npm registry or npm's cache);
//   4. compile scripts/pack-test/consumer.ts with a strict tsconfig
//      (skipLibCheck off: our .d.ts files are checked as a consumer's tsc sees them);
//   5. run it.
//
// Bounded: every step shares one deadline (PACK_TEST_TIMEOUT_S, default 600 s).
// The temporary app is removed on success and kept (path printed) on failure.
// `--keep` keeps it in any case.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { root, workspacePackages } from './workspace.mjs';

const started = Date.now();
const deadline = started + Number(process.env.PACK_TEST_TIMEOUT_S ?? 600) * 1000;
const keep = process.argv.includes('--keep');
const log = (msg) => console.log(`[pack-test +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

/** The environment for child npm/pnpm runs, without the npm_* variables of the pnpm script that started us. */
const childEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_(config|package|lifecycle)_/i.test(k)),
);

/** Runs a command within the deadline; throws with its output when it fails. */
function run(cmd, args, opts = {}) {
  const timeout = deadline - Date.now();
  if (timeout <= 0) throw new Error(`time limit reached before: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: childEnv, timeout, maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
    throw new Error(`${cmd} ${args.join(' ')} (in ${opts.cwd ?? root}) failed: ${why}\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  }
  return r.stdout;
}

// pnpm as the script was started with (`pnpm run test:pack`, or `npx pnpm@10 run ...`), else from PATH.
const execPath = process.env.npm_execpath;
const pnpm = execPath && /pnpm/.test(execPath) ? [process.execPath, execPath] : ['pnpm'];
const runPnpm = (args, opts) => run(pnpm[0], [...pnpm.slice(1), ...args], opts);

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const app = mkdtempSync(join(tmpdir(), 'trunkline-pack-'));
const tarballs = join(app, 'tarballs');
mkdirSync(tarballs);
let ok = false;

try {
  log('build');
  run(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });

  const publishable = workspacePackages().filter((p) => p.pkg.private !== true);
  log(`pnpm pack: ${publishable.map((p) => p.name).join(', ')}`);
  runPnpm(['-r', ...publishable.flatMap((p) => ['--filter', p.name]), 'pack', '--pack-destination', tarballs], {
    cwd: root,
  });
  const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz')).sort();
  if (files.length !== publishable.length) {
    throw new Error(`expected ${publishable.length} tarballs, found ${files.length}: ${files.join(', ')}`);
  }

  // 2. What each tarball holds.
  const problems = [];
  for (const f of files) {
    const tgz = join(tarballs, f);
    const listed = new Set(run('tar', ['-tzf', tgz]).split('\n').filter(Boolean));
    const manifest = JSON.parse(run('tar', ['-xzOf', tgz, 'package/package.json']));
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [dep, spec] of Object.entries(manifest[field] ?? {})) {
        if (String(spec).startsWith('workspace:')) problems.push(`${f}: ${field}.${dep} is still "${spec}"`);
      }
    }
    const targets = [];
    const collect = (v) => {
      if (typeof v === 'string') targets.push(v);
      else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x);
    };
    collect(manifest.exports);
    collect(manifest.types);
    collect(manifest.main);
    collect(manifest.bin);
    for (const t of targets) {
      const inTar = `package/${t.replace(/^\.\//, '')}`;
      if (!t.includes('*') && !listed.has(inTar)) problems.push(`${f}: ${t} (from package.json) is not in the tarball`);
    }
    for (const entry of listed) {
      if (entry.endsWith('.tsbuildinfo')) problems.push(`${f}: ships ${entry}`);
    }
    log(`${f}: ${listed.size} files`);
  }
  if (problems.length > 0) throw new Error(`tarball problems:\n  ${problems.join('\n  ')}`);

  // 3. A fresh app, outside the workspace, installing the tarballs with npm.
  writeFileSync(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'trunkline-pack-consumer', version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  log('npm install ./tarballs/*.tgz @types/node@20');
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      ...files.map((f) => `./tarballs/${f}`),
      '@types/node@^20.19.0',
    ],
    { cwd: app, stdio: ['ignore', 'inherit', 'inherit'] },
  );

  // 4. A strict consumer build.
  mkdirSync(join(app, 'src'));
  copyFileSync(join(root, 'scripts/pack-test/consumer.ts'), join(app, 'src/main.ts'));
  writeFileSync(
    join(app, 'tsconfig.json'),
    `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023'],
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          verbatimModuleSyntax: true,
          skipLibCheck: false,
          noEmitOnError: true,
          types: ['node'],
          rootDir: 'src',
          outDir: 'dist',
        },
        include: ['src'],
      },
      null,
      2,
    )}\n`,
  );
  log('tsc (strict, skipLibCheck off)');
  run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app, stdio: ['ignore', 'inherit', 'inherit'] });

  // 5. Run it.
  log('node dist/main.js');
  const out = run(process.execPath, ['dist/main.js'], { cwd: app });
  process.stdout.write(out);
  if (!out.includes('pack-test consumer: ok')) throw new Error('the consumer did not report ok');
  ok = true;
  log(`passed: ${files.length} packages packed, installed with npm, compiled strictly and run`);
} catch (e) {
  console.error(`[pack-test] FAILED: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  if (ok && !keep) rmSync(app, { recursive: true, force: true });
  else if (existsSync(app)) console.error(`[pack-test] app kept at ${relative(process.cwd(), app) || app}`);
}

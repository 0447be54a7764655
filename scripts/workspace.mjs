// The workspace's packages, read from pnpm-workspace.yaml and each package.json.
// Shared by scripts/tsconfig-refs.mjs and scripts/pack-test.mjs (no dependencies:
// these scripts run before anything is built).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Parses a JSON file, naming the file when it is not plain JSON. */
export function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${relative(root, file)} is not plain JSON (${e.message})`, { cause: e });
  }
}

/** The `packages:` globs of pnpm-workspace.yaml (`dir/*` and plain folders; `!` exclusions are skipped). */
function workspaceGlobs() {
  const globs = [];
  let inPackages = false;
  for (const line of readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').split('\n')) {
    if (/^\S/.test(line)) inPackages = /^packages:\s*$/.test(line);
    else if (inPackages) {
      const m = /^\s+-\s+['"]?([^'"#]+?)['"]?\s*(#.*)?$/.exec(line);
      if (m) globs.push(m[1]);
    }
  }
  return globs;
}

/**
 * Every workspace package, sorted by folder: `{ dir, name, pkg }` where `pkg`
 * is the parsed package.json.
 */
export function workspacePackages() {
  const dirs = [];
  for (const glob of workspaceGlobs()) {
    if (glob.startsWith('!')) continue;
    if (glob.endsWith('/*')) {
      const parent = join(root, glob.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const e of readdirSync(parent, { withFileTypes: true })) {
        if (e.isDirectory()) dirs.push(join(parent, e.name));
      }
    } else if (!glob.includes('*')) {
      dirs.push(join(root, glob));
    } else {
      throw new Error(`unsupported workspace glob ${glob} in pnpm-workspace.yaml`);
    }
  }
  return dirs
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .sort()
    .map((dir) => {
      const pkg = readJson(join(dir, 'package.json'));
      return { dir, name: pkg.name, pkg };
    });
}

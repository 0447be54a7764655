/**
 * Type-check the ```ts blocks of a package README the way a consumer's
 * compiler sees them: `import ... from '@trunkline/x'` resolves through the
 * package's `exports` map to its built `dist/*.d.ts` (the "types" condition,
 * not the workspace "source" one), under the repository's strict compiler
 * options (tsconfig.base.json). `skipLibCheck` stays on as in most consumer
 * projects (off, checking @types/node too, took 2-4x as long).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** One ```ts block of a README. */
export interface ReadmeBlock {
  /** 1-based line of the block's first code line in the README. */
  readonly line: number;
  /** The code. */
  readonly code: string;
}

/** The ```ts (or ```typescript) fenced blocks of a Markdown text, in order. */
export function readmeTsBlocks(markdown: string): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  const fence = /^```(?:ts|typescript)[ \t]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    const line = markdown.slice(0, m.index).split('\n').length + 1;
    blocks.push({ line, code: m[1]! });
  }
  return blocks;
}

/**
 * Bring `dist/` of the given workspace packages (and what they reference) up
 * to date with an incremental `tsc -b`, as `pnpm build` does; about a second
 * when nothing changed.
 * @throws Error with the compiler's messages when a build fails
 */
export function buildPackages(packageDirs: readonly string[]): void {
  const messages: string[] = [];
  const format = (d: ts.Diagnostic): void => {
    messages.push(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  };
  const host = ts.createSolutionBuilderHost(ts.sys, undefined, format, () => undefined);
  const configs = packageDirs.map((dir) => join(dir, 'tsconfig.build.json'));
  const status = ts.createSolutionBuilder(host, configs, {}).build();
  if (status !== ts.ExitStatus.Success) throw new Error(`tsc -b ${configs.join(' ')} failed:\n${messages.join('\n')}`);
}

/** A compiler message about one README block. */
export interface ReadmeDiagnostic {
  /** README line of the message. */
  readonly line: number;
  /** The compiler's message. */
  readonly message: string;
}

/**
 * Compile every ```ts block of `<packageDir>/README.md` as its own module of a
 * consumer project (`type: module`, `module: nodenext`, the repo's strict
 * options) whose node_modules holds every workspace package, against their
 * built declarations. Call {@link buildPackages} first.
 * @returns the blocks found and the compiler's messages, mapped to README lines
 */
export function typeCheckReadme(packageDir: string): { blocks: number; diagnostics: ReadmeDiagnostic[] } {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const blocks = readmeTsBlocks(readme);
  const app = mkdtempSync(join(tmpdir(), 'trunkline-readme-types-'));
  try {
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'readme-consumer', private: true, type: 'module' }));
    const scope = join(app, 'node_modules', '@trunkline');
    mkdirSync(scope, { recursive: true });
    for (const name of readdirSync(join(repoRoot, 'packages'))) {
      // Linked under the package's own name: `@trunkline/x`, or unscoped (the `trunkline` umbrella).
      const own = (JSON.parse(readFileSync(join(repoRoot, 'packages', name, 'package.json'), 'utf8')) as { name: string }).name;
      symlinkSync(join(repoRoot, 'packages', name), own.startsWith('@trunkline/') ? join(scope, name) : join(app, 'node_modules', own), 'dir');
    }
    const files = blocks.map((b, i) => {
      const file = join(app, `block-${i}.ts`);
      // `export {}` makes every block a module, so blocks never share globals.
      writeFileSync(file, `${b.code}\nexport {};\n`);
      return file;
    });
    const base = ts.getParsedCommandLineOfConfigFile(join(repoRoot, 'tsconfig.base.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    });
    if (base === undefined) throw new Error('tsconfig.base.json could not be read');
    const options: ts.CompilerOptions = {
      ...base.options,
      noEmit: true,
      // Lints of our own sources, not something a consumer's example must satisfy.
      noUnusedLocals: false,
      noUnusedParameters: false,
      declaration: false,
      declarationMap: false,
      sourceMap: false,
      typeRoots: [join(repoRoot, 'node_modules', '@types')],
    };
    const program = ts.createProgram({ rootNames: files, options });
    const diagnostics: ReadmeDiagnostic[] = [];
    for (const d of ts.getPreEmitDiagnostics(program)) {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      const index = d.file === undefined ? -1 : files.indexOf(d.file.fileName);
      if (d.file === undefined || d.start === undefined || index < 0) {
        diagnostics.push({ line: 0, message: d.file === undefined ? message : `${d.file.fileName}: ${message}` });
        continue;
      }
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      diagnostics.push({ line: blocks[index]!.line + line, message });
    }
    return { blocks: blocks.length, diagnostics };
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

/**
 * Builds `packageDir` (and what it references), then type-checks its README's
 * ```ts blocks as a consumer would: the compiler's messages as
 * `README.md:LINE: message`, or one message when the README has no block.
 */
export function readmeTypeErrors(packageDir: string): string[] {
  buildPackages([packageDir]);
  const { blocks, diagnostics } = typeCheckReadme(packageDir);
  if (blocks === 0) return ['README.md: no ```ts block to check'];
  return diagnostics.map((d) => `README.md:${d.line}: ${d.message}`);
}

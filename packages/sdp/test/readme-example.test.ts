/**
 * The README's example: type-checked with the project's strict settings (a virtual file beside this
 * test, `@trunkline/sdp` mapped to src/), then run; what it prints must be what its comments say.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const srcIndex = resolve(here, '..', 'src', 'index.ts');

function exampleCode(): string {
  const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('<!-- example -->'), readme.indexOf('<!-- /example -->'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined) throw new Error('README has no example between <!-- example --> markers');
  return code;
}

describe('README example', () => {
  it('type-checks under strict settings', () => {
    const virtual = join(here, '__readme_example__.ts');
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
      paths: { '@trunkline/sdp': [srcIndex] },
    };
    const host = ts.createCompilerHost(options);
    const code = exampleCode();
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (name, lang, ...rest) =>
      name === virtual ? ts.createSourceFile(name, code, lang) : getSourceFile.call(host, name, lang, ...rest);
    host.fileExists = (name) => name === virtual || fileExists.call(host, name);
    host.readFile = (name) => (name === virtual ? code : readFile.call(host, name));
    const program = ts.createProgram([virtual], options, host);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  }, 60_000);

  it('runs and prints what its comments say', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trunkline-sdp-readme-'));
    const file = join(dir, 'example.ts');
    writeFileSync(file, exampleCode().replace("'@trunkline/sdp'", JSON.stringify(pathToFileURL(srcIndex).href)));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await import(pathToFileURL(file).href);
      expect(log.mock.calls).toEqual([
        ['PCMU', 101, 1],
        [488, '302 trunkline "Incompatible transport protocol"'],
        ['PCMA', true, 50000],
        [true, '2'],
      ]);
    } finally {
      log.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

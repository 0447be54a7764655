/**
 * Error codes are unique across the whole project (issue 8: `MESSAGE_TOO_LARGE`
 * and `BAD_VERSION` once meant two different things each), so `switch (e.code)`
 * never confuses two packages' meanings.
 *
 * Every `packages/<name>/src/**.ts` file is parsed with the TypeScript compiler
 * API (no type checking, so it runs in well under a second) and every code
 * declaration is collected:
 * - the string literals of a type alias whose name ends in `Code`
 *   (`type SipParseErrorCode = 'BAD_URI' | ...`);
 * - string literal type arguments of a class extending `TrunklineError`
 *   (`class X extends TrunklineError<'TOO_MANY_TRANSACTIONS'>`);
 * - a `code` property initialised with a string literal in a class
 *   (`readonly code = 'PORT_RANGE_EXHAUSTED'`).
 * A code declared in two places fails, even within one package: declare it
 * once and reference the type.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const packagesDir = join(repoRoot, 'packages');

/** One place a code is declared. */
interface CodeSite {
  readonly code: string;
  /** `path:line (declaration)` */
  readonly where: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** String literal members of a type node (a literal, or a union of them, possibly parenthesised). */
function literals(node: ts.TypeNode): ts.StringLiteral[] {
  if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) return [node.literal];
  if (ts.isUnionTypeNode(node)) return node.types.flatMap(literals);
  if (ts.isParenthesizedTypeNode(node)) return literals(node.type);
  return [];
}

/** Every code declaration in one source file. */
export function codeSites(file: string, text: string): CodeSite[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const sites: CodeSite[] = [];
  const at = (what: string, literal: ts.StringLiteral): void => {
    const { line } = source.getLineAndCharacterOfPosition(literal.getStart(source));
    sites.push({ code: literal.text, where: `${relative(repoRoot, file)}:${line + 1} (${what})` });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isTypeAliasDeclaration(node) && node.name.text.endsWith('Code')) {
      for (const l of literals(node.type)) at(`type ${node.name.text}`, l);
    } else if (ts.isClassDeclaration(node)) {
      const name = node.name?.text ?? '(anonymous class)';
      for (const clause of node.heritageClauses ?? []) {
        for (const t of clause.types) {
          if (t.expression.getText(source) !== 'TrunklineError') continue;
          for (const arg of t.typeArguments ?? []) for (const l of literals(arg)) at(`class ${name}`, l);
        }
      }
      for (const member of node.members) {
        if (
          ts.isPropertyDeclaration(member) &&
          member.name.getText(source) === 'code' &&
          member.initializer !== undefined &&
          ts.isStringLiteral(member.initializer)
        ) {
          at(`class ${name}.code`, member.initializer);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sites;
}

function projectCodeSites(): CodeSite[] {
  const sites: CodeSite[] = [];
  for (const pkg of readdirSync(packagesDir)) {
    const src = join(packagesDir, pkg, 'src');
    let files: string[];
    try {
      files = sourceFiles(src);
    } catch {
      continue; // a package without src/
    }
    for (const file of files) sites.push(...codeSites(file, readFileSync(file, 'utf8')));
  }
  return sites;
}

describe('error codes are unique across the project (issue 8, errors convention)', () => {
  it('the collector finds each kind of declaration', () => {
    const sample = [
      "type DemoErrorCode = 'DEMO_A' | ('DEMO_B');",
      "class OneError extends TrunklineError<'DEMO_C'> {}",
      "class TwoError extends Error { readonly code = 'DEMO_D'; }",
      "type NotACodeUnion = 'IGNORED';",
    ].join('\n');
    expect(codeSites(join(packagesDir, 'demo/src/x.ts'), sample).map((s) => s.code)).toEqual(['DEMO_A', 'DEMO_B', 'DEMO_C', 'DEMO_D']);
  });

  it('no code is declared twice in packages/*/src', () => {
    const sites = projectCodeSites();
    expect(sites.length).toBeGreaterThan(100);
    const byCode = new Map<string, string[]>();
    for (const s of sites) byCode.set(s.code, [...(byCode.get(s.code) ?? []), s.where]);
    const duplicates = [...byCode].filter(([, where]) => where.length > 1).map(([code, where]) => `${code}: ${where.join(', ')}`);
    expect(duplicates).toEqual([]);
  });
});

/**
 * Loads the benchmark corpus (bench/corpus) and the must-reject torture
 * messages (test/fixtures/rfc4475, test/fixtures/rfc5118), checking each
 * file against its index so a silently edited fixture cannot skew a run.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** packages/sip-parser/ */
export const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url));

/** One realistic message of the speed corpus, in both input forms. */
export interface CorpusMessage {
  readonly file: string;
  /** Short label for tables: `01-invite`. */
  readonly name: string;
  /** Wire bytes as a transport hands them over (a Buffer is a Uint8Array). */
  readonly bytes: Buffer;
  /** The same message decoded as UTF-8, for parsers that take a string. */
  readonly text: string;
  readonly callId: string;
  readonly cseqSeq: number;
  readonly cseqMethod: string;
}

/** One torture message a parser is expected to reject. */
export interface RejectFixture {
  readonly suite: string;
  readonly name: string;
  readonly section: string;
  readonly bytes: Buffer;
}

export interface RejectSuite {
  readonly suite: string;
  /** Where the index was read from (relative to the package). */
  readonly index: string;
  readonly fixtures: readonly RejectFixture[];
}

type Json = Readonly<Record<string, unknown>>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw new Error(`${where}: field "${key}" missing or not a string`);
}

function readIndex(path: string): readonly Json[] {
  const doc: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const list = isRecord(doc) ? doc['messages'] : undefined;
  if (!Array.isArray(list)) throw new Error(`${path}: no "messages" array`);
  return list.map((m: unknown, i) => {
    if (!isRecord(m)) throw new Error(`${path}: messages[${i}] is not an object`);
    return m;
  });
}

function checkDigest(bytes: Buffer, entry: Json, where: string): void {
  const size = entry['bytes'];
  if (typeof size === 'number' && size !== bytes.length) {
    throw new Error(`${where}: ${bytes.length} bytes, index says ${size}`);
  }
  const sha = entry['sha256'];
  if (typeof sha === 'string' && createHash('sha256').update(bytes).digest('hex') !== sha) {
    throw new Error(`${where}: sha256 differs from the index`);
  }
}

/** The ten messages of bench/corpus, in index order. */
export function loadCorpus(): CorpusMessage[] {
  const dir = `${PACKAGE_DIR}bench/corpus/`;
  return readIndex(`${dir}index.json`).map((entry) => {
    const file = field(entry, 'file', 'bench/corpus/index.json');
    const bytes = readFileSync(dir + file);
    checkDigest(bytes, entry, `bench/corpus/${file}`);
    const cseq = /^(\d+) (\S+)$/.exec(field(entry, 'cseq', file));
    if (!cseq?.[1] || !cseq[2]) throw new Error(`${file}: bad cseq in index`);
    return {
      file,
      name: file.replace(/\.sip$/, ''),
      bytes,
      text: bytes.toString('utf8'),
      callId: field(entry, 'call_id', file),
      cseqSeq: Number(cseq[1]),
      cseqMethod: cseq[2],
    };
  });
}

/** A must-reject message: RFC 4475's index says `parser_should`, RFC 5118's `verdict`. */
function mustReject(entry: Json): boolean {
  return entry['parser_should'] === 'reject' || entry['verdict'] === 'reject';
}

/**
 * The must-reject messages of each torture suite present. RFC 5118's index is
 * written separately; when it is absent (or unreadable) that suite is left out
 * and the reason returned, so the speed bench still runs.
 */
export function loadMustReject(): { suites: RejectSuite[]; problems: string[] } {
  const sources: Array<[string, string]> = [
    ['RFC 4475', 'test/fixtures/rfc4475/'],
    ['RFC 5118', 'test/fixtures/rfc5118/'],
  ];
  const suites: RejectSuite[] = [];
  const problems: string[] = [];
  for (const [suite, rel] of sources) {
    const index = `${PACKAGE_DIR}${rel}index.json`;
    if (!existsSync(index)) {
      problems.push(`${suite}: ${rel}index.json not present`);
      continue;
    }
    try {
      const fixtures = readIndex(index)
        .filter(mustReject)
        .map((entry): RejectFixture => {
          const file = field(entry, 'file', index);
          const bytes = readFileSync(`${PACKAGE_DIR}${rel}${file}`);
          checkDigest(bytes, entry, `${rel}${file}`);
          const name = typeof entry['name'] === 'string' ? entry['name'] : file.replace(/\.[^.]+$/, '');
          const section = typeof entry['section'] === 'string' ? entry['section'] : '';
          return { suite, name, section, bytes };
        });
      suites.push({ suite, index: `${rel}index.json`, fixtures });
    } catch (e) {
      problems.push(`${suite}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { suites, problems };
}

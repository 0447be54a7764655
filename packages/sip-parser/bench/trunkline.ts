/**
 * Trunkline's adapter. It imports the BUILT package (`dist/`, via the
 * package's self-reference, whose `exports` map resolves to ./dist/index.js
 * under Node's default conditions), so the bench measures the JavaScript that
 * ships. Run `pnpm build` first; the root `pnpm bench` does.
 *
 * The import is dynamic and narrowed at run time so the harness keeps working
 * (peers only) while the parser is not built yet, and so it type-checks
 * without `dist/` present.
 */
import { readdirSync, statSync } from 'node:fs';
import { PACKAGE_DIR, type CorpusMessage } from './corpus.js';
import { EXTRA_HEADER, type ParserAdapter, type RejectVerdict } from './adapters.js';

interface TrunklineCSeq {
  readonly seq: number;
  readonly method: string;
}
interface TrunklineMessage {
  readonly callId: string | null | undefined;
  readonly cseq: TrunklineCSeq | null | undefined;
  readonly headers: { append(name: string, value: string): unknown };
}
type Parse = (input: Uint8Array | string) => TrunklineMessage;
type Serialize = (msg: TrunklineMessage) => Uint8Array | string;
type Validate = (msg: TrunklineMessage) => { readonly ok: boolean; readonly status?: unknown; readonly code?: unknown };

export interface TrunklineLoad {
  readonly adapters: ParserAdapter[];
  /** Resolved URL of the module measured, when it loaded. */
  readonly resolved: string | null;
  /** Why there is no Trunkline column, when there is none. */
  readonly problem: string | null;
  /** When dist/ was last built, and a warning when src/ has changed since. */
  readonly build: { readonly builtAt: string | null; readonly stale: string | null };
}

function newest(dir: string, suffix: string): { file: string; mtime: number } | null {
  let best: { file: string; mtime: number } | null = null;
  try {
    for (const f of readdirSync(dir)) {
      if (!f.endsWith(suffix)) continue;
      const mtime = statSync(`${dir}${f}`).mtimeMs;
      if (!best || mtime > best.mtime) best = { file: f, mtime };
    }
  } catch {
    return null;
  }
  return best;
}

/** Compares dist/*.js with src/*.ts so a run on a stale build says so. */
function buildInfo(): TrunklineLoad['build'] {
  const dist = newest(`${PACKAGE_DIR}dist/`, '.js');
  const src = newest(`${PACKAGE_DIR}src/`, '.ts');
  const builtAt = dist ? new Date(dist.mtime).toISOString() : null;
  const stale =
    dist && src && src.mtime > dist.mtime
      ? `src/${src.file} (${new Date(src.mtime).toISOString()}) is newer than the build (${builtAt}): run pnpm build`
      : null;
  return { builtAt, stale };
}

const SELF = '@trunkline/sip-parser';

function fn<T>(mod: Record<string, unknown>, name: string): T | null {
  const v = mod[name];
  return typeof v === 'function' ? (v as T) : null;
}

function errorKind(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' ? `${e.name}:${code}` : e.name;
  }
  return typeof e;
}

async function importBuilt(): Promise<{ mod: Record<string, unknown>; resolved: string }> {
  // A string-typed specifier keeps tsc from needing dist/*.d.ts at type-check time.
  const candidates: string[] = [SELF, new URL('../dist/index.js', import.meta.url).href];
  let last: unknown;
  for (const spec of candidates) {
    try {
      const mod: unknown = await import(spec);
      if (typeof mod !== 'object' || mod === null) throw new Error(`${spec}: not a module namespace`);
      const resolved = spec === SELF ? import.meta.resolve(SELF) : spec;
      return { mod: mod as Record<string, unknown>, resolved };
    } catch (e) {
      last = e;
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}

function readIds(m: TrunklineMessage): { callId: string; seq: number; method: string } {
  const callId = m.callId;
  const cseq = m.cseq;
  if (typeof callId !== 'string') throw new Error(`msg.callId is ${typeof callId}`);
  if (!cseq || typeof cseq.seq !== 'number' || typeof cseq.method !== 'string') {
    throw new Error('msg.cseq is not { seq: number, method: string }');
  }
  return { callId, seq: cseq.seq, method: cseq.method };
}

export async function loadTrunkline(corpus: readonly CorpusMessage[]): Promise<TrunklineLoad> {
  const build = buildInfo();
  let mod: Record<string, unknown>;
  let resolved: string;
  try {
    ({ mod, resolved } = await importBuilt());
  } catch (e) {
    return { adapters: [], resolved: null, problem: `cannot import ${SELF}: ${e instanceof Error ? e.message : String(e)}`, build };
  }
  if (!resolved.includes('/dist/')) {
    return { adapters: [], resolved, problem: `${SELF} resolved to ${resolved}, not dist/: refusing to measure sources`, build };
  }
  const parseMessage = fn<Parse>(mod, 'parseMessage');
  if (!parseMessage) {
    return {
      adapters: [],
      resolved,
      problem: `dist/index.js has no parseMessage export yet (exports: ${Object.keys(mod).join(', ')})`,
      build,
    };
  }
  const serializeMessage = fn<Serialize>(mod, 'serializeMessage');
  const validateMessage = fn<Validate>(mod, 'validateMessage');
  const version = typeof mod['VERSION'] === 'string' ? mod['VERSION'] : '0.1.0 (workspace)';

  // Does parseMessage take a string as well as bytes? Probe once on the corpus.
  let takesString = true;
  for (const msg of corpus) {
    try {
      const ids = readIds(parseMessage(msg.text));
      if (ids.callId !== msg.callId) takesString = false;
    } catch {
      takesString = false;
    }
  }

  const reject = (bytes: Buffer): RejectVerdict => {
    let m: TrunklineMessage;
    try {
      m = parseMessage(bytes);
    } catch (e) {
      return { parseRejects: true, validatedRejects: true, errorKind: errorKind(e) };
    }
    if (!validateMessage) return { parseRejects: false, validatedRejects: null };
    try {
      const v = validateMessage(m);
      if (v.ok) return { parseRejects: false, validatedRejects: false };
      const what = [typeof v.code === 'string' ? v.code : '', typeof v.status === 'number' ? String(v.status) : ''].filter(Boolean).join(' ');
      return { parseRejects: false, validatedRejects: true, errorKind: `validateMessage${what ? ` ${what}` : ''}` };
    } catch (e) {
      return { parseRejects: false, validatedRejects: true, errorKind: `validateMessage threw ${errorKind(e)}` };
    }
  };

  const serializeApi = serializeMessage ? 'serializeMessage(msg)' : 'n/a (no serializeMessage export yet)';
  const validationApi = validateMessage ? 'validateMessage(msg).ok === false' : null;

  const fromBytes: ParserAdapter = {
    id: 'trunkline-bytes',
    label: 'Trunkline',
    version,
    trunkline: true,
    input: 'Uint8Array (Buffer)',
    readApi: 'parseMessage(bytes); msg.callId, msg.cseq.{seq,method}',
    serializeApi,
    hasSerializer: serializeMessage !== null,
    validationApi,
    read: (msg) => readIds(parseMessage(msg.bytes)),
    roundtrip(msg) {
      if (!serializeMessage) throw new Error('no serializeMessage');
      return serializeMessage(parseMessage(msg.bytes));
    },
    modifyApi: 'msg.headers.append(name, v); serializeMessage(msg)',
    modify(msg) {
      if (!serializeMessage) throw new Error('no serializeMessage');
      const m = parseMessage(msg.bytes);
      m.headers.append(EXTRA_HEADER.name, EXTRA_HEADER.value);
      return serializeMessage(m);
    },
    loopModify(msg, n) {
      if (!serializeMessage) throw new Error('no serializeMessage');
      const b = msg.bytes;
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const m = parseMessage(b);
        m.headers.append(EXTRA_HEADER.name, EXTRA_HEADER.value);
        sink += serializeMessage(m).length;
      }
      return sink;
    },
    loopRead(msg, n) {
      const b = msg.bytes;
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const m = parseMessage(b);
        const c = m.cseq as TrunklineCSeq;
        sink += (m.callId as string).length + c.seq + c.method.length;
      }
      return sink;
    },
    loopRoundtrip(msg, n) {
      if (!serializeMessage) throw new Error('no serializeMessage');
      const b = msg.bytes;
      let sink = 0;
      for (let i = 0; i < n; i++) sink += serializeMessage(parseMessage(b)).length;
      return sink;
    },
    reject,
  };

  // From a string: natively if parseMessage accepts one, else paying the UTF-8 encode a caller would.
  const toInput: (s: string) => Uint8Array | string = takesString ? (s) => s : (s) => Buffer.from(s, 'utf8');
  const fromString: ParserAdapter = {
    ...fromBytes,
    id: 'trunkline-string',
    label: 'Trunkline (string)',
    input: takesString ? 'string' : "string → Buffer.from(s, 'utf8') per parse",
    readApi: takesString ? 'parseMessage(str); msg.callId, msg.cseq.{seq,method}' : "parseMessage(Buffer.from(str, 'utf8')); msg.callId, msg.cseq.{seq,method}",
    validationApi: null,
    read: (msg) => readIds(parseMessage(toInput(msg.text))),
    roundtrip(msg) {
      if (!serializeMessage) throw new Error('no serializeMessage');
      return serializeMessage(parseMessage(toInput(msg.text)));
    },
    modify(msg) {
      if (!serializeMessage) throw new Error('no serializeMessage');
      const m = parseMessage(toInput(msg.text));
      m.headers.append(EXTRA_HEADER.name, EXTRA_HEADER.value);
      return serializeMessage(m);
    },
    loopModify(msg, n) {
      if (!serializeMessage) throw new Error('no serializeMessage');
      const s = msg.text;
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const m = parseMessage(toInput(s));
        m.headers.append(EXTRA_HEADER.name, EXTRA_HEADER.value);
        sink += serializeMessage(m).length;
      }
      return sink;
    },
    loopRead(msg, n) {
      const s = msg.text;
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const m = parseMessage(toInput(s));
        const c = m.cseq as TrunklineCSeq;
        sink += (m.callId as string).length + c.seq + c.method.length;
      }
      return sink;
    },
    loopRoundtrip(msg, n) {
      if (!serializeMessage) throw new Error('no serializeMessage');
      const s = msg.text;
      let sink = 0;
      for (let i = 0; i < n; i++) sink += serializeMessage(parseMessage(toInput(s))).length;
      return sink;
    },
  };

  return { adapters: [fromBytes, fromString], resolved, problem: null, build };
}

/**
 * One adapter per parser under test. Each adapter knows its library's real
 * entry points, feeds it the input form the library takes natively, reads
 * Call-ID and CSeq through the library's own accessors, and serialises with
 * the library's own serializer (or says there is none).
 *
 * The untyped CommonJS peers are loaded with createRequire and narrowed to
 * the few members used here after a runtime check, so no `any` leaves this
 * file. The hot loops live in the adapters, one loop per library, so each
 * loop's call sites stay monomorphic.
 */
import { createRequire } from 'node:module';
import { Parser as SipJsParser } from 'sip.js/lib/core/messages/parser.js';
import { LoggerFactory as SipJsLoggerFactory } from 'sip.js/lib/core/log/logger-factory.js';
import { utf8Length as sipJsUtf8Length } from 'sip.js/lib/core/messages/utils.js';
import { IncomingResponseMessage as SipJsResponse } from 'sip.js/lib/core/messages/incoming-response-message.js';
import type { CorpusMessage } from './corpus.js';

const require = createRequire(import.meta.url);

/**
 * The header the `modify` workload adds, as a B2BUA or proxy adds one before
 * forwarding. It forces each serializer off any "unchanged message" shortcut.
 */
export const EXTRA_HEADER = { name: 'X-Trunk-Route', value: 'bench-1' } as const;

/** What a parse-and-read must yield for a corpus message. */
export interface ParsedIds {
  readonly callId: string;
  readonly seq: number;
  readonly method: string;
}

/** How one parser judged one must-reject message. */
export interface RejectVerdict {
  /** The parse itself failed: threw, or returned null/undefined. */
  readonly parseRejects: boolean;
  /** Parse or the library's validation step rejected; null when it has no validation step. */
  readonly validatedRejects: boolean | null;
  /** Error class and code of a rejection, where the adapter records it (Trunkline). */
  readonly errorKind?: string;
}

export interface ParserAdapter {
  /** Stable id used in the JSON output: `trunkline-bytes`, `sip`, ... */
  readonly id: string;
  /** Column heading. */
  readonly label: string;
  readonly version: string;
  readonly trunkline: boolean;
  /** Input form handed to the parser, for the table. */
  readonly input: string;
  /** The calls made for the parse + Call-ID + CSeq workload. */
  readonly readApi: string;
  /** The serializer call, or why there is none. */
  readonly serializeApi: string;
  readonly hasSerializer: boolean;
  /** The validation step used by the reject table, or null. */
  readonly validationApi: string | null;
  /** Parse and read once, returning what was read (correctness check). */
  read(msg: CorpusMessage): ParsedIds;
  /** Parse and serialise once (correctness check); only when hasSerializer. */
  roundtrip(msg: CorpusMessage): string | Uint8Array;
  /** How one header is added before serialising (the `modify` workload). */
  readonly modifyApi: string;
  /** Parse, add the header {@link EXTRA_HEADER}, serialise once (correctness check). */
  modify(msg: CorpusMessage): string | Uint8Array;
  /** Timed loop: `n` parses + reads; returns a value derived from every read. */
  loopRead(msg: CorpusMessage, n: number): number;
  /** Timed loop: `n` parses + serialisations; returns the total output length. */
  loopRoundtrip(msg: CorpusMessage, n: number): number;
  /** Timed loop: `n` parses + one added header + serialisations; returns the total output length. */
  loopModify(msg: CorpusMessage, n: number): number;
  reject(bytes: Buffer): RejectVerdict;
}

function versionOf(pkg: string): string {
  const meta: unknown = require(`${pkg}/package.json`);
  const v = typeof meta === 'object' && meta !== null ? (meta as { version?: unknown }).version : undefined;
  return typeof v === 'string' ? v : '?';
}

function requireWith<T>(spec: string, members: readonly string[]): T {
  const mod: unknown = require(spec);
  for (const m of members) {
    const v = typeof mod === 'object' || typeof mod === 'function' ? (mod as Record<string, unknown> | null)?.[m] : undefined;
    if (typeof v !== 'function') throw new Error(`${spec}: expected function ${m}`);
  }
  return mod as T;
}

function noSerializer(label: string): never {
  throw new Error(`${label} has no serializer`);
}

function throws(f: () => unknown): boolean {
  try {
    const r = f();
    return r === null || r === undefined;
  } catch {
    return true;
  }
}

// ---------------------------------------------------------------------------
// sip 0.0.6 (kirm/sip.js): regex splitter into a plain object; sip.js:509
// `parse(s)` accepts a string (or Buffer, via toString('binary')); sip.js:355
// `stringify(m)`. Headers are eagerly parsed: Call-ID a string, CSeq {seq, method}.

interface KirmMessage {
  method?: string;
  status?: number;
  headers: {
    'call-id': string;
    cseq: { seq: number; method: string };
    via?: unknown;
    to?: unknown;
    from?: unknown;
    'x-trunk-route'?: string;
  };
}
interface KirmSip {
  parse(s: string): KirmMessage | undefined;
  stringify(m: KirmMessage): string;
}

/**
 * Port of sip.js:529 `checkMessage`, which its UDP/TCP transports apply to
 * every parsed message but which the module does not export.
 */
function kirmCheckMessage(m: KirmMessage): boolean {
  const h = m.headers;
  return Boolean(
    (m.method || (m.status !== undefined && m.status >= 100 && m.status <= 999)) &&
      Array.isArray(h.via) &&
      h.via.length > 0 &&
      h['call-id'] &&
      h.to &&
      h.from &&
      h.cseq,
  );
}

function kirmAdapter(): ParserAdapter {
  const sip = requireWith<KirmSip>('sip', ['parse', 'stringify']);
  const parse = (s: string): KirmMessage => {
    const m = sip.parse(s);
    if (!m) throw new Error('sip.parse returned undefined');
    return m;
  };
  return {
    id: 'sip',
    label: 'sip',
    version: versionOf('sip'),
    trunkline: false,
    input: 'string',
    readApi: "require('sip').parse(str); m.headers['call-id'], m.headers.cseq.{seq,method}",
    serializeApi: "require('sip').stringify(m)",
    hasSerializer: true,
    validationApi: "port of sip.js:529 checkMessage (unexported; its transports' acceptance check)",
    read(msg) {
      const m = parse(msg.text);
      const c = m.headers.cseq;
      return { callId: m.headers['call-id'], seq: c.seq, method: c.method };
    },
    roundtrip: (msg) => sip.stringify(parse(msg.text)),
    modifyApi: "m.headers['x-trunk-route'] = v; stringify(m)",
    modify(msg) {
      const m = parse(msg.text);
      m.headers['x-trunk-route'] = EXTRA_HEADER.value;
      return sip.stringify(m);
    },
    loopModify(msg, n) {
      const s = msg.text;
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const m = sip.parse(s) as KirmMessage;
        m.headers['x-trunk-route'] = EXTRA_HEADER.value;
        sink += sip.stringify(m).length;
      }
      return sink;
    },
    loopRead(msg, n) {
      const s = msg.text;
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const h = (sip.parse(s) as KirmMessage).headers;
        const c = h.cseq;
        sink += h['call-id'].length + c.seq + c.method.length;
      }
      return sink;
    },
    loopRoundtrip(msg, n) {
      const s = msg.text;
      let sink = 0;
      for (let i = 0; i < n; i++) sink += sip.stringify(sip.parse(s) as KirmMessage).length;
      return sink;
    },
    reject(bytes) {
      let m: KirmMessage | undefined;
      try {
        m = sip.parse(bytes.toString('utf8'));
      } catch {
        return { parseRejects: true, validatedRejects: true };
      }
      if (!m) return { parseRejects: true, validatedRejects: true };
      return { parseRejects: false, validatedRejects: !kirmCheckMessage(m) };
    },
  };
}

// ---------------------------------------------------------------------------
// drachtio-sip 0.6.3: lib/message.js `new SipMessage(str)` (what drachtio-srf
// builds requests from; parses lazily: header values kept as strings),
// `get('call-id')`, `getParsedHeader('cseq')` (parses on every call, no cache),
// `toString()` -> lib/parser.js stringify.

interface DrachtioMessage {
  get(name: string): string | undefined;
  set(name: string, value: string): DrachtioMessage;
  getParsedHeader(name: 'cseq'): { seq: number; method: string };
  toString(): string;
}
interface DrachtioSip {
  SipMessage: new (raw: string) => DrachtioMessage;
}

function drachtioAdapter(): ParserAdapter {
  const { SipMessage } = requireWith<DrachtioSip>('drachtio-sip', ['SipMessage']);
  return {
    id: 'drachtio-sip',
    label: 'drachtio-sip',
    version: versionOf('drachtio-sip'),
    trunkline: false,
    input: 'string',
    readApi: "new (require('drachtio-sip').SipMessage)(str); m.get('call-id'), m.getParsedHeader('cseq').{seq,method}",
    serializeApi: 'm.toString()',
    hasSerializer: true,
    validationApi: null,
    read(msg) {
      const m = new SipMessage(msg.text);
      const c = m.getParsedHeader('cseq');
      const callId = m.get('call-id');
      if (callId === undefined) throw new Error('no Call-ID');
      return { callId, seq: c.seq, method: c.method };
    },
    roundtrip: (msg) => new SipMessage(msg.text).toString(),
    modifyApi: 'm.set(name, v).toString()',
    modify: (msg) => new SipMessage(msg.text).set(EXTRA_HEADER.name, EXTRA_HEADER.value).toString(),
    loopModify(msg, n) {
      const s = msg.text;
      let sink = 0;
      for (let i = 0; i < n; i++) sink += new SipMessage(s).set(EXTRA_HEADER.name, EXTRA_HEADER.value).toString().length;
      return sink;
    },
    loopRead(msg, n) {
      const s = msg.text;
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const m = new SipMessage(s);
        const c = m.getParsedHeader('cseq');
        sink += (m.get('call-id') as string).length + c.seq + c.method.length;
      }
      return sink;
    },
    loopRoundtrip(msg, n) {
      const s = msg.text;
      let sink = 0;
      for (let i = 0; i < n; i++) sink += new SipMessage(s).toString().length;
      return sink;
    },
    reject(bytes) {
      const parseRejects = throws(() => new SipMessage(bytes.toString('utf8')));
      return { parseRejects, validatedRejects: null };
    },
  };
}

// ---------------------------------------------------------------------------
// JsSIP 3.13.8: lib/Parser.js `parseMessage(data, ua)` (not re-exported by
// lib/JsSIP.js; `ua` is only stored on IncomingRequest, so `{}` serves).
// Returns undefined on failure. Call-ID/CSeq/method are eager fields.
// IncomingMessage.toString() returns the input `data` verbatim: no serializer.

interface JssipMessage {
  call_id: string;
  cseq: number;
  method: string;
}
interface JssipParser {
  parseMessage(data: string, ua: object): JssipMessage | undefined;
}
type JssipSanityCheck = (message: JssipMessage, ua: object, transport: object) => boolean;

function jssipAdapter(): ParserAdapter {
  const parser = requireWith<JssipParser>('jssip/lib/Parser.js', ['parseMessage']);
  const sanity: unknown = require('jssip/lib/sanityCheck.js');
  if (typeof sanity !== 'function') throw new Error('jssip/lib/sanityCheck.js: not a function');
  const sanityCheck = sanity as JssipSanityCheck;
  const ua = {};
  // What sanityCheck touches: a jssip_id for the loop check, empty transaction
  // tables for the merged-request check, and a transport to send its replies to.
  const sanityUa = { configuration: { jssip_id: '\u0000none' }, _transactions: { ist: {}, nist: {} } };
  const sanityTransport = { send: (): boolean => true };
  const parse = (s: string): JssipMessage => {
    const m = parser.parseMessage(s, ua);
    if (!m) throw new Error('JsSIP Parser.parseMessage returned undefined');
    return m;
  };
  return {
    id: 'jssip',
    label: 'JsSIP',
    version: versionOf('jssip'),
    trunkline: false,
    input: 'string',
    readApi: "require('jssip/lib/Parser.js').parseMessage(str, {}); m.call_id, m.cseq, m.method",
    serializeApi: 'n/a (IncomingMessage.toString() returns the received string unchanged)',
    hasSerializer: false,
    validationApi: "require('jssip/lib/sanityCheck.js')(m, stubUa, stubTransport) (UA-level; includes a 416 for non-sip: To URIs)",
    read(msg) {
      const m = parse(msg.text);
      return { callId: m.call_id, seq: m.cseq, method: m.method };
    },
    roundtrip: () => noSerializer('JsSIP'),
    modifyApi: 'n/a (no serializer)',
    modify: () => noSerializer('JsSIP'),
    loopModify: () => noSerializer('JsSIP'),
    loopRead(msg, n) {
      const s = msg.text;
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const m = parser.parseMessage(s, ua) as JssipMessage;
        sink += m.call_id.length + m.cseq + m.method.length;
      }
      return sink;
    },
    loopRoundtrip: () => noSerializer('JsSIP'),
    reject(bytes) {
      let m: JssipMessage | undefined;
      try {
        m = parser.parseMessage(bytes.toString('utf8'), ua);
      } catch {
        return { parseRejects: true, validatedRejects: true };
      }
      if (!m) return { parseRejects: true, validatedRejects: true };
      let ok: boolean;
      try {
        ok = sanityCheck(m, sanityUa, sanityTransport);
      } catch {
        ok = false;
      }
      return { parseRejects: false, validatedRejects: !ok };
    },
  };
}

// ---------------------------------------------------------------------------
// SIP.js 0.21.2: lib/core/messages/parser.js `Parser.parseMessage(data, logger)`
// (marked @internal but the function UserAgent.onTransportMessage calls).
// Returns undefined on failure. No serializer for incoming messages.

type SipJsMessage = NonNullable<ReturnType<typeof SipJsParser.parseMessage>>;

/**
 * The transport-independent checks of SIP.js UserAgent.onTransportMessage
 * (lib/api/user-agent.js:786), which are inline there and not exported:
 * mandatory headers, Content-Length not above the body, one Via in a
 * response. The checks tied to one UA instance (own sipjsId, own Via host)
 * are left out.
 */
function sipJsAccepts(m: SipJsMessage): boolean {
  for (const h of ['from', 'to', 'call_id', 'cseq', 'via']) if (!m.hasHeader(h)) return false;
  const cl = m.getHeader('content-length');
  if (cl && sipJsUtf8Length(m.body) < Number(cl)) return false;
  if (m instanceof SipJsResponse && m.getHeaders('via').length > 1) return false;
  return true;
}

function sipJsAdapter(): ParserAdapter {
  const factory = new SipJsLoggerFactory();
  factory.builtinEnabled = false; // the parser logs warnings on bad input; keep the table clean
  const logger = factory.getLogger('sip.Parser');
  const parse = (s: string): SipJsMessage => {
    const m = SipJsParser.parseMessage(s, logger);
    if (!m) throw new Error('SIP.js Parser.parseMessage returned undefined');
    return m;
  };
  return {
    id: 'sip.js',
    label: 'SIP.js',
    version: versionOf('sip.js'),
    trunkline: false,
    input: 'string',
    readApi: "import { Parser } from 'sip.js/lib/core/messages/parser.js'; Parser.parseMessage(str, logger); m.callId, m.cseq, m.method",
    serializeApi: 'n/a (IncomingMessage.toString() returns the received string unchanged)',
    hasSerializer: false,
    validationApi: 'port of the instance-independent checks in UserAgent.onTransportMessage (inline, unexported)',
    read(msg) {
      const m = parse(msg.text);
      return { callId: m.callId, seq: m.cseq, method: m.method };
    },
    roundtrip: () => noSerializer('SIP.js'),
    modifyApi: 'n/a (no serializer)',
    modify: () => noSerializer('SIP.js'),
    loopModify: () => noSerializer('SIP.js'),
    loopRead(msg, n) {
      const s = msg.text;
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const m = SipJsParser.parseMessage(s, logger) as SipJsMessage;
        sink += m.callId.length + m.cseq + m.method.length;
      }
      return sink;
    },
    loopRoundtrip: () => noSerializer('SIP.js'),
    reject(bytes) {
      let m: SipJsMessage | undefined;
      try {
        m = SipJsParser.parseMessage(bytes.toString('utf8'), logger);
      } catch {
        return { parseRejects: true, validatedRejects: true };
      }
      if (!m) return { parseRejects: true, validatedRejects: true };
      let ok: boolean;
      try {
        ok = sipJsAccepts(m);
      } catch {
        ok = false;
      }
      return { parseRejects: false, validatedRejects: !ok };
    },
  };
}

/** Peer adapters that loaded; a peer that fails to load is reported, not fatal. */
export function loadPeers(): { adapters: ParserAdapter[]; problems: string[] } {
  const adapters: ParserAdapter[] = [];
  const problems: string[] = [];
  for (const make of [kirmAdapter, drachtioAdapter, jssipAdapter, sipJsAdapter]) {
    try {
      adapters.push(make());
    } catch (e) {
      problems.push(`${make.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { adapters, problems };
}

/**
 * What the hostile run throws at the echo endpoint: RFC 4475 torture
 * messages mutated from a seeded PRNG (byte flips, truncation, header
 * duplication, huge values) and generated garbage, plus the requests of the
 * floods. Every choice comes from `seededRandom`, so a run replays from the
 * seed it prints.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The RFC 4475 corpus checked into the shared conformance folder (49 messages). */
export const RFC4475_DIR = '/work/shared/conformance/rfc4475';

/** How a message was produced (the key of the per-kind counters). */
export type MutationKind = 'byte-flip' | 'truncate' | 'duplicate-header' | 'huge-value' | 'garbage' | 'verbatim';

/** The mutation kinds, in the order the PRNG picks them. */
export const MUTATION_KINDS: readonly MutationKind[] = ['byte-flip', 'truncate', 'duplicate-header', 'huge-value', 'garbage', 'verbatim'];

/** The torture messages, byte for byte, in file-name order (so a seed picks the same ones). */
export function loadTortureMessages(dir = RFC4475_DIR): Uint8Array[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.dat'))
    .sort()
    .map((f) => new Uint8Array(readFileSync(join(dir, f))));
}

/**
 * The message with its top Via replaced by ours (responses come back to the
 * attacker) and every IPv4 literal moved to 127.0.0.1, so that no response or
 * media leaves this machine whatever the message says (latin1 keeps the bytes).
 */
export function aimAt(message: Uint8Array, via: string): Uint8Array {
  let text = Buffer.from(message).toString('latin1').replace(/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '127.0.0.1');
  // The whole top Via header, folded continuation lines included (RFC 3261 §7.3.1).
  text = text.replace(/^(?:Via|v)[ \t]*:[^\r\n]*(?:\r\n[ \t][^\r\n]*)*/im, `Via: ${via}`);
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

/** A uniform integer in [0, n). */
const pick = (rand: () => number, n: number): number => Math.floor(rand() * n);

/** `n` random bytes. */
function garbage(rand: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = pick(rand, 256);
  return out;
}

/** The header lines of a message (between the start line and the blank line), as [start, end) offsets. */
function headerLines(text: string): Array<[number, number]> {
  const lines: Array<[number, number]> = [];
  const head = text.indexOf('\r\n\r\n');
  const end = head < 0 ? text.length : head;
  let at = text.indexOf('\r\n');
  while (at >= 0 && at < end) {
    const next = text.indexOf('\r\n', at + 2);
    const stop = next < 0 || next > end ? end : next;
    lines.push([at + 2, stop]);
    at = next;
  }
  return lines;
}

/**
 * One mutation of `message`, of the kind the PRNG draws. `maxBytes` bounds
 * the result (a UDP datagram must fit in 65,507 bytes).
 */
export function mutate(rand: () => number, message: Uint8Array, maxBytes: number): { kind: MutationKind; bytes: Uint8Array } {
  const kind = MUTATION_KINDS[pick(rand, MUTATION_KINDS.length)]!;
  switch (kind) {
    case 'byte-flip': {
      const out = message.slice();
      const flips = 1 + pick(rand, 8);
      for (let i = 0; i < flips && out.length > 0; i++) out[pick(rand, out.length)] = pick(rand, 256);
      return { kind, bytes: out };
    }
    case 'truncate':
      return { kind, bytes: message.slice(0, pick(rand, message.length)) };
    case 'duplicate-header': {
      const text = Buffer.from(message).toString('latin1');
      const lines = headerLines(text);
      const line = lines[pick(rand, Math.max(1, lines.length))];
      if (line === undefined) return { kind, bytes: message };
      const copy = `${text.slice(line[0], line[1])}\r\n`.repeat(1 + pick(rand, 200));
      const bytes = Buffer.from(text.slice(0, line[0]) + copy + text.slice(line[0]), 'latin1');
      return { kind, bytes: new Uint8Array(bytes.subarray(0, maxBytes)) };
    }
    case 'huge-value': {
      const text = Buffer.from(message).toString('latin1');
      const lines = headerLines(text);
      const line = lines[pick(rand, Math.max(1, lines.length))];
      const at = line === undefined ? text.length : line[1];
      const huge = 'x'.repeat(1000 + pick(rand, Math.max(1, maxBytes - message.length - 1000)));
      const bytes = Buffer.from(text.slice(0, at) + huge + text.slice(at), 'latin1');
      return { kind, bytes: new Uint8Array(bytes.subarray(0, maxBytes)) };
    }
    case 'garbage':
      return { kind, bytes: garbage(rand, 1 + pick(rand, Math.min(maxBytes, 1400))) };
    case 'verbatim':
      return { kind, bytes: message };
  }
}

/** The Via of a request sent from `host:port` over `protocol`, with a fresh branch. */
export function viaOf(protocol: 'udp' | 'tcp' | 'tls', host: string, port: number, branch: string): string {
  return `SIP/2.0/${protocol.toUpperCase()} ${host}:${port};branch=z9hG4bK-${branch};rport`;
}

/**
 * A well-formed out-of-dialog request (the floods and the allow-list probe).
 * An INVITE has no body: a delayed offer (RFC 3261 §13.3.1.1), so the echo
 * endpoint answers it with an offer in the 2xx and waits for an ACK that
 * never comes (Timer H, 64·T1).
 */
export function request(method: 'INVITE' | 'OPTIONS', target: string, via: string, callId: string, contact: string): Uint8Array {
  return new Uint8Array(
    Buffer.from(
      [
        `${method} ${target} SIP/2.0`,
        `Via: ${via}`,
        'Max-Forwards: 70',
        `From: <sip:flood@127.0.0.1>;tag=${callId.slice(0, 16)}`,
        `To: <${target}>`,
        `Call-ID: ${callId}`,
        `CSeq: 1 ${method}`,
        `Contact: <${contact}>`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      'latin1',
    ),
  );
}

/** Status codes of every SIP response in `text` (a datagram or a stream chunk). */
export function responseStatuses(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/(?:^|\n)SIP\/2\.0 (\d{3}) /g)) out.push(Number(m[1]));
  return out;
}

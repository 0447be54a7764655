/**
 * The echo endpoint's output: one line per call when it ends (logfmt text or
 * JSON), and the start-up banner.
 *
 * @module
 */
import { encodeHex, textFromUui, PROTOCOL_DISCRIMINATOR } from '@trunkline/uui';
import { logfmtValue, printable, safeJson } from './terminal-text.js';
import type { SipTransport, SrtpPolicy } from './values.js';

/** Everything the echo endpoint reports about one call. */
export interface EchoCallSummary {
  readonly callId: string;
  /** From and To header values as received (untrusted text). */
  readonly from: string;
  readonly to: string;
  readonly transport: SipTransport;
  /** Source address and port of the INVITE (`198.51.100.7:5060`). */
  readonly remote: string;
  /** User-to-User data received (RFC 7433), or null. */
  readonly uui: Uint8Array | null;
  readonly codec: string | null;
  readonly srtpSuite: string | null;
  /** INVITE received → ACK received, ms (null when not answered). */
  readonly setupMs: number | null;
  /** Answered → ended, ms (0 when not answered). */
  readonly durationMs: number;
  readonly packetsReceived: number;
  readonly packetsSent: number;
  readonly lossPercent: number | null;
  readonly jitterMs: number | null;
  readonly rttMs: number | null;
  readonly mos: number | null;
  /** Audio flowed one way only (or not at all) during the call. */
  readonly oneWay: boolean;
  /** Why it ended, `<who>-<reason>`: `remote-hangup`, `local-hangup` (max duration, shutdown), `remote-cancelled`, `local-rejected`, `local-media-timeout`, ...; `refused 488 (305 ...)` for an INVITE refused before it became a call. */
  readonly endReason: string;
}

/** The UUI as hex, and as text when it is IA5 text (discriminator 0x04) or printable ASCII. */
export interface UuiDescription {
  readonly hex: string;
  readonly text: string | null;
}

/**
 * Describe UUI octets for people: uppercase hex, plus the text when there is some.
 *
 * @param data - the decoded octets
 */
export function describeUui(data: Uint8Array): UuiDescription {
  const hex = encodeHex(data);
  const printableAscii = (bytes: Uint8Array): boolean => bytes.length > 0 && bytes.every((b) => b >= 0x20 && b < 0x7f);
  if (data[0] === PROTOCOL_DISCRIMINATOR.IA5 && printableAscii(data.subarray(1))) return { hex, text: textFromUui(data) };
  return { hex, text: printableAscii(data) ? String.fromCharCode(...data) : null };
}

const round = (n: number | null, digits: number): number | null => (n === null ? null : Number(n.toFixed(digits)));

/**
 * The JSON form of a summary (also what {@link renderEchoCallJson} prints): UUI as `{ hex, text }`,
 * figures rounded (ms to 0.1, percent to 0.01, MOS to 0.01).
 *
 * @param s - one finished call
 */
export function echoCallRecord(s: EchoCallSummary): Record<string, unknown> {
  return {
    callId: s.callId,
    from: s.from,
    to: s.to,
    transport: s.transport,
    remote: s.remote,
    uui: s.uui === null ? null : describeUui(s.uui),
    codec: s.codec,
    srtpSuite: s.srtpSuite,
    setupMs: round(s.setupMs, 1),
    durationMs: Math.round(s.durationMs),
    packetsReceived: s.packetsReceived,
    packetsSent: s.packetsSent,
    lossPercent: round(s.lossPercent, 2),
    jitterMs: round(s.jitterMs, 1),
    rttMs: round(s.rttMs, 1),
    mos: round(s.mos, 2),
    oneWay: s.oneWay,
    endReason: s.endReason,
  };
}

/**
 * One JSON object on one line.
 *
 * @param s - one finished call
 */
export function renderEchoCallJson(s: EchoCallSummary): string {
  return `${safeJson(echoCallRecord(s))}\n`;
}

/**
 * One logfmt line (`key=value`, values quoted and escaped when needed), in the order of the issue:
 * Call-ID, from/to, transport, UUI hex and text, codec, SRTP suite, setup, duration, packets
 * each way, loss, jitter, RTT, MOS, one-way flag, end reason.
 *
 * @param s - one finished call
 */
export function renderEchoCallText(s: EchoCallSummary): string {
  const uui = s.uui === null ? null : describeUui(s.uui);
  const f = (n: number | null, digits: number, unit: string): string => (n === null ? '-' : `${n.toFixed(digits)}${unit}`);
  const fields: [string, string][] = [
    ['call', s.callId],
    ['from', s.from],
    ['to', s.to],
    ['transport', s.transport],
    ['remote', s.remote],
    ['uui', uui?.hex ?? '-'],
    ...(uui?.text == null ? [] : [['uui_text', uui.text] as [string, string]]),
    ['codec', s.codec ?? '-'],
    ['srtp', s.srtpSuite ?? 'off'],
    ['setup', f(s.setupMs, 0, 'ms')],
    ['duration', f(s.durationMs / 1000, 2, 's')],
    ['packets_in', String(s.packetsReceived)],
    ['packets_out', String(s.packetsSent)],
    ['loss', f(s.lossPercent, 2, '%')],
    ['jitter', f(s.jitterMs, 1, 'ms')],
    ['rtt', f(s.rttMs, 0, 'ms')],
    ['mos', f(s.mos, 2, '')],
    ['one_way', s.oneWay ? 'yes' : 'no'],
    ['end', s.endReason],
  ];
  return `${fields.map(([k, v]) => `${k}=${logfmtValue(v)}`).join(' ')}\n`;
}

/** What the start-up banner shows. */
export interface EchoBannerFacts {
  /** Listening sockets as bound. */
  readonly listeners: readonly { readonly transport: SipTransport; readonly address: string; readonly port: number }[];
  /** The host callers should use (public address, else the bound one; `127.0.0.1` for a wildcard bind). */
  readonly host: string;
  readonly srtp: SrtpPolicy;
  /** Certificate in use: its path, and the SHA-256 fingerprint. */
  readonly certPath: string | null;
  readonly fingerprint256: string | null;
  /** The certificate was made on this start. */
  readonly certCreated: boolean;
}

/**
 * The banner printed when the echo endpoint is up: where it listens and how to call it.
 *
 * @param b - listeners, host, SRTP policy and certificate
 */
export function renderEchoBanner(b: EchoBannerFacts): string {
  const hostPart = b.host.includes(':') ? `[${b.host}]` : b.host;
  const lines = ['Trunkline echo endpoint: every call is answered and its audio sent back.'];
  for (const l of b.listeners) lines.push(`  listening  ${l.transport.padEnd(3)} ${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}`);
  lines.push(`  srtp       ${b.srtp}`);
  if (b.certPath !== null) lines.push(`  tls cert   ${printable(b.certPath)}${b.certCreated ? ' (new, self-signed)' : ''}`);
  if (b.fingerprint256 !== null) lines.push(`  sha-256    ${b.fingerprint256}`);
  lines.push('Call it:');
  for (const l of b.listeners) {
    const uri = l.transport === 'tls' ? `sips:echo@${hostPart}:${l.port}` : `sip:echo@${hostPart}:${l.port}${l.transport === 'tcp' ? ';transport=tcp' : ''}`;
    const trust = l.transport === 'tls' && b.certPath !== null ? ` --ca ${printable(b.certPath)}` : '';
    const srtp = l.transport === 'tls' && b.srtp !== 'off' ? ' --srtp mandatory' : '';
    lines.push(`  trunkline call ${uri}${srtp}${trust}`);
  }
  return `${lines.join('\n')}\n`;
}

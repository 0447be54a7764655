/**
 * The rules of issue 10 (RFC 3264, RFC 4566/8866, RFC 4568, RFC 8643, RFC 4733, RFC 3551, RFC 3261
 * §20.43) written once, independently of the implementation: `checkAnswer` recomputes from the offer
 * what the answerer must do and checks the result against every rule. Every table row and every
 * property uses it.
 */
import { isIP } from 'node:net';
import { parseCryptoAttribute, srtpProfileParameters, type SrtpProfile } from '@trunkline/rtp-srtp';
import { parse as transformParse, type MediaDescription as TMedia } from 'sdp-transform';
import {
  DEFAULT_SUITES,
  parseSessionDescription,
  SdpError,
  type AnswerOptions,
  type AnswerResult,
  type MediaDirection,
} from '../../src/index.js';

/** What the rules say the answerer must do with one offer. */
export type Verdict =
  | { readonly kind: 'bad-request' }
  | { readonly kind: 'refuse'; readonly warnings: ReadonlySet<number> }
  | {
      readonly kind: 'accept';
      readonly index: number;
      readonly codec: { readonly name: string; readonly pt: number };
      readonly telephoneEvent: number | null;
      readonly crypto: { readonly tag: number; readonly profile: SrtpProfile; readonly key: Uint8Array } | null;
    };

const STATIC: Record<string, number> = { PCMU: 0, PCMA: 8, G722: 9 };
/** RTP clock rate and rtpmap channels of each codec: 8000 (G.722 too, RFC 3551 §4.5.2); Opus 48000/2 (RFC 7587 §7). */
const CLOCK: Record<string, { readonly rate: number; readonly channels: number }> = {
  PCMU: { rate: 8000, channels: 1 },
  PCMA: { rate: 8000, channels: 1 },
  G722: { rate: 8000, channels: 1 },
  OPUS: { rate: 48000, channels: 2 },
};
const WARN_TEXT: Record<number, string> = {
  301: 'Incompatible network address formats',
  302: 'Incompatible transport protocol',
  304: 'Media type not available',
  305: 'Incompatible media format',
};
const FORBIDDEN = ['fingerprint', 'setup', 'ice-ufrag', 'ice-pwd', 'ice-lite', 'ice-options', 'candidate', 'remote-candidates', 'end-of-candidates'];

/** Raw lines of each m= section (index 0 = the session part). */
function sectionsOf(sdp: string): string[][] {
  const out: string[][] = [[]];
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) out.push([]);
    out[out.length - 1]!.push(line);
  }
  return out;
}

function attrs(lines: readonly string[], name: string): string[] {
  return lines.filter((l) => l.startsWith(`a=${name}:`) || l === `a=${name}`).map((l) => l.slice(name.length + 3));
}

function directionOf(lines: readonly string[]): MediaDirection | undefined {
  return lines.filter((l) => l.startsWith('a=')).map((l) => l.slice(2)).find((v): v is MediaDirection => ['sendrecv', 'sendonly', 'recvonly', 'inactive'].includes(v));
}

function mirrored(d: MediaDirection): MediaDirection {
  return d === 'sendonly' ? 'recvonly' : d === 'recvonly' ? 'sendonly' : d;
}

function narrowed(a: MediaDirection, b: MediaDirection): MediaDirection {
  const s = a.startsWith('send') && b.startsWith('send');
  const r = (a === 'sendrecv' || a === 'recvonly') && (b === 'sendrecv' || b === 'recvonly');
  return s ? (r ? 'sendrecv' : 'sendonly') : r ? 'recvonly' : 'inactive';
}

function rtpmapOf(m: TMedia, pt: number): { codec: string; rate: number; channels: number } | undefined {
  const r = m.rtp.find((x) => Number(x.payload) === pt);
  return r === undefined ? undefined : { codec: String(r.codec), rate: Number(r.rate), channels: r.encoding === undefined ? 1 : Number(r.encoding) };
}

function formatsOf(m: TMedia): number[] {
  return String(m.payloads ?? '').split(' ').filter((x) => x !== '').map(Number);
}

/** The rules' decision for one offer, from the issue's table. */
export function expectedVerdict(offerSdp: string, options: AnswerOptions): Verdict {
  try {
    parseSessionDescription(offerSdp);
  } catch (e) {
    if (e instanceof SdpError && e.code === 'SDP_PARSE_FAILED') return { kind: 'bad-request' };
    throw e;
  }
  const offer = transformParse(offerSdp);
  const raw = sectionsOf(offerSdp);
  const suites = new Set(options.suites ?? DEFAULT_SUITES);
  const prefs = options.codecs ?? ['PCMU', 'PCMA'];
  const keysSafe = options.signalling === 'tls' || options.allowSdesOverCleartext === true;
  const ourFamily = isIP(options.address);
  const warnings = new Set<number>();
  let anyAudio = false;
  for (let i = 0; i < offer.media.length; i++) {
    const m = offer.media[i]!;
    if (m.type !== 'audio' || Number(m.port) === 0) continue;
    anyAudio = true;
    const refusals: number[] = [];
    const proto = m.protocol.toUpperCase();
    const secure = proto === 'RTP/SAVP' || proto === 'RTP/SAVPF';
    if (!secure && proto !== 'RTP/AVP' && proto !== 'RTP/AVPF') refusals.push(302); // DTLS and anything else
    const conn = m.connection ?? offer.connection;
    if (conn === undefined) return { kind: 'bad-request' };
    const address = String(conn.ip).split('/')[0]!;
    if (isIP(address) !== conn.version || conn.version !== ourFamily) refusals.push(301);
    // The first valid, supported crypto line (one key, no session parameters).
    let crypto: { tag: number; profile: SrtpProfile; key: Uint8Array } | null = null;
    const cryptoLines = attrs(raw[i + 1]!, 'crypto');
    for (const line of cryptoLines) {
      try {
        const a = parseCryptoAttribute(line);
        if (a.profile !== undefined && suites.has(a.profile) && a.keyParams.length === 1 && a.sessionParams.length === 0) {
          const k = a.keyParams[0]!;
          crypto = { tag: a.tag, profile: a.profile, key: Uint8Array.from([...k.masterKey, ...k.masterSalt]) };
          break;
        }
      } catch {
        // an invalid line is skipped
      }
    }
    // The table.
    let srtp: boolean;
    if (secure) {
      if (options.srtp === 'off' || !keysSafe || crypto === null) refusals.push(302);
      srtp = true;
    } else if (cryptoLines.length > 0) {
      srtp = options.srtp !== 'off' && keysSafe && crypto !== null;
      if (options.srtp === 'mandatory' && !srtp) refusals.push(302);
    } else {
      srtp = false;
      if (options.srtp === 'mandatory') refusals.push(302);
    }
    // Codec by local preference, among formats the offer lists.
    let codec: { name: string; pt: number } | undefined;
    for (const name of prefs) {
      for (const pt of formatsOf(m)) {
        const map = rtpmapOf(m, pt);
        const clock = CLOCK[name]!;
        const ok = map === undefined ? STATIC[name] === pt : map.codec.toUpperCase() === name && map.rate === clock.rate && map.channels === clock.channels;
        if (ok) {
          codec = { name, pt };
          break;
        }
      }
      if (codec !== undefined) break;
    }
    if (codec === undefined) refusals.push(305);
    if (refusals.length > 0 || codec === undefined) {
      for (const r of refusals) warnings.add(r);
      continue;
    }
    // telephone-event at the codec's clock rate (8000 for PCMU, PCMA and G722, 48000 for Opus), with events in common with 0-16.
    let telephoneEvent: number | null = null;
    if (options.telephoneEvent !== false) {
      for (const pt of formatsOf(m)) {
        const map = rtpmapOf(m, pt);
        if (map?.codec.toLowerCase() === 'telephone-event' && map.rate === CLOCK[codec.name]!.rate) {
          const fmtp = m.fmtp.find((f) => Number(f.payload) === pt)?.config ?? '0-15';
          if (eventsOf(fmtp).some((e) => e <= 16)) telephoneEvent = pt;
          break;
        }
      }
    }
    return { kind: 'accept', index: i, codec, telephoneEvent, crypto: srtp ? crypto : null };
  }
  if (!anyAudio) warnings.add(304);
  return { kind: 'refuse', warnings };
}

function eventsOf(list: string): number[] {
  const out: number[] = [];
  for (const item of list.replace(/\s+/g, '').split(',')) {
    const m = /^([0-9]{1,3})(?:-([0-9]{1,3}))?$/.exec(item);
    if (m === null) continue;
    for (let e = Number(m[1]); e <= Math.min(Number(m[2] ?? m[1]), 255); e++) out.push(e);
  }
  return out;
}

/**
 * Checks `result` of `answerOffer(offerSdp, options)` against every rule; throws an Error listing
 * each rule broken. Returns the verdict for further assertions.
 */
export function checkAnswer(offerSdp: string, options: AnswerOptions, result: AnswerResult): Verdict {
  const verdict = expectedVerdict(offerSdp, options);
  const problems: string[] = [];
  const rule = (ok: boolean, text: string): void => {
    if (!ok) problems.push(text);
  };
  if (verdict.kind === 'bad-request') {
    rule(!result.ok && result.status === 400, `an offer that does not parse is answered 400, got ${JSON.stringify(result)}`);
  } else if (verdict.kind === 'refuse') {
    if (result.ok) rule(false, `expected 488 (${[...verdict.warnings].join('/')}), got an answer:\n${result.answer}`);
    else {
      rule(result.status === 488, `refusal status is 488, got ${result.status}`);
      const w = /^(\d{3}) \S+ "([^"]*)"$/.exec(result.warning ?? '');
      rule(w !== null, `a 488 carries an RFC 3261 §20.43 Warning, got ${JSON.stringify(result.warning)}`);
      if (w !== null) {
        rule(verdict.warnings.has(Number(w[1])), `Warning code ${w[1]} is one of ${[...verdict.warnings].join('/')}`);
        rule(WARN_TEXT[Number(w[1])] === w[2], `Warning text of ${w[1]} is "${WARN_TEXT[Number(w[1])]}"`);
      }
    }
  } else if (!result.ok) {
    rule(false, `expected an answer, got ${JSON.stringify(result)}`);
  } else {
    checkAccepted(offerSdp, options, verdict, result, rule);
  }
  if (problems.length > 0) {
    throw new Error(`answer breaks ${problems.length} rule(s):\n- ${problems.join('\n- ')}\n--- offer ---\n${offerSdp}\n--- options ---\n${JSON.stringify(options)}`);
  }
  return verdict;
}

function checkAccepted(
  offerSdp: string,
  options: AnswerOptions,
  v: Extract<Verdict, { kind: 'accept' }>,
  result: Extract<AnswerResult, { ok: true }>,
  rule: (ok: boolean, text: string) => void,
): void {
  const { answer, media } = result;
  let parsesBack = true;
  try {
    parseSessionDescription(answer);
  } catch {
    parsesBack = false;
  }
  rule(parsesBack, 'the answer is valid SDP');
  rule(answer.endsWith('\r\n') && !/[^\r]\n/.test(answer), 'the answer uses CRLF line ends');
  const offer = transformParse(offerSdp);
  const ans = transformParse(answer);
  const offerRaw = sectionsOf(offerSdp);
  const raw = sectionsOf(answer);
  // Same m-lines, same order, same media type and proto; rejected ones port 0 (RFC 3264 §6).
  rule(ans.media.length === offer.media.length, `the answer has as many m-lines as the offer (${offer.media.length}), got ${ans.media.length}`);
  offer.media.forEach((om, i) => {
    const am = ans.media[i];
    if (am === undefined) return;
    rule(am.type === om.type && am.protocol === om.protocol, `m-line ${i} keeps media type and proto (${om.type} ${om.protocol})`);
    rule(i === v.index ? Number(am.port) === options.port : Number(am.port) === 0, `m-line ${i} port is ${i === v.index ? options.port : 0}`);
  });
  // Never in an answer.
  for (const name of FORBIDDEN) rule(attrs(answer.split(/\r?\n/), name).length === 0, `no a=${name} in an answer`);
  rule(!/^c=IN IP[46] (0\.0\.0\.0|::)\s*$/m.test(answer), 'no c= of 0.0.0.0 or ::');
  const family = isIP(options.address);
  rule(ans.connection?.ip === options.address && ans.connection.version === family, `c= is our address ${options.address}`);
  // t= copied from the offer; o= kept and versioned.
  const tLines = (s: string): string[] => s.split(/\r?\n/).filter((l) => l.startsWith('t='));
  rule(JSON.stringify(tLines(answer)) === JSON.stringify(tLines(offerSdp)), 't= copied from the offer');
  if (typeof options.previous === 'string') {
    const prev = transformParse(options.previous).origin!;
    rule(
      ans.origin?.sessionId === prev.sessionId && BigInt(ans.origin.sessionVersion) === BigInt(prev.sessionVersion) + 1n,
      'o= keeps the session id and increments the version (RFC 3264 §8)',
    );
  }
  const om = offer.media[v.index]!;
  const am = ans.media[v.index];
  const amRaw = raw[v.index + 1] ?? [];
  if (am === undefined) return;
  // Codec and telephone-event.
  const expectedFormats = v.telephoneEvent === null ? [v.codec.pt] : [v.codec.pt, v.telephoneEvent];
  rule(JSON.stringify(formatsOf(am)) === JSON.stringify(expectedFormats), `audio formats are ${expectedFormats.join(' ')}, got ${String(am.payloads)}`);
  const map = rtpmapOf(am, v.codec.pt);
  const clock = CLOCK[v.codec.name]!;
  rule(
    map?.codec.toUpperCase() === v.codec.name && map.rate === clock.rate && map.channels === clock.channels,
    `a=rtpmap:${v.codec.pt} ${v.codec.name}/${clock.rate}${clock.channels === 1 ? '' : `/${clock.channels}`}`,
  );
  if (v.codec.name === 'OPUS') {
    // RFC 7587 §7: mono both ways and our FEC wish in the answer's a=fmtp.
    const fmtp = am.fmtp.find((f) => Number(f.payload) === v.codec.pt)?.config ?? '';
    rule(/(^|;)stereo=0(;|$)/.test(fmtp) && /(^|;)sprop-stereo=0(;|$)/.test(fmtp) && /(^|;)useinbandfec=1(;|$)/.test(fmtp), 'a=fmtp for opus: stereo=0, sprop-stereo=0, useinbandfec=1');
  }
  for (const r of am.rtp) {
    if (String(r.codec).toLowerCase() === 'telephone-event') rule(Number(r.rate) === clock.rate, 'telephone-event only at the codec clock rate');
  }
  rule(media.codec.name === v.codec.name && media.codec.payloadType === v.codec.pt && media.codec.clockRate === clock.rate, 'media.codec');
  rule(media.telephoneEventPayloadType === v.telephoneEvent, `media.telephoneEventPayloadType ${v.telephoneEvent}`);
  // Keying.
  const crypto = attrs(amRaw, 'crypto');
  if (v.crypto === null) {
    rule(crypto.length === 0 && attrs(answer.split(/\r?\n/), 'crypto').length === 0, 'no a=crypto on a plain answer');
    rule(media.srtp === null, 'media.srtp is null on a plain answer');
  } else {
    rule(crypto.length === 1, `exactly one a=crypto, got ${crypto.length}`);
    const a = crypto.length === 1 ? parseCryptoAttribute(crypto[0]!) : undefined;
    const p = srtpProfileParameters(v.crypto.profile);
    rule(a?.tag === v.crypto.tag && a.profile === v.crypto.profile, `a=crypto echoes tag ${v.crypto.tag} ${v.crypto.profile}`);
    const k = a?.keyParams[0];
    rule(k !== undefined && k.masterKey.length === p.keyLength && k.masterSalt.length === p.saltLength, 'a fresh key of the suite length');
    rule(k !== undefined && Buffer.compare(Buffer.from([...k.masterKey, ...k.masterSalt]), Buffer.from(v.crypto.key)) !== 0, 'our key is not the peer key');
    const s = media.srtp;
    rule(s !== null && s.tag === v.crypto.tag && s.profile === v.crypto.profile, 'media.srtp tag/profile');
    if (s !== null && k !== undefined) {
      rule(Buffer.from([...s.remoteKey.masterKey, ...s.remoteKey.masterSalt]).equals(Buffer.from(v.crypto.key)), 'media.srtp.remoteKey is the offered key');
      rule(Buffer.from(s.localKey.masterKey).equals(Buffer.from(k.masterKey)) && Buffer.from(s.localKey.masterSalt).equals(Buffer.from(k.masterSalt)), 'media.srtp.localKey is the key in our answer');
    }
  }
  // Direction (session-level applies to m-lines without one).
  const offered = directionOf(offerRaw[v.index + 1]!) ?? directionOf(offerRaw[0]!) ?? 'sendrecv';
  const expectedDirection = narrowed(mirrored(offered), options.direction ?? 'sendrecv');
  rule(directionOf(amRaw) === expectedDirection, `answer direction ${expectedDirection} for offered ${offered}, got ${directionOf(amRaw)}`);
  rule(media.direction === expectedDirection, 'media.direction');
  const conn = om.connection ?? offer.connection!;
  const remoteAddress = String(conn.ip).split('/')[0]!;
  const unspecified = remoteAddress === '0.0.0.0' || (isIP(remoteAddress) === 6 && /^[0:]+$/.test(remoteAddress));
  rule(media.remoteHold === (offered === 'sendonly' || offered === 'inactive' || unspecified), 'media.remoteHold');
  rule(media.remoteRtp.address === remoteAddress && media.remoteRtp.port === Number(om.port), 'media.remoteRtp is the offer c= and port');
  // ptime: the offer's a=ptime (else 20), no more than a=maxptime.
  let ptime = om.ptime !== undefined && Number.isInteger(Number(om.ptime)) && Number(om.ptime) >= 10 && Number(om.ptime) <= 200 ? Number(om.ptime) : 20;
  if (om.maxptime !== undefined && Number(om.maxptime) > 0) ptime = Math.max(10, Math.min(ptime, Math.floor(Number(om.maxptime))));
  rule(media.ptime === ptime && Number(am.ptime) === ptime, `ptime ${ptime}`);
  // rtcp-mux only when offered (RFC 5761 §5.1.1); RTCP address otherwise a=rtcp or port + 1.
  const mux = om.rtcpMux !== undefined && options.rtcpMux !== false;
  rule((am.rtcpMux !== undefined) === mux && media.rtcpMux === mux, `rtcp-mux ${mux}`);
  const rtcpPort = mux ? Number(om.port) : om.rtcp !== undefined ? Number(om.rtcp.port) : Number(om.port) + 1;
  rule(media.remoteRtcp.port === rtcpPort, `media.remoteRtcp.port ${rtcpPort}`);
}

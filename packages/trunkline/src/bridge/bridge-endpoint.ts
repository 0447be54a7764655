/**
 * The bridge endpoint (`trunkline bridge`): a user agent set up like the echo endpoint (listeners,
 * certificate, SRTP, allow-list, limits) whose every call goes to a voice bot through
 * `@trunkline/media-stream`.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { createUserAgent, type TransportConfig, type UserAgent } from '@trunkline/user-agent';
import { bridgeCall, type BridgeEnd } from '@trunkline/media-stream';
import { loadOrCreateCertificate } from '../cert/index.js';
import type { BridgeOptions } from '../cli/bridge-options.js';

/** One bridged call, when it ends: its Call-ID and parties with the bridge's report. */
export interface BridgeCallSummary {
  readonly callId: string;
  readonly from: string;
  readonly to: string;
  /** How it ended; null when the bot could not be reached (the call was rejected). */
  readonly end: BridgeEnd | null;
  /** Why the bridge could not start, when it did not. */
  readonly error: string | null;
}

/** Notifications of a running {@link BridgeEndpoint}. */
export interface BridgeEndpointHooks {
  /** A call ended (bridged or rejected). */
  readonly onCall?: (summary: BridgeCallSummary) => void;
  /** A contained failure. */
  readonly onError?: (error: unknown) => void;
}

/** A running bridge endpoint. */
export interface BridgeEndpoint extends AsyncDisposable {
  readonly ua: UserAgent;
  /** Ends every call with BYE (each bot gets `stop`) and releases every socket. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the bridge as the parsed `trunkline bridge` flags say.
 *
 * @param options - see `parseBridgeArgs`
 * @param hooks - per-call summaries and contained errors
 */
export async function startBridgeEndpoint(options: BridgeOptions, hooks: BridgeEndpointHooks = {}): Promise<BridgeEndpoint> {
  const l = options.listener;
  const transports: TransportConfig[] = [];
  for (const protocol of l.transports) {
    if (protocol !== 'tls') {
      transports.push({ protocol, host: l.bind, port: l.port });
      continue;
    }
    const pem =
      l.certFile !== undefined && l.keyFile !== undefined
        ? { cert: await readFile(l.certFile, 'utf8'), key: await readFile(l.keyFile, 'utf8') }
        : await loadOrCreateCertificate({ ...(l.stateDir === undefined ? {} : { stateDir: l.stateDir }), hosts: l.publicAddress === undefined ? [] : [l.publicAddress] });
    transports.push({ protocol, host: l.bind, port: l.tlsPort, cert: pem.cert, key: pem.key });
  }
  const ua = await createUserAgent({
    transports,
    ...(l.publicAddress === undefined ? {} : { publicAddress: l.publicAddress }),
    ...(l.rtpPorts === undefined ? {} : { rtpPorts: l.rtpPorts }),
    ...(l.maxCalls === undefined ? {} : { maxCalls: l.maxCalls }),
    ...(l.allow.length === 0 ? {} : { allow: l.allow }),
    // The bot's own rate: no resampling on the way.
    media: { srtp: l.srtp, allowSdesOverCleartext: l.allowSdesOverCleartext, sampleRate: options.codec === 'l16-16k' ? 16000 : 8000 },
    userAgent: 'Trunkline bridge',
    user: 'bridge',
  });
  const safe = (f: () => void): void => {
    try {
      f();
    } catch {
      // A throwing hook must not take the endpoint down.
    }
  };
  ua.on('call', (call) => {
    void (async () => {
      if (l.ringMs > 0) {
        call.ring();
        await Promise.race([new Promise((r) => setTimeout(r, l.ringMs).unref()), call.done]);
      }
      const summary = { callId: call.callId, from: call.from.uri, to: call.to.uri };
      try {
        const bridge = await bridgeCall(call, options.wsUrl, {
          codec: options.codec,
          headers: options.wsHeaders,
          sipHeaders: options.sipHeaders,
          onUnreachable: { status: options.unreachableStatus },
          ...(options.escalateTo === undefined ? {} : { escalation: { userAgent: ua, target: options.escalateTo } }),
        });
        bridge.on('error', (e) => safe(() => hooks.onError?.(e)));
        const limit = setTimeout(() => void call.hangup({ reason: 'SIP;cause=200;text="max duration"' }), l.maxDurationMs);
        limit.unref();
        const end = await bridge.done;
        clearTimeout(limit);
        safe(() => hooks.onCall?.({ ...summary, end, error: null }));
      } catch (e) {
        safe(() => hooks.onCall?.({ ...summary, end: null, error: e instanceof Error ? e.message : String(e) }));
      }
    })();
  });
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => (closing ??= ua.close());
  return { ua, close, [Symbol.asyncDispose]: close };
}

/** One line per call: logfmt-like text. */
export function renderBridgeCallText(s: BridgeCallSummary): string {
  if (s.end === null) return `call ${s.callId} from ${s.from} not bridged: ${s.error ?? 'unknown'}\n`;
  const st = s.end.stats;
  const m = s.end.call.metrics;
  const media = m.media;
  const fixed = (v: number | null | undefined, digits: number): string => (v === null || v === undefined ? '-' : v.toFixed(digits));
  return (
    `call ${s.callId} from ${s.from} ended by ${s.end.by}: ${((m.durationMs ?? 0) / 1000).toFixed(1)} s, ws connect ${st.connectMs ?? '-'} ms, setup ${m.setupMs ?? '-'} ms, ` +
    `to bot ${st.framesToBot} frames (${st.framesDroppedToBot} dropped), from bot ${(st.botAudioMs / 1000).toFixed(1)} s (${st.botAudioDroppedMs} ms dropped), ` +
    `marks ${st.marksReceived}/${st.marksEchoed}, clears ${st.clears}, dtmf ${st.dtmfToBot}, codec ${media?.codec ?? '-'}, loss ${fixed(media?.lossPercent, 1)}%, jitter ${fixed(media?.jitterMs, 1)} ms, mos ${fixed(media?.mos, 2)}` +
    `${s.end.escalation === null ? '' : `, escalated (${s.end.escalation.by} ended it)`}\n`
  );
}

/** One JSON object per call. */
export function renderBridgeCallJson(s: BridgeCallSummary): string {
  return `${JSON.stringify({
    event: 'call',
    callId: s.callId,
    from: s.from,
    to: s.to,
    error: s.error,
    endedBy: s.end?.by ?? null,
    stats: s.end?.stats ?? null,
    metrics: s.end?.call.metrics ?? null,
    escalation: s.end?.escalation === null || s.end === null ? null : { endedBy: s.end.escalation.by, metrics: s.end.escalation.metrics },
  })}\n`;
}

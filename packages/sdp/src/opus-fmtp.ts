/**
 * Opus format parameters (RFC 7587 §6.1, §7): what we write in our `a=fmtp` for an Opus payload
 * type, and what we read from the peer's. The parameters describe the side that writes them:
 * `maxplaybackrate`, `maxaveragebitrate`, `stereo` and `useinbandfec` say what the writer wants to
 * *receive*; `sprop-*` what it will *send*. Unknown parameters are ignored (§6.1).
 */

/** Our Opus preferences for an offer or answer (every field has a default). */
export interface OpusSdpOptions {
  /** `maxaveragebitrate` (bit/s, 6000..510000): the most we want to receive. Default 32000. */
  readonly maxAverageBitrate?: number;
  /** `useinbandfec=1`: we can use the peer's in-band FEC, so ask for it. Default true. */
  readonly useInbandFec?: boolean;
  /**
   * The audio rate we capture and play (Hz): `sprop-maxcapturerate` and `maxplaybackrate`, so a
   * 16 kHz voice path does not receive (or pay bits for) fullband audio. 8000, 12000, 16000, 24000
   * or 48000. Default 16000.
   */
  readonly audioRate?: 8000 | 12000 | 16000 | 24000 | 48000;
}

/** What the peer's `a=fmtp` asks of the Opus we send it (RFC 7587 §6.1), defaults filled in. */
export interface OpusPeerParameters {
  /** It can use in-band FEC (`useinbandfec=1`); default false (§6.1). */
  readonly useInbandFec: boolean;
  /** Its `maxaveragebitrate`, or null when it stated none (§6.1: then up to 510000). */
  readonly maxAverageBitrate: number | null;
  /** Its `maxplaybackrate` (Hz), or null when it stated none (§6.1: 48000). */
  readonly maxPlaybackRate: number | null;
  /** It wants stereo (`stereo=1`); we send mono regardless, which every Opus decoder plays (§6.1). */
  readonly stereo: boolean;
}

const RATES = [8000, 12000, 16000, 24000, 48000];

/** Resolves and checks {@link OpusSdpOptions} once (API misuse throws `TypeError` naming the option). */
export function resolveOpusOptions(o: OpusSdpOptions | undefined): Required<OpusSdpOptions> {
  if (o !== undefined && (typeof o !== 'object' || o === null)) throw new TypeError('options.opus must be an object');
  const maxAverageBitrate = o?.maxAverageBitrate ?? 32000;
  if (!Number.isInteger(maxAverageBitrate) || maxAverageBitrate < 6000 || maxAverageBitrate > 510000) {
    throw new TypeError(`options.opus.maxAverageBitrate must be an integer 6000..510000, got ${maxAverageBitrate}`);
  }
  const useInbandFec = o?.useInbandFec ?? true;
  if (typeof useInbandFec !== 'boolean') throw new TypeError('options.opus.useInbandFec must be a boolean');
  const audioRate = o?.audioRate ?? 16000;
  if (!RATES.includes(audioRate)) throw new TypeError(`options.opus.audioRate must be one of ${RATES.join(', ')}, got ${audioRate}`);
  return { maxAverageBitrate, useInbandFec, audioRate };
}

/** Our `a=fmtp` value for Opus (RFC 7587 §7: mono both ways, §6.1 parameter names). */
export function opusFmtpValue(o: Required<OpusSdpOptions>): string {
  return [
    `maxplaybackrate=${o.audioRate}`,
    `sprop-maxcapturerate=${o.audioRate}`,
    'stereo=0',
    'sprop-stereo=0',
    `useinbandfec=${o.useInbandFec ? 1 : 0}`,
    `maxaveragebitrate=${o.maxAverageBitrate}`,
  ].join(';');
}

/** Reads the peer's Opus `a=fmtp` (`key=value` pairs separated by `;`, §7); bad values are ignored. */
export function parseOpusFmtp(fmtp: string | undefined): OpusPeerParameters {
  const params = new Map<string, string>();
  for (const pair of (fmtp ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0) params.set(pair.slice(0, eq).trim().toLowerCase(), pair.slice(eq + 1).trim());
  }
  const bitrate = Number(params.get('maxaveragebitrate'));
  const playback = Number(params.get('maxplaybackrate'));
  return {
    useInbandFec: params.get('useinbandfec') === '1',
    // §6.1: values outside 6000..510000 are out of range; clamp so an encoder can follow.
    maxAverageBitrate: Number.isInteger(bitrate) && bitrate > 0 ? Math.min(510000, Math.max(6000, bitrate)) : null,
    maxPlaybackRate: Number.isInteger(playback) && playback > 0 ? playback : null,
    stereo: params.get('stereo') === '1',
  };
}

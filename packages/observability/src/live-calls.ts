/**
 * The live call page: active calls with codec, SRTP suite, duration and live
 * loss/jitter/MOS, and the most recent ended calls, pushed to the browser as
 * server-sent events (WHATWG HTML §9.2) by the observability server.
 *
 * @module
 */
import type { Call } from '@trunkline/user-agent';

/** One row of the page. */
export interface LiveCallRow {
  readonly callId: string;
  readonly direction: 'inbound' | 'outbound';
  readonly from: string;
  readonly to: string;
  readonly state: string;
  readonly codec: string | null;
  readonly srtpSuite: string | null;
  /** Established → now (or the end), ms; null before established. */
  readonly durationMs: number | null;
  readonly lossPercent: number | null;
  readonly jitterMs: number | null;
  readonly mos: number | null;
  readonly oneWayAudio: string | null;
  /** `local-hangup`, `remote-rejected`, ... once ended; else null. */
  readonly end: string | null;
}

/** What one server-sent event carries. */
export interface LiveCallSnapshot {
  readonly active: readonly LiveCallRow[];
  readonly recent: readonly LiveCallRow[];
}

/** Options of {@link LiveCallBoard}. */
export interface LiveCallBoardOptions {
  /** Ended calls kept for the page, newest first. Default 20. */
  readonly recentCalls?: number;
  /** Most active calls listed (the rest are counted by the metrics only). Default 200. */
  readonly maxActiveRows?: number;
}

function rowOf(call: Call, end: string | null): LiveCallRow {
  const m = call.metrics;
  const media = m.media;
  return {
    callId: call.callId,
    direction: call.direction,
    from: call.from.uri,
    to: call.to.uri,
    state: call.state,
    codec: media?.codec ?? null,
    srtpSuite: media?.srtpSuite ?? null,
    durationMs: m.durationMs,
    lossPercent: media === null ? null : media.lossPercent,
    jitterMs: media === null ? null : media.jitterMs,
    mos: media?.mos ?? null,
    oneWayAudio: media?.oneWayAudio ?? null,
    end,
  };
}

/** Keeps the calls the live page shows. */
export class LiveCallBoard {
  readonly #active = new Set<Call>();
  readonly #recent: LiveCallRow[] = [];
  readonly #recentCalls: number;
  readonly #maxActiveRows: number;

  /** @param options - how many rows to keep */
  constructor(options: LiveCallBoardOptions = {}) {
    this.#recentCalls = options.recentCalls ?? 20;
    this.#maxActiveRows = options.maxActiveRows ?? 200;
    if (!Number.isInteger(this.#recentCalls) || this.#recentCalls < 0) throw new TypeError('options.recentCalls must be a non-negative integer');
    if (!Number.isInteger(this.#maxActiveRows) || this.#maxActiveRows < 1) throw new TypeError('options.maxActiveRows must be a positive integer');
  }

  /** Shows `call` until it ends, then among the recent calls. */
  trackCall(call: Call): void {
    this.#active.add(call);
    call.once('ended', (ended) => {
      this.#active.delete(call);
      this.#recent.unshift(rowOf(call, `${ended.by}-${ended.reason}`));
      this.#recent.length = Math.min(this.#recent.length, this.#recentCalls);
    });
  }

  /** The rows now. */
  snapshot(): LiveCallSnapshot {
    const active: LiveCallRow[] = [];
    for (const call of this.#active) {
      if (active.length >= this.#maxActiveRows) break;
      active.push(rowOf(call, null));
    }
    return { active, recent: [...this.#recent] };
  }
}

/** The page: a table fed by `EventSource('events')`; no external assets. */
export const LIVE_CALL_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trunkline live calls</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin-bottom:1.5em;min-width:60em}
th,td{border-bottom:1px solid #ddd;padding:.3em .6em;text-align:left;font-variant-numeric:tabular-nums}
th{background:#f4f4f4}.bad{color:#b00;font-weight:600}#status{color:#666}
</style></head><body>
<h1>Live calls <span id="status">(connecting)</span></h1>
<h2>Active (<span id="count">0</span>)</h2>
<table id="active"><thead><tr><th>Call-ID</th><th>Dir</th><th>From</th><th>To</th><th>State</th><th>Codec</th><th>SRTP</th><th>Duration</th><th>Loss</th><th>Jitter</th><th>MOS</th><th>One-way</th></tr></thead><tbody></tbody></table>
<h2>Recently ended</h2>
<table id="recent"><thead><tr><th>Call-ID</th><th>Dir</th><th>From</th><th>To</th><th>End</th><th>Codec</th><th>SRTP</th><th>Duration</th><th>Loss</th><th>Jitter</th><th>MOS</th><th>One-way</th></tr></thead><tbody></tbody></table>
<script>
const fmt = (v, d, unit) => v === null || v === undefined ? '–' : Number(v).toFixed(d) + (unit || '');
function cells(r, middle) {
  const vals = [r.callId, r.direction, r.from, r.to, middle, r.codec || '–', r.srtpSuite || 'none',
    r.durationMs === null ? '–' : (r.durationMs / 1000).toFixed(0) + ' s', fmt(r.lossPercent, 1, ' %'), fmt(r.jitterMs, 1, ' ms'), fmt(r.mos, 2), r.oneWayAudio || '–'];
  const tr = document.createElement('tr');
  tr.dataset.callId = r.callId;
  vals.forEach((v, i) => { const td = document.createElement('td'); td.textContent = v;
    if ((i === 10 && r.mos !== null && r.mos < 3.5) || (i === 11 && r.oneWayAudio && r.oneWayAudio !== 'none')) td.className = 'bad';
    tr.appendChild(td); });
  return tr;
}
const events = new EventSource('events');
let last = 0;
setInterval(() => { if (Date.now() - last > 3000) document.getElementById('status').textContent = '(no update for ' + ((Date.now() - last) / 1000).toFixed(0) + ' s)'; }, 1000);
events.onmessage = (e) => {
  last = Date.now();
  document.getElementById('status').textContent = '';
  const s = JSON.parse(e.data);
  document.getElementById('count').textContent = s.active.length;
  document.querySelector('#active tbody').replaceChildren(...s.active.map((r) => cells(r, r.state)));
  document.querySelector('#recent tbody').replaceChildren(...s.recent.map((r) => cells(r, r.end)));
};
</script></body></html>
`;

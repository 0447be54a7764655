/**
 * Call records: one JSON object per ended call, one per line (JSON Lines),
 * for log shippers and billing-style post-processing.
 *
 * @module
 */
import type { Writable } from 'node:stream';
import type { Call, CallEndedEvent, MediaMetrics } from '@trunkline/user-agent';
import { closeOutput, openOutput, type Output } from './output-stream.js';

/** One ended call, as written by {@link CallRecordWriter}. */
export interface CallRecord {
  /** ISO 8601 time the call ended. */
  readonly endedAt: string;
  readonly callId: string;
  readonly direction: 'inbound' | 'outbound';
  readonly from: string;
  readonly to: string;
  /** Signalling peer `host:port`. */
  readonly remote: string;
  readonly transport: string;
  /** User-to-User data received with the INVITE, upper-case hex (RFC 7433), one entry per header. */
  readonly uui: readonly string[];
  /** Who ended it and why (`local`/`remote`, {@link CallEndedEvent.reason}). */
  readonly endedBy: 'local' | 'remote';
  readonly endReason: string;
  /** The final status that decided the end, or null (a BYE after an answer). */
  readonly status: number | null;
  /** The peer's Reason header (RFC 3326), or null. */
  readonly reasonHeader: string | null;
  readonly setupMs: number | null;
  readonly postDialDelayMs: number | null;
  readonly durationMs: number | null;
  /** Media figures at the end, null when the call never had media. */
  readonly media: MediaMetrics | null;
}

/** Builds the record of `call` from its `ended` event. */
export function callRecord(call: Call, ended: CallEndedEvent, now: Date = new Date()): CallRecord {
  const m = ended.metrics;
  return {
    endedAt: now.toISOString(),
    callId: call.callId,
    direction: call.direction,
    from: call.from.uri,
    to: call.to.uri,
    remote: call.remote,
    transport: call.transport,
    uui: call.uui.map((u) => u.hex),
    endedBy: ended.by,
    endReason: ended.reason,
    status: ended.status,
    reasonHeader: ended.reasonHeader,
    setupMs: m.setupMs,
    postDialDelayMs: m.postDialDelayMs,
    durationMs: m.durationMs,
    media: m.media,
  };
}

/** Where {@link CallRecordWriter} writes: a file path (appended to), `-` for stdout, or a stream. */
export type CallRecordTarget = string | Writable;

/**
 * Writes one JSON line per ended call.
 *
 * @example
 * const records = new CallRecordWriter('/var/log/trunkline/calls.jsonl');
 * ua.on('call', (call) => records.trackCall(call));
 */
export class CallRecordWriter {
  readonly #output: Output;
  #closed = false;

  /**
   * @param target - a file path (opened for append), `-` for stdout, or a writable stream (not closed by {@link close})
   * @param onError - contained write errors (a full disk must not end calls). Default: ignored.
   */
  constructor(target: CallRecordTarget, onError: (error: unknown) => void = () => {}) {
    this.#output = openOutput(target, onError, { append: true, allowStdout: true });
  }

  /** Writes `call`'s record when it ends. */
  trackCall(call: Call): void {
    call.once('ended', (ended) => this.write(callRecord(call, ended)));
  }

  /** Writes one record as a line. Ignored after {@link close}. */
  write(record: CallRecord): void {
    if (this.#closed) return;
    this.#output.out.write(`${JSON.stringify(record)}\n`);
  }

  /** Flushes and closes a file target (a stream or stdout is left open). Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return closeOutput(this.#output);
  }
}

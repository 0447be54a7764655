/**
 * The bot's audio on its way to the caller: what the bot sends arrives in bursts (a TTS sentence
 * at once), the call plays it in real time. This queue holds it in order with the bot's marks,
 * hands it to the call's own playout queue as that drains (its `write()` promise is the pace), and
 * on `clear` drops everything at once. Bounded: audio beyond `maxQueuedSamples` is dropped and counted.
 *
 * @module
 */

/** Where the audio goes: `call.audio` (write, mark, clear) or a stand-in. */
export interface PlayoutSink {
  /** Queue PCM at the call's rate; resolves when the sink wants more. */
  write(pcm: Int16Array): Promise<void>;
  /** Fire a mark once everything written before it has been sent. */
  mark(name: string): void;
  /** Drop everything queued (pending marks fire as cleared). */
  clear(): void;
}

type Item = { readonly pcm: Int16Array; readonly name?: never } | { readonly name: string; readonly pcm?: never };

/** Options of {@link BotPlayout}. */
export interface BotPlayoutOptions {
  /**
   * Audio is handed on in whole multiples of this many samples (one 20 ms frame at the call's
   * rate); a remainder waits for the bot's next chunk, or a mark. Without this, a bot streaming
   * odd-sized pieces in real time would leave partial frames that the call pads with silence.
   */
  readonly frameSamples: number;
  /** Most audio held here (not yet handed to the sink), samples at the call's rate. */
  readonly maxQueuedSamples: number;
  /** A mark the sink never saw because `clear()` dropped it here: echo it (Twilio returns pending marks on clear). */
  readonly onMarkDropped: (name: string) => void;
  /** A sink write failed (the call's media closed): the bridge decides. */
  readonly onError: (error: unknown) => void;
}

/** Ordered, bounded bot audio with marks; see the module comment. */
export class BotPlayout {
  readonly #sink: PlayoutSink;
  readonly #options: BotPlayoutOptions;
  #items: Item[] = [];
  #partial: Int16Array = new Int16Array(0);
  #queuedSamples = 0;
  #droppedSamples = 0;
  #pumping = false;
  #closed = false;

  /**
   * @param sink - the call's audio
   * @param options - see {@link BotPlayoutOptions}
   */
  constructor(sink: PlayoutSink, options: BotPlayoutOptions) {
    if (!(options.maxQueuedSamples > 0)) throw new TypeError('options.maxQueuedSamples must be positive');
    if (!Number.isInteger(options.frameSamples) || options.frameSamples <= 0) throw new TypeError('options.frameSamples must be a positive integer');
    this.#sink = sink;
    this.#options = options;
  }

  /** Samples held here, not yet handed to the sink. */
  get queuedSamples(): number {
    return this.#queuedSamples + this.#partial.length;
  }

  /** Samples dropped because the queue was full. */
  get droppedSamples(): number {
    return this.#droppedSamples;
  }

  /** Queues audio (kept by reference). Dropped and counted when more than the bound is held. */
  pushAudio(pcm: Int16Array): void {
    if (this.#closed || pcm.length === 0) return;
    if (this.queuedSamples + pcm.length > this.#options.maxQueuedSamples) {
      this.#droppedSamples += pcm.length;
      return;
    }
    let all = pcm;
    if (this.#partial.length > 0) {
      all = new Int16Array(this.#partial.length + pcm.length);
      all.set(this.#partial);
      all.set(pcm, this.#partial.length);
    }
    const whole = all.length - (all.length % this.#options.frameSamples);
    this.#partial = all.slice(whole);
    if (whole > 0) this.#enqueue(all.subarray(0, whole));
  }

  /** Queues a mark after the audio pushed so far (a partial frame goes first, padded by the call). */
  pushMark(name: string): void {
    if (this.#closed) return;
    if (this.#partial.length > 0) {
      this.#enqueue(this.#partial);
      this.#partial = new Int16Array(0);
    }
    this.#items.push({ name });
    this.#kick();
  }

  #enqueue(pcm: Int16Array): void {
    this.#items.push({ pcm });
    this.#queuedSamples += pcm.length;
    this.#kick();
  }

  /**
   * Barge-in: the sink drops what it holds (its marks fire), then the marks held here are
   * returned in order. The caller hears silence from the sink's next frame.
   */
  clear(): void {
    const items = this.#items;
    this.#items = [];
    this.#queuedSamples = 0;
    this.#partial = new Int16Array(0);
    this.#sink.clear();
    for (const item of items) if (item.name !== undefined) this.#options.onMarkDropped(item.name);
  }

  /** Stops feeding the sink; held audio is dropped and held marks are not returned. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#items = [];
    this.#queuedSamples = 0;
    this.#partial = new Int16Array(0);
  }

  #kick(): void {
    if (!this.#pumping) void this.#pump();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      for (let item = this.#items.shift(); item !== undefined; item = this.#items.shift()) {
        if (item.name !== undefined) {
          this.#sink.mark(item.name);
          continue;
        }
        this.#queuedSamples -= item.pcm.length;
        await this.#sink.write(item.pcm);
      }
    } catch (e) {
      this.#options.onError(e);
    } finally {
      this.#pumping = false;
    }
  }
}

/**
 * A bot written from Twilio's public Media Streams protocol page, for tests: a `ws` server on
 * loopback (port 0) that records every frame the bridge sends and lets a test script its replies.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** A received text frame, parsed. */
export type Received = { readonly event: string; readonly at: number; readonly [k: string]: unknown };

/** One bridged call as the bot sees it. */
export class BotSession {
  readonly ws: WebSocket;
  /** Text frames in arrival order. */
  readonly messages: Received[] = [];
  /** Binary frames (the raw L16 variant). */
  readonly binary: Buffer[] = [];
  /** Request headers of the upgrade. */
  readonly headers: Record<string, string | string[] | undefined>;
  readonly closed: Promise<number>;
  #waiters: { test: (m: Received) => boolean; resolve: (m: Received) => void }[] = [];
  streamSid = '';

  constructor(ws: WebSocket, headers: Record<string, string | string[] | undefined>) {
    this.ws = ws;
    this.headers = headers;
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.binary.push(Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer));
        return;
      }
      const m = { ...(JSON.parse(String(data)) as object), at: performance.now() } as Received;
      if (m.event === 'start') this.streamSid = String((m['start'] as { streamSid: string }).streamSid);
      this.messages.push(m);
      for (const w of [...this.#waiters]) {
        if (w.test(m)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    });
  }

  /** Resolves with the first message (already received or to come) that passes `test`. */
  waitFor(test: (m: Received) => boolean): Promise<Received> {
    const seen = this.messages.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  /** Sends a Twilio-shaped message with this stream's `streamSid`. */
  send(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify({ ...message, streamSid: this.streamSid }));
  }

  /** `media` with base64 µ-law. */
  sendMulaw(bytes: Uint8Array): void {
    this.send({ event: 'media', media: { payload: Buffer.from(bytes).toString('base64') } });
  }

  sendMark(name: string): void {
    this.send({ event: 'mark', mark: { name } });
  }
}

/** The bot server. */
export interface TestBot extends AsyncDisposable {
  readonly url: string;
  readonly sessions: BotSession[];
  /** Resolves with the next session (or the n-th, 0-based). */
  session(index: number): Promise<BotSession>;
  close(): Promise<void>;
}

/**
 * Starts the bot. `onSession` scripts each call (it runs when the socket opens).
 *
 * @param onSession - the test's script
 */
export async function startTestBot(onSession: (s: BotSession) => void = () => undefined): Promise<TestBot> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const sessions: BotSession[] = [];
  const waiting: (() => void)[] = [];
  server.on('connection', (ws, req) => {
    const s = new BotSession(ws, req.headers);
    sessions.push(s);
    onSession(s);
    for (const w of waiting.splice(0)) w();
  });
  const port = (server.address() as AddressInfo).port;
  const close = async (): Promise<void> => {
    for (const c of server.clients) c.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `ws://127.0.0.1:${port}/stream`,
    sessions,
    async session(index) {
      while (sessions.length <= index) await new Promise<void>((resolve) => waiting.push(resolve));
      return sessions[index]!;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * The node's HTTP side (node:http): `GET /metrics` (Prometheus text format),
 * `GET /health` (200 open / 429 busy / 503 draining, JSON body) and
 * `POST /drain` (start draining).
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { LIVE_CALL_PAGE, type LiveCallBoard } from './live-calls.js';
import { healthStatusCode, loadHeaderValue, type NodeStatus } from './node-status.js';

/** Header carrying the node's load on `/health` responses. */
export const LOAD_HEADER = 'X-Trunkline-Load';

/** Options of {@link startObservabilityServer}. */
export interface ObservabilityServerOptions {
  /** TCP port (0 = any free port). */
  readonly port: number;
  /** Address to bind. Default `127.0.0.1` (metrics are not for the public). */
  readonly host?: string;
  /** Registry served on `/metrics`. */
  readonly registry: Registry;
  /** State served on `/health`; `POST /drain` drains it. */
  readonly status: NodeStatus;
  /** Called once when `POST /drain` starts draining (after `status.drain()`). Default: nothing. */
  readonly onDrain?: () => void;
  /** Serve the live call page on `/calls/` (events on `/calls/events`). Default: no page. */
  readonly liveCalls?: LiveCallBoard;
  /** How often the live page is pushed a snapshot, ms. Default 500. */
  readonly liveIntervalMs?: number;
  /**
   * Longest life of one event stream, ms; the browser reconnects after `retry` (1 s). Bounds
   * connections through proxies that cut idle or long responses. Default 60000.
   */
  readonly liveStreamMs?: number;
}

/** A running {@link startObservabilityServer}. */
export interface ObservabilityServer extends AsyncDisposable {
  /** The bound port. */
  readonly port: number;
  /** Stops listening and closes idle connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves metrics, health and drain over HTTP.
 *
 * @param options - port, registry and node status
 */
export async function startObservabilityServer(options: ObservabilityServerOptions): Promise<ObservabilityServer> {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new TypeError('options.port must be 0-65535');
  const { registry, status } = options;
  const liveIntervalMs = options.liveIntervalMs ?? 500;
  if (!Number.isInteger(liveIntervalMs) || liveIntervalMs < 50) throw new TypeError('options.liveIntervalMs must be an integer of at least 50');
  const liveStreamMs = options.liveStreamMs ?? 60_000;
  if (!Number.isInteger(liveStreamMs) || liveStreamMs < 1) throw new TypeError('options.liveStreamMs must be a positive integer');
  const streams = new Set<NodeJS.Timeout>();
  const board = options.liveCalls;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) {
      const body = await registry.metrics();
      res.writeHead(200, { 'Content-Type': registry.contentType });
      res.end(req.method === 'HEAD' ? undefined : body);
    } else if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      const h = status.health();
      res.writeHead(healthStatusCode(h.state), { 'Content-Type': 'application/json', [LOAD_HEADER]: loadHeaderValue(h), 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(h));
    } else if (path === '/drain' && req.method === 'POST') {
      const first = !status.draining;
      status.drain();
      if (first) {
        try {
          options.onDrain?.();
        } catch {
          // A throwing drain hook must not break the server.
        }
      }
      res.writeHead(202, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(status.health()));
    } else if (board !== undefined && (path === '/calls' || path === '/calls/') && req.method === 'GET') {
      if (path === '/calls') {
        res.writeHead(301, { Location: '/calls/' });
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(LIVE_CALL_PAGE);
    } else if (board !== undefined && path === '/calls/events' && req.method === 'GET') {
      // Server-sent events (WHATWG HTML §9.2): one snapshot now, then one per interval.
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      const push = (): void => void res.write(`data: ${JSON.stringify(board.snapshot())}\n\n`);
      res.write('retry: 1000\n\n');
      push();
      const timer = setInterval(push, liveIntervalMs);
      const end = setTimeout(() => res.end(), liveStreamMs);
      streams.add(timer);
      streams.add(end);
      res.on('close', () => {
        clearInterval(timer);
        clearTimeout(end);
        streams.delete(timer);
        streams.delete(end);
      });
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found\n');
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      for (const timer of streams) clearTimeout(timer);
      streams.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  return { port, close, [Symbol.asyncDispose]: close };
}

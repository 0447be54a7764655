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
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  return { port, close, [Symbol.asyncDispose]: close };
}

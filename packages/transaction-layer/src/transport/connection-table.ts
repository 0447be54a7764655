/**
 * Open stream connections, found by id and by destination — the bookkeeping
 * behind connection reuse (RFC 3261 §18.2.2, RFC 5923 §5, RFC 5626 §5).
 */
import type { StreamConnection } from './stream-connection.js';

/**
 * Key of a destination: protocol, address, port and, for TLS, the name the
 * certificate was verified for (a connection verified for one name must not
 * carry traffic meant for another).
 */
export function destinationKey(protocol: string, address: string, port: number, serverName?: string): string {
  return `${protocol} ${address} ${port} ${serverName ?? ''}`;
}

/**
 * Connections by id and by destination keys. An outbound connection is
 * indexed under the destination it was opened to; an inbound one under the
 * peer's address and port, plus any alias learnt from the peer (RFC 5923 §5).
 * A key points at the most recently registered connection.
 */
export class ConnectionTable {
  private readonly byId = new Map<string, StreamConnection>();
  private readonly byKey = new Map<string, StreamConnection>();
  private readonly keysOf = new Map<StreamConnection, string[]>();

  /** Open connections. */
  get size(): number {
    return this.byId.size;
  }

  /** Registers a connection under `keys`. */
  add(conn: StreamConnection, keys: readonly string[]): void {
    this.byId.set(conn.id, conn);
    this.keysOf.set(conn, []);
    for (const k of keys) this.alias(conn, k);
  }

  /** Also finds `conn` under `key` from now on. */
  alias(conn: StreamConnection, key: string): void {
    const keys = this.keysOf.get(conn);
    if (keys === undefined || keys.includes(key)) return;
    keys.push(key);
    this.byKey.set(key, conn);
  }

  /** Forgets a connection and every key pointing at it. */
  remove(conn: StreamConnection): void {
    this.byId.delete(conn.id);
    for (const k of this.keysOf.get(conn) ?? []) if (this.byKey.get(k) === conn) this.byKey.delete(k);
    this.keysOf.delete(conn);
  }

  /** The open connection with this id. */
  get(id: string): StreamConnection | undefined {
    const c = this.byId.get(id);
    return c !== undefined && !c.closed ? c : undefined;
  }

  /** The open connection registered under `key`. */
  find(key: string): StreamConnection | undefined {
    const c = this.byKey.get(key);
    return c !== undefined && !c.closed ? c : undefined;
  }

  /** Every connection, for shutdown. */
  all(): StreamConnection[] {
    return [...this.byId.values()];
  }
}

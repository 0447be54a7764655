/**
 * A node's state as a load balancer sees it: open, busy (at capacity) or
 * draining (taking no new calls, finishing the ones it has).
 *
 * @module
 */

/** `open`: takes calls; `busy`: at capacity; `draining`: takes no new calls. */
export type NodeState = 'open' | 'busy' | 'draining';

/** What the health endpoint reports. */
export interface NodeHealth {
  readonly state: NodeState;
  /** Calls not yet ended. */
  readonly activeCalls: number;
  /** Most simultaneous calls the node takes. */
  readonly capacity: number;
}

/** Options of {@link NodeStatus}. */
export interface NodeStatusOptions {
  /** Reads the number of calls not yet ended (e.g. `() => ua.stats.callsActive`). */
  readonly activeCalls: () => number;
  /** Most simultaneous calls (the user agent's `maxCalls`); at or above it the node is `busy`. */
  readonly capacity: number;
}

/**
 * The open/busy/draining state of one node. Draining is one-way: a drained
 * node is replaced, not re-opened (see docs/scale-out.md).
 */
export class NodeStatus {
  readonly #activeCalls: () => number;
  readonly #capacity: number;
  #draining = false;

  /** @param options - how to read the load, and the capacity */
  constructor(options: NodeStatusOptions) {
    if (typeof options.activeCalls !== 'function') throw new TypeError('options.activeCalls must be a function');
    if (!Number.isInteger(options.capacity) || options.capacity < 1) throw new TypeError('options.capacity must be a positive integer');
    this.#activeCalls = options.activeCalls;
    this.#capacity = options.capacity;
  }

  /** True once {@link drain} was called. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Stops taking new calls. Idempotent. */
  drain(): void {
    this.#draining = true;
  }

  /** The current state and load. */
  health(): NodeHealth {
    const activeCalls = this.#activeCalls();
    const state: NodeState = this.#draining ? 'draining' : activeCalls >= this.#capacity ? 'busy' : 'open';
    return { state, activeCalls, capacity: this.#capacity };
  }
}

/** HTTP status of the health endpoint for each state: 200 open, 429 busy, 503 draining. */
export function healthStatusCode(state: NodeState): 200 | 429 | 503 {
  switch (state) {
    case 'open':
      return 200;
    case 'busy':
      return 429;
    case 'draining':
      return 503;
  }
}

/** The load as a header value, `active=N;capacity=M;state=S` (for an OPTIONS response or HTTP). */
export function loadHeaderValue(h: NodeHealth): string {
  return `active=${h.activeCalls};capacity=${h.capacity};state=${h.state}`;
}

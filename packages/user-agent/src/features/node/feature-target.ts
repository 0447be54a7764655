/**
 * Helpers the feature drivers share: where an out-of-dialog request to a
 * URI goes (RFC 3263), whether a closed connection was that flow, and event
 * emission that a throwing listener cannot break.
 */
import { channel } from 'node:diagnostics_channel';
import type { EventEmitter } from 'node:events';
import { parseUri } from '@trunkline/sip-parser';
import { locateSipServer, type DnsResolver, type Flow, type SipProtocol } from '@trunkline/transaction-layer';

/** `node:diagnostics_channel` on which a feature listener that threw is published (`{ event, error }`). */
export const FEATURE_LISTENER_ERROR_CHANNEL = 'trunkline:user-agent:feature-listener-error';
const listenerErrors = channel(FEATURE_LISTENER_ERROR_CHANNEL);

/**
 * The flow for requests to `uri` — RFC 3263 §4 (a numeric host as it is, a
 * name through NAPTR/SRV/A); the first target, with the TLS server name.
 *
 * @throws TypeError when `uri` is not a SIP URI or no target is found.
 */
export async function locateFlow(uri: string, resolver: DnsResolver | undefined, preferTransports?: readonly SipProtocol[]): Promise<Flow> {
  const parsed = parseUri(uri);
  if (parsed.kind !== 'sip') throw new TypeError(`${uri} is not a SIP URI`);
  const options = { ...(resolver === undefined ? {} : { resolver }), ...(preferTransports === undefined ? {} : { preferTransports }) };
  const [target] = await locateSipServer(parsed, options);
  if (target === undefined) throw new TypeError(`no address for ${uri}`);
  const flow: Flow = { protocol: target.transport, address: target.address, port: target.port };
  return target.hostname !== null && target.transport === 'tls' ? { ...flow, serverName: target.hostname } : flow;
}

/** True when a closed connection's flow is the stream flow `target` (same protocol, address and port). */
export function sameStreamFlow(closed: Flow, target: Flow | null): boolean {
  return (
    target !== null &&
    target.protocol !== 'udp' &&
    closed.protocol === target.protocol &&
    closed.address === target.address &&
    closed.port === target.port
  );
}

/** Emits `event`; a listener that throws is published on {@link FEATURE_LISTENER_ERROR_CHANNEL}, never thrown into the machine. */
export function safeEmit<E extends Record<keyof E, unknown[]>, K extends keyof E & string>(
  emitter: EventEmitter<E>,
  event: K,
  ...args: E[K]
): void {
  try {
    (emitter as unknown as EventEmitter).emit(event, ...args);
  } catch (error) {
    if (listenerErrors.hasSubscribers) listenerErrors.publish({ event, error });
  }
}

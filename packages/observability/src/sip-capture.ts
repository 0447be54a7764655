/**
 * Fans the user agent's SIP trace out to capture sinks (pcap, HEP).
 *
 * @module
 */
import type { UserAgent, UserAgentAddress } from '@trunkline/user-agent';
import { packetOfTrace, type SipPacket, type SipTraceEvent } from './sip-packet.js';

/**
 * Pass {@link SipCapture.trace} as the user agent's `trace` option, then
 * {@link SipCapture.attach} the created agent (its listeners give the local
 * end of each packet). Messages traced before `attach` are not captured.
 */
export class SipCapture {
  readonly #sinks: ReadonlyArray<(packet: SipPacket) => void>;
  #local: readonly UserAgentAddress[] = [];

  /** @param sinks - called with each packet; a sink that throws is skipped, never breaks the transport */
  constructor(sinks: ReadonlyArray<(packet: SipPacket) => void>) {
    if (!Array.isArray(sinks) || sinks.some((s) => typeof s !== 'function')) throw new TypeError('sinks must be an array of functions');
    this.#sinks = [...sinks];
  }

  /** The `trace` hook for `createUserAgent`. */
  readonly trace = (event: SipTraceEvent): void => {
    const packet = packetOfTrace(event, this.#local);
    if (packet === null) return;
    for (const sink of this.#sinks) {
      try {
        sink(packet);
      } catch {
        // Capture is best effort: a failing sink must not affect SIP.
      }
    }
  };

  /** Learns the local listener addresses of `ua`. */
  attach(ua: UserAgent): void {
    this.#local = ua.addresses;
  }
}

/**
 * @trunkline/impair — seeded network impairment for Trunkline's fault tests
 * (`tc netem` is not available where they run): a pure per-datagram model
 * (Bernoulli or Gilbert-Elliott loss, delay with jitter, reordering,
 * duplication), a UDP relay that applies it per direction, and a SIP/RTP
 * impairment proxy that keeps a whole call, signalling and media, on the
 * impaired path.
 *
 * @packageDocumentation
 */
export {
  Impairment,
  type ImpairmentOptions,
  type ImpairmentDecision,
  type ImpairmentCounters,
  type LossModel,
  type BernoulliLoss,
  type GilbertElliottLoss,
  type DelayModel,
  type JitterDistribution,
} from './impairment.js';
export { DelayLine } from './delay-line.js';
export {
  UdpImpairmentRelay,
  type UdpImpairmentRelayOptions,
  type RelayAddress,
  type RelayDirection,
  type RelayDropReason,
  type RelayEvent,
  type RelayCounters,
  type RelayClock,
} from './udp-impairment-relay.js';
export { SipImpairmentProxy, type SipImpairmentProxyOptions, type DirectionalImpairment, type ProxiedMediaStream } from './sip-impairment-proxy.js';
export { classifyMediaDatagram, type MediaDatagramKind } from './media-datagram.js';
export { readSdpEndpoints, rewriteSdpEndpoints, type SdpMediaEndpoint } from './sdp-endpoints.js';
export { rewriteSipForRelay, contactUri, uriNames, type SipRelayRewrite } from './sip-alg.js';
export { TcpRelay, type TcpRelayOptions } from './tcp-relay.js';

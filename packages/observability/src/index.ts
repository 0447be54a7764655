/**
 * @trunkline/observability — what operations need from a Trunkline node
 * behind a SIP load balancer: Prometheus metrics from the user agent's call
 * records, call records as JSON lines, and an HTTP health/drain endpoint.
 *
 * @packageDocumentation
 */
export { CallMetricsCollector, type CallMetricsOptions } from './call-metrics.js';
export { CallRecordWriter, callRecord, type CallRecord, type CallRecordTarget } from './call-record.js';
export { NodeStatus, healthStatusCode, loadHeaderValue, type NodeHealth, type NodeState, type NodeStatusOptions } from './node-status.js';
export { startObservabilityServer, LOAD_HEADER, type ObservabilityServer, type ObservabilityServerOptions } from './observability-server.js';
export { SipCapture } from './sip-capture.js';
export { packetOfTrace, ipAddressBytes, type SipPacket, type SipTraceEvent } from './sip-packet.js';
export { PcapWriter, ipPacket } from './pcap-writer.js';
export { encodeHep3, HepExporter, HEP3_CHUNK, type Hep3Options, type HepExporterOptions } from './hep.js';
export { LiveCallBoard, LIVE_CALL_PAGE, type LiveCallBoardOptions, type LiveCallRow, type LiveCallSnapshot } from './live-calls.js';

import { TrunklineError } from '@trunkline/errors';

/** Stable codes for every way server location can fail. */
export type ResolverErrorCode =
  /** No NAPTR, SRV, A or AAAA record gave a usable target (RFC 3263 §4.2, RFC 2782 "."). */
  | 'RESOLVER_NOT_FOUND'
  /** The URI asks for a transport this client does not support, or one the scheme forbids (§4.1). */
  | 'RESOLVER_UNSUPPORTED_TRANSPORT'
  /** The URI cannot be located at all (not a SIP URI, or a host that is no name and no address). */
  | 'RESOLVER_BAD_TARGET'
  /** A DNS query failed for a reason other than "no such name / no data". */
  | 'RESOLVER_DNS_ERROR'
  /** Every target was tried; failover is exhausted (§4.3). */
  | 'TARGETS_EXHAUSTED';

/**
 * The only error {@link locateSipServer} and {@link TargetIterator} throw for
 * conditions of the network or of untrusted input (API misuse throws TypeError).
 */
export class ResolverError extends TrunklineError<ResolverErrorCode> {}

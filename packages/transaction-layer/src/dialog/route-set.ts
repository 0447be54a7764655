/**
 * Applying a dialog's route set to a request — RFC 3261 §12.2.1.1 (and the
 * §16.12.1.2 figures): loose routing (`lr`, RFC 3261) versus strict routing
 * (RFC 2543 proxies).
 *
 * ```
 * loose : Request-URI = remote target      Route = r1, r2, ..., rn
 * strict: Request-URI = r1 (stripped)      Route = r2, ..., rn, remote target
 * ```
 */
import type { SipUri, Uri } from '@trunkline/sip-parser';

/** Where a request goes and the Route values it carries, in order. */
export interface RoutedRequest {
  readonly requestUri: Uri;
  readonly routes: readonly Uri[];
}

/** A URI carrying the `lr` parameter is a loose router (§19.1.1). */
export function isLooseRouter(uri: Uri): boolean {
  return uri.kind === 'sip' && uri.params.some((p) => p.name.toLowerCase() === 'lr');
}

/**
 * §12.2.1.1: "stripping any parameters that are not allowed in a
 * Request-URI" — per the §19.1.1 table, `method` and the URI headers.
 */
function asRequestUri(uri: Uri): Uri {
  if (uri.kind !== 'sip') return uri;
  const hasMethod = uri.params.some((p) => p.name.toLowerCase() === 'method');
  if (!hasMethod && uri.headers.length === 0) return uri;
  const stripped: SipUri = {
    ...uri,
    params: uri.params.filter((p) => p.name.toLowerCase() !== 'method'),
    headers: [],
    raw: '',
  };
  return stripped;
}

/**
 * The Request-URI and Route values for a request within a dialog — §12.2.1.1.
 *
 * - Empty route set: Request-URI = remote target, no Route.
 * - First route loose (`lr`): Request-URI = remote target, Route = route set in order.
 * - First route strict: Request-URI = first route (stripped), Route = the
 *   rest of the route set, then the remote target.
 */
export function applyRouteSet(routeSet: readonly Uri[], remoteTarget: Uri): RoutedRequest {
  const first = routeSet[0];
  if (first === undefined) return { requestUri: remoteTarget, routes: [] };
  if (isLooseRouter(first)) return { requestUri: remoteTarget, routes: [...routeSet] };
  return { requestUri: asRequestUri(first), routes: [...routeSet.slice(1), remoteTarget] };
}

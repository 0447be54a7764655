/**
 * A small registrar for the feature tests: a SipEndpoint on loopback that
 * challenges with the transaction layer's DigestServer (SHA-256 by default),
 * enforces a Min-Expires with 423, grants what was asked (capped), and
 * records every REGISTER it sees.
 */
import { createResponse, findParam, parseExpires, type SipRequest } from '@trunkline/sip-parser';
import { DigestServer, SipEndpoint, SipTransport, type DigestAlgorithm, type DigestServerOptions, type Flow } from '@trunkline/transaction-layer';

/** One REGISTER as the registrar saw it. */
export interface SeenRegister {
  readonly at: number;
  readonly request: SipRequest;
  readonly status: number;
}

/** Options of {@link startRegistrar}. */
export interface RegistrarOptions {
  readonly protocol?: 'udp' | 'tcp';
  readonly algorithms?: readonly DigestAlgorithm[];
  /** 423 below this (seconds). Default 1. */
  readonly minExpires?: number;
  /** Grant at most this (seconds). Default 3600. */
  readonly maxExpires?: number;
  /** Answer the first N REGISTERs with this status before behaving (e.g. 503). */
  readonly failFirst?: { readonly count: number; readonly status: number };
  /** Further DigestServer options (e.g. a short `nonceTtlMs`). Default none. */
  readonly digest?: Omit<DigestServerOptions, 'realm' | 'algorithms'>;
}

export interface Registrar {
  readonly flow: Flow;
  readonly uri: string;
  readonly seen: SeenRegister[];
  /** AOR → contact → expiry time (ms, performance.now). */
  readonly bindings: Map<string, Map<string, number>>;
  close(): Promise<void>;
}

const PASSWORDS: Record<string, string> = { alice: 'alice-pw', bob: 'bob-pw' };

export async function startRegistrar(options: RegistrarOptions = {}): Promise<Registrar> {
  const protocol = options.protocol ?? 'udp';
  const transport = await SipTransport.create({ listen: [{ protocol, host: '127.0.0.1', port: 0 }] });
  const endpoint = new SipEndpoint(transport, { timers: { T1: 100, T2: 400, T4: 500 } });
  const digest = new DigestServer({ ...options.digest, realm: 'trunkline.test', algorithms: options.algorithms ?? ['SHA-256'] });
  const seen: SeenRegister[] = [];
  const bindings = new Map<string, Map<string, number>>();
  let failures = options.failFirst?.count ?? 0;
  const lookup = (username: string): { password: string } | undefined => {
    const password = PASSWORDS[username];
    return password === undefined ? undefined : { password };
  };
  endpoint.on('request', ({ request, respond }) => {
    if (request.method !== 'REGISTER') {
      respond(createResponse(request, 405, { toTag: 'reg' }));
      return;
    }
    const at = performance.now();
    void (async () => {
      const reply = (status: number, headers: Array<readonly [string, string]> = []): void => {
        seen.push({ at, request, status });
        respond(createResponse(request, status, { toTag: 'reg', headers }));
      };
      if (failures > 0) {
        failures--;
        reply(options.failFirst!.status);
        return;
      }
      const v = await digest.verify(request, lookup, at);
      if (v.status !== 'ok') {
        reply(401, digest.challenge(at, { stale: v.status === 'stale' }).map((h) => [h.name, h.value] as const));
        return;
      }
      const expires = parseExpires(request.headers.get('Expires') ?? '3600');
      const aor = request.to!.raw;
      const contacts = bindings.get(aor) ?? new Map<string, number>();
      bindings.set(aor, contacts);
      const contact = request.contact[0]!;
      const key = contact.uri.raw;
      const asked = Number(findParam(contact.params, 'expires')?.value ?? expires);
      if (asked === 0) {
        contacts.delete(key);
        reply(200);
        return;
      }
      const min = options.minExpires ?? 1;
      if (asked < min) {
        reply(423, [['Min-Expires', String(min)]]);
        return;
      }
      const granted = Math.min(asked, options.maxExpires ?? 3600);
      contacts.set(key, at + granted * 1000);
      reply(200, [['Contact', `<${key}>;expires=${granted}`]]);
    })();
  });
  const port = transport.addresses[0]!.port;
  return {
    flow: { protocol, address: '127.0.0.1', port },
    uri: `sip:127.0.0.1:${port}${protocol === 'tcp' ? ';transport=tcp' : ''}`,
    seen,
    bindings,
    async close() {
      await endpoint.close();
      await transport.close();
    },
  };
}

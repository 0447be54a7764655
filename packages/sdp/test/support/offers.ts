/** Small SDP builders for rule tests. */

/** An offer with a session part (`c=IN IP4 192.0.2.5`) and the given lines after `t=0 0`. */
export function offerWith(lines: readonly string[], options: { readonly connection?: string | null; readonly timing?: string } = {}): string {
  const connection = options.connection === undefined ? 'c=IN IP4 192.0.2.5' : options.connection;
  return [
    'v=0',
    'o=peer 1001 1001 IN IP4 192.0.2.5',
    's=-',
    ...(connection === null ? [] : [connection]),
    `t=${options.timing ?? '0 0'}`,
    ...lines,
    '',
  ].join('\r\n');
}

/** A G.711 audio m-section with telephone-event on 101. */
export function audio(proto = 'RTP/AVP', port = 20000, extra: readonly string[] = []): string[] {
  return [
    `m=audio ${port} ${proto} 0 8 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-15',
    ...extra,
  ];
}

/** An `a=crypto` line for AES_CM_128_HMAC_SHA1_80 with a fixed 30-byte key. */
export function crypto80(tag: number, suffix = ''): string {
  return `a=crypto:${tag} AES_CM_128_HMAC_SHA1_80 inline:${Buffer.alloc(30, tag % 256).toString('base64')}${suffix}`;
}

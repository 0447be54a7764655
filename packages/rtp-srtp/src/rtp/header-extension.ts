import { RtpParseError } from './errors.js';

/** One RFC 8285 extension element: a local identifier and its data. */
export interface RtpExtensionElement {
  /** Local identifier: 1–14 in the one-byte form, 1–255 in the two-byte form (RFC 8285 §4.2, §4.3). */
  readonly id: number;
  /** Element data; a view into the parsed packet when parsed. */
  readonly data: Uint8Array;
}

/**
 * RTP header extension (RFC 3550 §5.3.1), either in one of the RFC 8285 general forms or an
 * opaque profile-specific block.
 */
export type RtpHeaderExtension =
  | {
      /** RFC 8285 §4.2 one-byte header form, "defined by profile" 0xBEDE. */
      readonly kind: 'one-byte';
      /** Elements in wire order (padding bytes dropped). */
      readonly elements: readonly RtpExtensionElement[];
    }
  | {
      /** RFC 8285 §4.3 two-byte header form, "defined by profile" 0x100 followed by 4 appbits. */
      readonly kind: 'two-byte';
      /** The 4 application-dependent bits of the profile field. */
      readonly appBits: number;
      /** Elements in wire order (padding bytes dropped). */
      readonly elements: readonly RtpExtensionElement[];
    }
  | {
      /** RFC 3550 §5.3.1 profile-specific extension kept as opaque bytes. */
      readonly kind: 'generic';
      /** The 16-bit "defined by profile" field. */
      readonly profile: number;
      /** Extension body; its length must be a multiple of 4. */
      readonly data: Uint8Array;
    };

/** RFC 8285 §4.2 profile value announcing the one-byte form. */
export const ONE_BYTE_PROFILE = 0xbede;
/** RFC 8285 §4.3 profile value (upper 12 bits) announcing the two-byte form. */
export const TWO_BYTE_PROFILE = 0x100;

/**
 * Decodes the extension body (after the 4-byte profile/length word). `body` is a view; element data
 * are views into it, nothing is copied.
 */
export function parseHeaderExtension(profile: number, body: Uint8Array, baseOffset: number): RtpHeaderExtension {
  if (profile === ONE_BYTE_PROFILE) {
    // RFC 8285 §4.2: ID(4) L(4), L+1 bytes of data; ID 0 is a padding byte; ID 15 stops parsing.
    const elements: RtpExtensionElement[] = [];
    let i = 0;
    while (i < body.length) {
      const b = body[i] ?? 0;
      const id = b >> 4;
      if (id === 0) {
        i += 1;
        continue;
      }
      if (id === 15) break;
      const len = (b & 0x0f) + 1;
      if (i + 1 + len > body.length) {
        throw new RtpParseError('RTP_BAD_EXTENSION', `one-byte element ${id} overruns the extension`, baseOffset + i);
      }
      elements.push({ id, data: body.subarray(i + 1, i + 1 + len) });
      i += 1 + len;
    }
    return { kind: 'one-byte', elements };
  }
  if (profile >> 4 === TWO_BYTE_PROFILE) {
    // RFC 8285 §4.3: ID(8) L(8), L bytes of data (L may be 0); a zero byte is padding.
    const elements: RtpExtensionElement[] = [];
    let i = 0;
    while (i < body.length) {
      const id = body[i] ?? 0;
      if (id === 0) {
        i += 1;
        continue;
      }
      if (i + 2 > body.length) {
        throw new RtpParseError('RTP_BAD_EXTENSION', `two-byte element ${id} has no length byte`, baseOffset + i);
      }
      const len = body[i + 1] ?? 0;
      if (i + 2 + len > body.length) {
        throw new RtpParseError('RTP_BAD_EXTENSION', `two-byte element ${id} overruns the extension`, baseOffset + i);
      }
      elements.push({ id, data: body.subarray(i + 2, i + 2 + len) });
      i += 2 + len;
    }
    return { kind: 'two-byte', appBits: profile & 0x0f, elements };
  }
  return { kind: 'generic', profile, data: body };
}

/** Size in bytes of the encoded extension body, padded to 32 bits, excluding the 4-byte header. */
export function headerExtensionBodySize(ext: RtpHeaderExtension): number {
  let n: number;
  switch (ext.kind) {
    case 'one-byte':
      n = 0;
      for (const e of ext.elements) n += 1 + e.data.length;
      break;
    case 'two-byte':
      n = 0;
      for (const e of ext.elements) n += 2 + e.data.length;
      break;
    case 'generic':
      n = ext.data.length;
      break;
  }
  return (n + 3) & ~3;
}

/**
 * Validates an extension the caller wants to send. API misuse is a RangeError, not a parse error.
 */
export function validateHeaderExtension(ext: RtpHeaderExtension): void {
  switch (ext.kind) {
    case 'one-byte':
      for (const e of ext.elements) {
        if (!Number.isInteger(e.id) || e.id < 1 || e.id > 14) throw new RangeError(`one-byte extension id ${e.id} outside 1..14 (RFC 8285 §4.2)`);
        if (e.data.length < 1 || e.data.length > 16) throw new RangeError(`one-byte extension data length ${e.data.length} outside 1..16`);
      }
      return;
    case 'two-byte':
      if (!Number.isInteger(ext.appBits) || ext.appBits < 0 || ext.appBits > 15) throw new RangeError('appBits must be 0..15');
      for (const e of ext.elements) {
        if (!Number.isInteger(e.id) || e.id < 1 || e.id > 255) throw new RangeError(`two-byte extension id ${e.id} outside 1..255 (RFC 8285 §4.3)`);
        if (e.data.length > 255) throw new RangeError(`two-byte extension data length ${e.data.length} above 255`);
      }
      return;
    case 'generic':
      if (!Number.isInteger(ext.profile) || ext.profile < 0 || ext.profile > 0xffff) throw new RangeError('profile must be 0..0xffff');
      if (ext.data.length % 4 !== 0) throw new RangeError('generic extension data length must be a multiple of 4 (RFC 3550 §5.3.1)');
      return;
  }
}

/**
 * Writes the 4-byte extension header and body at `offset`; returns bytes written.
 * Caller has checked the space with {@link headerExtensionBodySize}.
 */
export function writeHeaderExtension(ext: RtpHeaderExtension, buf: Uint8Array, offset: number): number {
  const bodySize = headerExtensionBodySize(ext);
  const profile = ext.kind === 'one-byte' ? ONE_BYTE_PROFILE : ext.kind === 'two-byte' ? (TWO_BYTE_PROFILE << 4) | ext.appBits : ext.profile;
  buf[offset] = profile >> 8;
  buf[offset + 1] = profile & 0xff;
  const words = bodySize / 4;
  buf[offset + 2] = words >> 8;
  buf[offset + 3] = words & 0xff;
  let i = offset + 4;
  switch (ext.kind) {
    case 'one-byte':
      for (const e of ext.elements) {
        buf[i++] = (e.id << 4) | (e.data.length - 1);
        buf.set(e.data, i);
        i += e.data.length;
      }
      break;
    case 'two-byte':
      for (const e of ext.elements) {
        buf[i++] = e.id;
        buf[i++] = e.data.length;
        buf.set(e.data, i);
        i += e.data.length;
      }
      break;
    case 'generic':
      buf.set(ext.data, i);
      i += ext.data.length;
      break;
  }
  // Zero padding up to the 32-bit boundary (RFC 8285 §4.1: padding bytes have value 0).
  const end = offset + 4 + bodySize;
  buf.fill(0, i, end);
  return 4 + bodySize;
}

/**
 * User-to-User data of a call — RFC 7433 — read from an INVITE and written
 * into INVITE and BYE, through @trunkline/uui.
 */
import type { SipMessage } from '@trunkline/sip-parser';
import { decodeHex, effectiveContent, effectivePurpose, encodeHex, formatUui, parseUuiList, textFromUui, uuiFromText, type UuiData, type UuiParam } from '@trunkline/uui';

/** One User-to-User value received with a call (RFC 7433 §4.1), decoded. */
export interface CallUui {
  /** The octets, upper-case hex (as they travel, `encoding=hex`). */
  readonly hex: string;
  /** The octets. For ISDN UUI, octet 0 is the protocol discriminator (RFC 7434). */
  readonly data: Uint8Array;
  /** IA5 text view when octet 0 is the IA5 discriminator (0x04) and the rest is 7-bit; else null. */
  readonly text: string | null;
  /** The UUI package: `purpose`, default `isdn-uui` (RFC 7434). */
  readonly purpose: string;
  /** `content`, with the RFC 7434 default for the ISDN package; null when none applies. */
  readonly content: string | null;
  /** Other parameters, in order. */
  readonly params: readonly UuiParam[];
  /** The value as received. */
  readonly raw: string;
}

/** UUI to send: exactly one of `hex`, `data` or `text` (IA5, discriminator 0x04 added). */
export type UuiInput = (
  | { readonly hex: string; readonly data?: never; readonly text?: never }
  | { readonly data: Uint8Array; readonly hex?: never; readonly text?: never }
  | { readonly text: string; readonly hex?: never; readonly data?: never }
) & {
  /** `purpose` parameter. Default: none (which means `isdn-uui`, RFC 7434). */
  readonly purpose?: string;
  /** `content` parameter. Default: none. */
  readonly content?: string;
};

/**
 * Every well-formed User-to-User value of `message`, in order (RFC 7433 §4.1:
 * several header fields and comma-separated values). Malformed ones are
 * skipped; `rejected` counts them.
 */
export function readUui(message: SipMessage): { uui: CallUui[]; rejected: number } {
  const out: CallUui[] = [];
  let rejected = 0;
  for (const entry of parseUuiList(message.headers.getAll('User-to-User'))) {
    if (!entry.ok) {
      rejected++;
      continue;
    }
    out.push(view(entry.uui, entry.raw));
  }
  return { uui: out, rejected };
}

function view(uui: UuiData, raw: string): CallUui {
  let text: string | null = null;
  try {
    text = textFromUui(uui);
  } catch {
    text = null; // not IA5 text: the hex and data views still hold everything
  }
  const content = effectiveContent(uui);
  return {
    hex: encodeHex(uui.data),
    data: uui.data,
    text,
    purpose: effectivePurpose(uui),
    content: content ?? null,
    params: uui.params,
    raw,
  };
}

/**
 * User-to-User header values for `input` (hex encoded, RFC 7433 §4.1).
 * @throws TypeError naming `what` when an entry is not exactly one of hex/data/text.
 * @throws UuiError for hex that does not decode, text that is not IA5, or oversize data.
 */
export function uuiHeaderValues(input: UuiInput | readonly UuiInput[] | undefined, what: string): string[] {
  if (input === undefined) return [];
  const list: readonly UuiInput[] = Array.isArray(input) ? input : [input as UuiInput];
  return list.map((u, i) => {
    const name = Array.isArray(input) ? `${what}[${i}]` : what;
    if (typeof u !== 'object' || u === null) throw new TypeError(`${name} must be an object`);
    const given = [u.hex, u.data, u.text].filter((x) => x !== undefined).length;
    if (given !== 1) throw new TypeError(`${name} needs exactly one of hex, data or text`);
    let data: Uint8Array;
    if (u.hex !== undefined) {
      if (typeof u.hex !== 'string') throw new TypeError(`${name}.hex must be a string of hex digits`);
      data = decodeHex(u.hex);
    } else if (u.data !== undefined) {
      if (!(u.data instanceof Uint8Array)) throw new TypeError(`${name}.data must be a Uint8Array`);
      data = u.data;
    } else {
      if (typeof u.text !== 'string') throw new TypeError(`${name}.text must be a string`);
      data = uuiFromText(u.text).data;
    }
    return formatUui({
      data,
      encoding: 'hex',
      params: [],
      ...(u.purpose === undefined ? {} : { purpose: u.purpose }),
      ...(u.content === undefined ? {} : { content: u.content }),
    });
  });
}

/**
 * `@trunkline/uui`: the SIP User-to-User header (RFC 7433) and the ISDN UUI
 * package (RFC 7434), with helpers for contact-centre payloads.
 * @packageDocumentation
 */
export { UuiError, type UuiErrorCode, type UuiErrorOptions } from './errors.js';
export { effectiveContent, effectivePurpose, ISDN_UUI, type UuiData, type UuiParam } from './uui-data.js';
export {
  DEFAULT_MAX_PARAMS,
  DEFAULT_MAX_VALUE_LENGTH,
  ISDN_UUI_MAX_OCTETS,
  type AbsentEncoding,
  type UuiParseOptions,
} from './options.js';
export { decodeHex, encodeHex } from './hex.js';
export { parseUui } from './parse.js';
export { formatUui, type UuiFormatOptions } from './format.js';
export {
  parseUuiList,
  selectUui,
  splitUuiHeader,
  type UuiListEntry,
  type UuiSelector,
} from './list.js';
export {
  bytesFromUui,
  isdnUserInformation,
  PROTOCOL_DISCRIMINATOR,
  uuiFromBytes,
  type IsdnUserInformation,
  type IsdnUuiBuildOptions,
  type UuiFromBytesOptions,
} from './isdn-uui.js';
export { textFromUui, uuiFromText } from './ia5-text.js';
export {
  formatKeyValues,
  keyValuesFromUui,
  parseKeyValues,
  uuiFromKeyValues,
  type UuiKeyValue,
} from './key-values.js';

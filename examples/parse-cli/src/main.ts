#!/usr/bin/env node
/**
 * Interim main job until the echo endpoint exists: parse a SIP message file
 * with @trunkline/sip-parser and print it as JSON.
 *
 *   trunkline-parse [file.sip]     (default: a realistic trunk INVITE)
 *
 * Exit status: 0 parsed, 1 the message was rejected (the error is printed as JSON), 2 usage.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMessage, SipParseError } from '@trunkline/sip-parser';
import { describeMessage } from './describe.js';

const args = process.argv.slice(2).filter((a) => a !== '--');
if (args.length > 1 || args[0] === '-h' || args[0] === '--help') {
  process.stderr.write('usage: trunkline-parse [file.sip]\n');
  process.exit(2);
}
const file = args[0] ?? fileURLToPath(new URL('../samples/trunk-invite.sip', import.meta.url));
const bytes = readFileSync(file);
try {
  process.stdout.write(JSON.stringify({ file, message: describeMessage(parseMessage(bytes)) }, null, 2) + '\n');
} catch (e) {
  if (!(e instanceof SipParseError)) throw e;
  const { code, message, offset, statusHint } = e;
  process.stdout.write(JSON.stringify({ file, error: { code, message, offset, statusHint } }, null, 2) + '\n');
  process.exit(1);
}

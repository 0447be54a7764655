/** Loads an offer fixture as it travels on the wire (CRLF line ends). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The text of `fixtures/offers/<name>` with CRLF line ends. */
export function offerFixture(name: string): string {
  return readFileSync(join(here, '..', 'fixtures', 'offers', name), 'utf8').replace(/\r?\n/g, '\r\n');
}

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null = null;

/**
 * Heap in use after two full collections (bytes), for tests that assert
 * memory returns to a baseline. Exposes `gc` at run time (`--expose-gc`), so
 * no command-line flag is needed.
 */
export function heapAfterGc(): number {
  if (gc === null) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

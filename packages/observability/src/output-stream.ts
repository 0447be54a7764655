import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';

/** An output opened by {@link openOutput}: the stream, and whether its writer owns (and so closes) it. */
export interface Output {
  readonly out: Writable;
  readonly owned: boolean;
}

/**
 * Opens where a writer writes: a file path (`append` or truncate), `-` for
 * stdout when `allowStdout`, or a caller's writable stream (not owned). Write
 * errors go to `onError`; a throwing hook is contained, so a full disk never
 * ends a call.
 *
 * @throws TypeError naming what `target` may be
 */
export function openOutput(
  target: string | Writable,
  onError: (error: unknown) => void,
  options: { readonly append: boolean; readonly allowStdout: boolean },
): Output {
  const accepted = options.allowStdout ? 'a file path, "-" or a writable stream' : 'a file path or a writable stream';
  let output: Output;
  if (typeof target === 'string') {
    if (target.length === 0) throw new TypeError(`target must be ${accepted}`);
    output =
      options.allowStdout && target === '-'
        ? { out: process.stdout, owned: false }
        : { out: createWriteStream(target, { flags: options.append ? 'a' : 'w' }), owned: true };
  } else if (typeof target === 'object' && target !== null && typeof target.write === 'function') {
    output = { out: target, owned: false };
  } else {
    throw new TypeError(`target must be ${accepted}`);
  }
  output.out.on('error', (e) => {
    try {
      onError(e);
    } catch {
      // A throwing error hook must not take the node down.
    }
  });
  return output;
}

/** Ends an owned output (flushing a file); a borrowed stream or stdout is left open. */
export function closeOutput(output: Output): Promise<void> {
  if (!output.owned) return Promise.resolve();
  return new Promise((resolve) => output.out.end(resolve));
}

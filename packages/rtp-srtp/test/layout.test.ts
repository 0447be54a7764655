import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as root from '../src/index.js';
import * as core from '../src/core.js';
import * as nodeAdapters from '../src/node/index.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Every .ts file under `dir`, as paths relative to src/. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [relative(SRC, join(dir, e.name))] : [],
  );
}

/** Module specifiers of the static imports and re-exports in `file`. */
function specifiers(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms)].map((m) => m[1]!);
}

// Node modules that do I/O or keep real time; node:crypto is computation and stays allowed.
const IO_MODULES = ['node:dgram', 'node:net', 'node:events', 'node:perf_hooks', 'node:timers', 'node:timers/promises'];

describe('layout (issue 8): sockets and real timers under src/node, pure code outside it', () => {
  it('no file outside src/node imports src/node or an I/O or timer module', () => {
    const pure = sources(SRC).filter((f) => !f.startsWith('node/') && f !== 'index.ts');
    expect(pure).toContain('media/pacer-schedule.ts');
    expect(pure).toContain('media/symmetric-latch.ts');
    expect(pure).toContain('srtp/srtp-transform.ts');
    const offending = pure.flatMap((f) =>
      specifiers(f)
        .filter((s) => s.includes('/node/') || s.startsWith('./node') || IO_MODULES.includes(s))
        .map((s) => `${f} imports ${s}`),
    );
    expect(offending).toEqual([]);
  });

  it('the root exports exactly the core and the node adapters, which do not overlap', () => {
    const coreNames = Object.keys(core);
    const nodeNames = Object.keys(nodeAdapters);
    expect(coreNames.filter((n) => nodeNames.includes(n))).toEqual([]);
    expect(Object.keys(root).sort()).toEqual([...coreNames, ...nodeNames].sort());
    expect(nodeNames.sort()).toEqual(['MediaSocket', 'PortAllocator', 'PortRangeExhaustedError', 'RealtimePacer', 'RtcpSession']);
    for (const name of ['PacerSchedule', 'SymmetricLatch', 'srtpTransform', 'SrtpContext']) expect(coreNames).toContain(name);
  });
});

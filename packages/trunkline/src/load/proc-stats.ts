/**
 * CPU time and resident memory of a process on the same machine, read from
 * `/proc/<pid>/stat` and `/proc/<pid>/status` (Linux, proc(5)).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';

/** Clock ticks per second of `/proc/<pid>/stat` times (`sysconf(_SC_CLK_TCK)`, 100 on Linux x86-64 and arm64). */
export const CLOCK_TICKS_PER_SECOND = 100;

/** One reading of a process. */
export interface ProcSample {
  /** When it was read (`performance.now()`, ms). */
  readonly at: number;
  /** User + system CPU time so far, ms. */
  readonly cpuMs: number;
  /** Resident set size, bytes. */
  readonly rssBytes: number;
}

/**
 * Reads a process's CPU time and RSS, or null when it cannot be read (no
 * such process, not Linux).
 *
 * @param pid - the process id
 */
export async function readProcSample(pid: number): Promise<ProcSample | null> {
  try {
    const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of proc(5); fields[0] is field 3.
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(rssKb)) return null;
    return { at: performance.now(), cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND, rssBytes: rssKb * 1024 };
  } catch {
    return null;
  }
}

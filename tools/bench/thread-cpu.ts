import { readFileSync, readlinkSync } from 'node:fs';

/** A thread or a whole process whose CPU time the bench reads from Linux's /proc. */
export interface CpuSubject {
  readonly pid: number;
  /** One thread of it; the whole process (every thread) when absent. */
  readonly tid?: number;
}

// USER_HZ: /proc reports CPU time in clock ticks, 100 a second on every Linux the bench targets.
const TICK_MS = 10;

/**
 * CPU time (user + system, ms) the subject has used so far, or undefined where /proc is not there
 * (the bench then prints no CPU column rather than a made-up one).
 */
export function cpuMsOf(subject: CpuSubject): number | undefined {
  const path = subject.tid === undefined ? `/proc/${subject.pid}/stat` : `/proc/${subject.pid}/task/${subject.tid}/stat`;
  try {
    const stat = readFileSync(path, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and the state.
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** The calling thread, as a CpuSubject (from /proc/thread-self), or undefined off Linux. */
export function currentThread(): CpuSubject | undefined {
  try {
    const [pid, , tid] = readlinkSync('/proc/thread-self').split('/');
    return { pid: Number(pid), tid: Number(tid) };
  } catch {
    return undefined;
  }
}

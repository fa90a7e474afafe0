import { readFileSync } from 'node:fs';

/** Whether a process exists (EPERM: it does, it just is not ours to signal). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** When the kernel started the process (clock ticks since boot, from /proc); undefined without /proc or once it is gone. */
export function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; the fields after it are plain. Start time is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * A process as files beside the data record it: its pid, and its start time
 * where /proc tells it. Pids are reused (32,768 of them by default, and a
 * restarted container numbers its processes the same way again), so a pid
 * alone left by a process that died can name an unrelated live one.
 */
export interface ProcessMark {
  pid: number;
  startTime?: string;
}

export function ownMark(): ProcessMark {
  const startTime = startTimeOf(process.pid);
  return startTime === undefined ? { pid: process.pid } : { pid: process.pid, startTime };
}

/** Whether the marked process still runs: its pid is alive and, when the mark has one, started at the same time. */
export function isMarkAlive(mark: ProcessMark): boolean {
  if (!isAlive(mark.pid)) return false;
  if (mark.startTime === undefined) return true;
  const now = startTimeOf(mark.pid);
  return now === undefined || now === mark.startTime;
}

/** `pid` or `pid@startTime`, as written to a file. */
export function formatMark(mark: ProcessMark): string {
  return mark.startTime === undefined ? String(mark.pid) : `${mark.pid}@${mark.startTime}`;
}

/** A mark read back from formatMark's text (a bare pid, as older versions wrote, too); undefined if it is not one. */
export function parseMark(text: string): ProcessMark | undefined {
  const [pidText, startTime] = text.trim().split('@');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return startTime ? { pid, startTime } : { pid };
}

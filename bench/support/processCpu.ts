/**
 * CPU time of processes from /proc (Linux): the server's workers, and the
 * database server when it runs on this machine, so that a throughput figure
 * can say where the machine's cores went.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // the process is gone
  }
}

/** CPU time (user + system, ms) of a process so far; 0 once it is gone. */
export function cpuMsOf(pid: number): number {
  const fields = statFields(pid);
  // utime and stime are the 12th and 13th fields after the name; CLK_TCK is 100 on Linux.
  return fields ? ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 : 0;
}

function parentOf(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : null;
}

/**
 * The CPU a local PostgreSQL server uses: its postmaster and every process it
 * started (the backends of every client, the WAL writer, autovacuum), found
 * from one of its backends' pid. Each call takes a snapshot; `cpuMsBetween`
 * adds what each process used between two (a backend that ended in between is
 * left out: pools close idle connections, and their whole past must not count
 * against the step). Null when the server is not a process of this machine
 * (or /proc is not there).
 */
export function postgresCpu(backendPid: number): (() => Map<number, number>) | null {
  const postmaster = parentOf(backendPid);
  if (postmaster === null || postmaster <= 1) return null;
  return () => {
    const ms = new Map<number, number>([[postmaster, cpuMsOf(postmaster)]]);
    for (const entry of readdirSync('/proc')) {
      const pid = Number(entry);
      if (Number.isInteger(pid) && parentOf(pid) === postmaster) ms.set(pid, cpuMsOf(pid));
    }
    return ms;
  };
}

/** CPU (ms) used between two snapshots by the processes alive at the second (those started in between: all of theirs). */
export function cpuMsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, used] of after) ms += used - (before.get(pid) ?? 0);
  return ms;
}

/**
 * CPU time spent, for figures that hold on a shared machine: wall-clock rates move with other
 * work on the cores, CPU seconds per event much less. Linux /proc only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const TICKS = 100; // USER_HZ on Linux

/** utime, stime, cutime, cstime of a process, in seconds (cutime/cstime: its reaped children). */
function times(pid: number): { own: number; reaped: number } {
  try {
    // The fields after the command name, which may hold spaces, start at field 3 (state).
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { own: (Number(f[11]) + Number(f[12])) / TICKS, reaped: (Number(f[13]) + Number(f[14])) / TICKS };
  } catch {
    return { own: 0, reaped: 0 };
  }
}

function parentOf(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  } catch {
    return -1;
  }
}

/** CPU seconds used so far by a PostgreSQL cluster: its postmaster, live backends and exited ones. */
export function clusterCpuSeconds(dataDir: string): number {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const pm = times(postmaster);
  let total = pm.own + pm.reaped;
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (Number.isInteger(pid) && parentOf(pid) === postmaster) total += times(pid).own;
  }
  return total;
}

/** CPU seconds used so far by another process (all its threads; not its children). */
export function pidCpuSeconds(pid: number): number {
  return times(pid).own;
}

/** CPU seconds used so far by this process, all threads (PGlite runs in it). */
export function processCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

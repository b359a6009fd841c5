/** What the figures were measured on, and the resident memory of a process. */
import { cpus, loadavg, totalmem, release, platform } from 'node:os';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { mib } from './stats.js';

export function machineLine(): string {
  const list = cpus();
  const model = list[0]?.model.trim() ?? 'unknown cpu';
  return `${model}, ${list.length} cores, ${mib(totalmem())} RAM, ${platform()} ${release()}, Node ${process.version}`;
}

/** The load averages: other work on the machine moves every figure here. */
export function loadLine(): string {
  return `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (1, 5, 15 min)`;
}

/** Resident set size of a process in bytes (Linux /proc, else ps). */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    /* not Linux: ask ps */
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
}

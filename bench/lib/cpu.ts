/** CPU time of server processes, from /proc (Linux), to tell where a request's time goes. */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

interface Stat {
  pid: number;
  ppid: number;
  pgrp: number;
  cpuMs: number;
  rssKiB: number;
}

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces; fields after it are fixed.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const rssPages = Number(fields[21]);
    return {
      pid,
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND,
      rssKiB: rssPages * 4,
    };
  } catch {
    return null;
  }
}

function allStats(): Stat[] {
  const stats: Stat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** Processes of a process group (e.g. wrangler dev and its workerd). */
export function groupPids(pgid: number): number[] {
  return allStats()
    .filter((s) => s.pgrp === pgid)
    .map((s) => s.pid);
}

/** Direct children of a process (e.g. the workerd Miniflare starts). */
export function childPids(ppid = process.pid): number[] {
  return allStats()
    .filter((s) => s.ppid === ppid)
    .map((s) => s.pid);
}

/** A process and all its descendants. */
export function treePids(root: number): number[] {
  const stats = allStats();
  const out = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of stats)
      if (!out.has(s.pid) && out.has(s.ppid)) {
        out.add(s.pid);
        grew = true;
      }
  }
  return [...out];
}

export function cpuMs(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (readStat(pid)?.cpuMs ?? 0), 0);
}

export function rssKiB(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (readStat(pid)?.rssKiB ?? 0), 0);
}

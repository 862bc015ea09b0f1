/** CPU time and memory of server processes, from /proc (Linux), to tell where a request's time goes. */
import { readdirSync, readFileSync } from 'node:fs';

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
    // The command name may contain spaces; the fields after it are fixed (utime, stime in 1/100 s).
    const f = text
      .slice(text.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const [ppid = 0, pgrp = 0] = [f[1], f[2]];
    return { pid, ppid, pgrp, cpuMs: ((f[11] ?? 0) + (f[12] ?? 0)) * 10, rssKiB: (f[21] ?? 0) * 4 };
  } catch {
    return null;
  }
}

function allStats(): Stat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => readStat(Number(name)) ?? []);
}

/** Processes of a process group (e.g. wrangler dev and its workerd). */
export const groupPids = (pgid: number) => allStats().flatMap((s) => (s.pgrp === pgid ? [s.pid] : []));

/** Direct children of a process (e.g. the workerd Miniflare starts). */
export const childPids = (ppid = process.pid) => allStats().flatMap((s) => (s.ppid === ppid ? [s.pid] : []));

/** A process and all its descendants. */
export function treePids(root: number): number[] {
  const stats = allStats();
  const out = new Set([root]);
  for (let size = 0; size !== out.size;) {
    size = out.size;
    for (const s of stats) if (out.has(s.ppid)) out.add(s.pid);
  }
  return [...out];
}

export const cpuMs = (pids: readonly number[]) =>
  pids.reduce((sum, pid) => sum + (readStat(pid)?.cpuMs ?? 0), 0);
export const rssKiB = (pids: readonly number[]) =>
  pids.reduce((sum, pid) => sum + (readStat(pid)?.rssKiB ?? 0), 0);

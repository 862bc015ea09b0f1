/** CPU time and memory of server processes, from /proc (Linux), to tell where a request's time goes. */
import { readdirSync, readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat after the command name (which may contain spaces); [] once it is gone. */
function stat(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2);
    return fields.split(' ').map(Number);
  } catch {
    return [];
  }
}
/** In stat(): parent, process group, user and system CPU time (1/100 s), resident pages (4 KiB). */
const [PPID, PGRP, UTIME, STIME, RSS] = [1, 2, 11, 12, 21] as const;

const allPids = () => readdirSync('/proc').flatMap((name) => (/^\d+$/.test(name) ? [Number(name)] : []));
/** Processes of a process group: a child the harness started (its own group) and its descendants. */
export const groupPids = (pgid: number) => allPids().filter((pid) => stat(pid)[PGRP] === pgid);
/** Direct children of a process (e.g. the workerd Miniflare starts). */
export const childPids = (ppid = process.pid) => allPids().filter((pid) => stat(pid)[PPID] === ppid);

const sum = (pids: readonly number[], of: (fields: number[]) => number) =>
  pids.reduce((total, pid) => total + of(stat(pid)), 0);
export const cpuMs = (pids: readonly number[]) => sum(pids, (f) => ((f[UTIME] ?? 0) + (f[STIME] ?? 0)) * 10);
export const rssKiB = (pids: readonly number[]) => sum(pids, (f) => (f[RSS] ?? 0) * 4);

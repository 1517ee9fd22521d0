import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** The machine a run happened on, for the report. */
export function describeMachine() {
  let cpu = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    cpu = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? cpu;
  } catch {}
  return {
    cpu,
    cores: cpus().length,
    ramGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** The machine's CPU time so far, in ticks: idle (with iowait) and in all. */
function cpuTimes() {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
  const values = fields.map(Number);
  // idle + iowait
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { idle, total: values.reduce((sum, v) => sum + v, 0) };
}

/** The machine's busy CPU time so far, in ticks (all cores). */
export function busyTicks() {
  const { idle, total } = cpuTimes();
  return total - idle;
}

/** Share (0..1) of the machine's CPU time that was busy over the next `ms`. */
export async function cpuBusy(ms = 1000) {
  const before = cpuTimes();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = cpuTimes();
  const total = after.total - before.total;
  return total > 0 ? 1 - (after.idle - before.idle) / total : 0;
}

/**
 * Waits (up to `limitMs`) until the machine is quiet, less than `threshold` of its CPU
 * busy over a second, so that another job on a shared host does not land in one run and
 * not the next. Resolves with the last share seen (the report shows it).
 */
export async function waitForQuiet({ threshold = 0.1, limitMs = 120_000 } = {}) {
  const deadline = Date.now() + limitMs;
  let busy = await cpuBusy();
  while (busy >= threshold && Date.now() < deadline) busy = await cpuBusy();
  return busy;
}

/** USER_HZ: /proc reports CPU time in these ticks a second. */
export const TICKS = 100;

/**
 * CPU ticks of a process: utime + stime, and with `withChildren` also the children it has
 * waited for (cutime + cstime: such as a finished wrk). 0 when it is gone.
 */
export function processTicks(pid, withChildren = false) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    return withChildren ? own + Number(fields[13]) + Number(fields[14]) : own;
  } catch {
    return 0;
  }
}

/**
 * Starts watching the CPU while a run goes on: `stop()` says how many cores the server
 * (`pid`) used on average, and how many everything else on the machine did besides the
 * server, this bench and the load generators it started and waited for (another job on a
 * shared host: the run is disturbed when that is more than a fraction of a core).
 */
export function watchCpu(pid) {
  const started = Date.now();
  const machine = cpuTimes();
  const server = pid ? processTicks(pid) : 0;
  const bench = processTicks(process.pid, true);
  return () => {
    const seconds = (Date.now() - started) / 1000;
    const after = cpuTimes();
    const busy = after.total - after.idle - (machine.total - machine.idle);
    const serverTicks = pid ? processTicks(pid) - server : 0;
    const benchTicks = processTicks(process.pid, true) - bench;
    const cores = (ticks) => ticks / TICKS / seconds;
    return {
      serverCores: cores(serverTicks),
      foreignCores: Math.max(0, cores(busy - serverTicks - benchTicks)),
    };
  };
}

/** A field of /proc/<pid>/status (VmRSS, VmHWM), in kB. */
export function statusKb(pid, field) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

// The PostgreSQL bench: CPU and memory of the processes measured, and number formats.
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  busyTicks,
  processTicks,
  TICKS,
  waitForQuiet as waitForQuietMachine,
} from '../machine.mjs';
import { fmt } from '../stats.mjs';
import { plan } from './setup.mjs';

// The SQLite bench's number format, for figures read side by side.
export { fmt };

// ---------------------------------------------------------------------------------------
// CPU and memory of the processes measured

/**
 * CPU ticks of a PostgreSQL server: the postmaster with the backends it reaped, plus its
 * live children (backends, checkpointer, WAL writer, ...).
 * @param {number} postmaster
 */
function postgresTicks(postmaster) {
  let ticks = processTicks(postmaster, true);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const fields = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return ticks;
}

/**
 * Starts watching the CPU; the function returned says how many cores the server, PostgreSQL
 * and everything else on the machine (other jobs: not this bench, its load generator, the
 * server or PostgreSQL) used on average meanwhile.
 * @param {{ serverPid?: number, postmaster?: number }} who
 */
export function watchCpu({ serverPid, postmaster }) {
  const started = performance.now();
  const machine = busyTicks();
  const server = serverPid ? processTicks(serverPid) : 0;
  const database = postmaster ? postgresTicks(postmaster) : 0;
  const bench = processTicks(process.pid, true);
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const cores = (/** @type {number} */ ticks) => ticks / TICKS / seconds;
    const serverTicks = serverPid ? processTicks(serverPid) - server : 0;
    const databaseTicks = postmaster ? postgresTicks(postmaster) - database : 0;
    const benchTicks = processTicks(process.pid, true) - bench;
    const busy = busyTicks() - machine;
    return {
      serverCores: cores(serverTicks),
      postgresCores: cores(databaseTicks),
      foreignCores: Math.max(0, cores(busy - serverTicks - databaseTicks - benchTicks)),
    };
  };
}

/**
 * Waits (up to the plan's limit) until less than 15 % of the machine's CPU is busy over a
 * second: other jobs on a shared host must not land in one target's run and not another's.
 */
export const waitForQuiet = () =>
  waitForQuietMachine({ threshold: 0.15, limitMs: plan.quietLimitMs });

/** @param {number} ratio */
export const pct = (ratio) => `${fmt(100 * ratio)} %`;
/** @param {number} ms */
export const ms = (ms) => `${fmt(ms, 2)} ms`;
/** @param {number} kb */
export const mb = (kb) => `${fmt(kb / 1024)} MB`;

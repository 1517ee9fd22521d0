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

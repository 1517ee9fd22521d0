// Podman's settings on machines of this kind, in /etc/containers/containers.conf: the runc
// runtime (crun refuses the hybrid cgroup v1/v2 layout) and default ulimits no higher than
// this host's hard limits (podman's defaults are higher, and runc then fails to set them).
// Settings the operator already has are kept, and said so.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const CONTAINERS_CONF = '/etc/containers/containers.conf';

const hardNofile = () => execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();

/** The settings podman needs here: [table, key, TOML value]. */
export function neededSettings(nofile = hardNofile()) {
  const limit = nofile === 'unlimited' ? '1048576' : nofile;
  return [
    ['engine', 'runtime', '"runc"'],
    ['containers', 'default_ulimits', `["nofile=${limit}:${limit}", "nproc=32768:32768"]`],
  ];
}

/** The line range [start, end) of `[table]` in a TOML text's lines, or null. */
function tableRange(lines, table) {
  const start = lines.findIndex((line) => line.trim() === `[${table}]`);
  if (start < 0) return null;
  let end = start + 1;
  while (end < lines.length && !/^\s*\[/.test(lines[end])) end++;
  return [start, end];
}

/**
 * Adds each needed setting the text lacks, under its table (appended when the table is
 * missing); returns the new text and, per setting, whether it was added or kept.
 */
export function withSettings(text, settings) {
  const lines = text.split('\n');
  const report = [];
  for (const [table, key, value] of settings) {
    const range = tableRange(lines, table);
    const setting = new RegExp(`^\\s*${key}\\s*=`);
    const existing = range && lines.slice(...range).find((line) => setting.test(line));
    if (existing) {
      report.push(`kept [${table}] ${existing.trim()}`);
      continue;
    }
    if (range) lines.splice(range[0] + 1, 0, `${key} = ${value}`);
    else lines.push('', `[${table}]`, `${key} = ${value}`);
    report.push(`added [${table}] ${key} = ${value}`);
  }
  return { text: lines.join('\n'), report };
}

/** Writes the settings podman needs into containers.conf, keeping the operator's. */
export function configurePodman(say, file = CONTAINERS_CONF) {
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const header = before ? '' : '# Written by clm-pixel scripts/container-smoke.mjs.\n';
  const { text, report } = withSettings(header + before, neededSettings());
  for (const line of report) say(`${file}: ${line}`);
  if (text === header + before) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}

import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export { spawnReady } from '../../scripts/lib/spawn-ready.mjs';

/**
 * The environment of a newcomer's shell: PATH and HOME, none of the caller's collector
 * variables (CLM_*, ONRAMP_BASE_URL, PORT, HOST), plus `extra`.
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const keep = Object.entries(process.env).filter(
    ([name, value]) =>
      value !== undefined && !/^(CLM_|ONRAMP_BASE_URL$|PORT$|HOST$|DEMO_)/.test(name),
  ) as [string, string][];
  return { ...Object.fromEntries(keep), ...extra };
}

/** Runs `command` in bash, as pasted into a terminal; resolves with its exit and output. */
export function runInBash(
  command: string,
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${command}\n${stdout}${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Whether a process is still running (a zombie waiting for its parent counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // Field 3 of /proc/<pid>/stat is the state; Z is a zombie.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

// One column of `ps` for each child of a process.
function psChildren(pid: number, column: 'pid' | 'args'): string[] {
  try {
    return execFileSync('ps', ['-o', `${column}=`, '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** The pids of a process's children. */
export const childrenOf = (pid: number): number[] =>
  psChildren(pid, 'pid')
    .map(Number)
    .filter((n) => n > 0);

/** The command lines of a process's children, as `ps` shows them to any user. */
export const commandLinesOf = (pid: number): string[] => psChildren(pid, 'args');

/** A port nobody listens on right now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  return typeof address === 'object' && address !== null ? address.port : 0;
}

// Commands the container checks run, and the timings they print at the end.
import { spawn } from 'node:child_process';

export const timings = [];

/** Prints one line with the given prefix, so interleaved CI output says who spoke. */
export const sayer = (prefix) => (message) => console.log(`[${prefix}] ${message}`);

/**
 * Runs a command to its end and resolves with its stdout; rejects with its output unless
 * it exits 0. `inherit` streams the output instead (long builds show their progress).
 */
export function run(command, args, { inherit = false, env, cwd, allowFail = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: env ?? process.env,
      stdio: ['ignore', inherit ? 'inherit' : 'pipe', inherit ? 'inherit' : 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 || allowFail) resolve({ code, stdout, stderr });
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${stdout}${stderr}`));
    });
  });
}

/** Runs `work`, recording how long it took under `label`. */
export async function timed(label, work) {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings.push([label, performance.now() - start]);
  }
}

/**
 * Runs a check's `main`: on failure prints why, then `onFailure` (logs worth reading), and
 * exits 1; in every case `cleanup` runs and the timings are printed.
 */
export async function runCheck(prefix, main, { ok, onFailure, cleanup }) {
  const say = sayer(prefix);
  const start = performance.now();
  try {
    await main();
    say(`ok: ${ok}`);
  } catch (error) {
    process.exitCode = 1;
    console.error(`[${prefix}] FAILED: ${error instanceof Error ? error.message : error}`);
    await onFailure();
  } finally {
    await cleanup();
    timings.push(['total', performance.now() - start]);
    for (const [label, ms] of timings) say(`${(ms / 1000).toFixed(1).padStart(6)} s  ${label}`);
  }
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Polls `condition` until it returns something truthy, at most `timeoutMs`. */
export async function waitFor(condition, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until `url` answers 2xx (a refused connection counts as not yet). */
export const waitForOk = (url, timeoutMs) =>
  waitFor(
    () =>
      fetch(url).then(
        (res) => res.ok,
        () => false,
      ),
    url,
    timeoutMs,
  );

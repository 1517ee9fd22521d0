// Starts a process and waits for the output that says it is ready: the one way the e2e
// tests, the benches, the demo and the pack smoke test start a server. Plain JavaScript so
// that node runs it as is; its types are in spawn-ready.d.mts.
import { spawn } from 'node:child_process';

/**
 * Spawns `command` with `args` and resolves once its output (stdout and stderr, as they
 * arrive) matches `options.ready`, and then `options.probe` (a URL) answers 2xx. If it
 * exits first, cannot be spawned, or is not ready within `timeoutMs`, it is stopped and the
 * promise rejects with what it printed.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {import('./spawn-ready.d.mts').SpawnReadyOptions} options
 * @returns {Promise<import('./spawn-ready.d.mts').Ready>}
 */
export async function spawnReady(command, args, options) {
  const {
    ready,
    probe,
    name = command,
    timeoutMs = 60_000,
    stopTimeoutMs = 15_000,
    keepChars,
    onOutput,
    onSpawn,
    ...spawnOptions
  } = options;
  const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
  onSpawn?.(child);
  let output = '';
  let failure;
  // Settles once, whichever comes: exit, or an error that means there is no process to wait for.
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve([code, signal]));
    child.once('error', (error) => {
      failure = error;
      if (child.pid === undefined) resolve([null, null]);
    });
  });
  const stop = async (signal = 'SIGTERM') => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };
  const found = new Promise((resolve, reject) => {
    let done = false;
    const finish = (error, match) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      error ? reject(error) : resolve(match);
    };
    const timer = setTimeout(
      () => finish(new Error(`${name} was not ready within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const look = (stream) => (chunk) => {
      const text = chunk.toString();
      onOutput?.(text, stream);
      output += text;
      // A server that logs every request: only the tail is kept, where its last lines are.
      if (keepChars !== undefined) output = output.slice(-keepChars);
      if (done) return;
      const match = typeof ready === 'function' ? ready(output) : ready.exec(output);
      if (match) finish(undefined, match);
    };
    child.stdout.on('data', look('stdout'));
    child.stderr.on('data', look('stderr'));
    // Without a line to wait for, the probe alone tells.
    if (ready === undefined) finish(undefined, /(?:)/.exec(''));
    exited.then(([code, signal]) => {
      const why = failure ? failure.message : `exited (${code ?? signal})`;
      finish(new Error(`${name} ${why} before it was ready:\n${output}`));
    });
  });
  const deadline = Date.now() + timeoutMs;
  try {
    const match = await found;
    if (probe !== undefined) {
      await answered(probe, deadline, () => child.exitCode ?? child.signalCode).catch((error) => {
        throw new Error(`${name} ${error.message}:\n${output}`);
      });
    }
    return { child, match, output: () => output, exited, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

// Polls `url` every 50 ms until it answers 2xx; throws once `gone()` says the process
// exited, or at `deadline`.
async function answered(url, deadline, gone) {
  for (;;) {
    if (gone() !== null) throw new Error(`exited (${gone()}) before ${url} answered`);
    if (Date.now() > deadline) throw new Error(`${url} did not answer in time`);
    const ok = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

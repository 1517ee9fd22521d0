// Every child process and server the bench starts is registered here, so an error, a
// signal or the overall time limit stops all of them: nothing outlives the run.
const cleanups = new Set();

/** Registers `stop`, run once when the bench ends for any reason; returns an unregister. */
export function onExit(stop) {
  cleanups.add(stop);
  return () => cleanups.delete(stop);
}

/** Runs every registered cleanup (best effort, in parallel). */
export async function cleanupAll() {
  const pending = [...cleanups];
  cleanups.clear();
  await Promise.allSettled(pending.map((stop) => stop()));
}

/** Kills children on exit and on SIGINT/SIGTERM, and aborts the run after `limitMs`. */
export function installGuards(limitMs) {
  const timer = setTimeout(async () => {
    console.error(`[bench] time limit of ${limitMs / 1000} s reached, stopping`);
    await cleanupAll();
    process.exit(2);
  }, limitMs);
  timer.unref();
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, async () => {
      await cleanupAll();
      process.exit(130);
    });
  }
}

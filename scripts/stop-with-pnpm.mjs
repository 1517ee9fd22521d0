// Preloaded into the collector by the root `pnpm start` (`node --import`), which `exec`s
// node so that pnpm's SIGTERM reaches the collector itself. (Without `exec`, pnpm signals
// the `sh` it runs scripts with; dash dies without passing the signal on, pnpm exits
// "ELIFECYCLE" and the collector keeps running, still answering on its port.) This module
// covers the rest: when pnpm goes away without signalling (SIGKILL, a crash, an older
// pnpm), the collector is re-parented, sees its parent change and sends itself the SIGTERM
// it missed, then stops as it always does: it stops accepting, finishes what is in flight
// and closes the store.
const pnpm = process.ppid;
let signalled = false;

// The collector stops on its first SIGTERM or SIGINT and dies at once on the next one. On a
// terminal, Ctrl+C sends SIGINT to the whole process group and pnpm passes its own on as
// well: the same signal twice within a moment is one request, so the repeat is absorbed;
// a Ctrl+C pressed later still stops it at once.
const REPEAT_MS = 1000;
const absorb = () => {};
const noted = (signal) => {
  signalled = true;
  process.off('SIGTERM', noted);
  process.off('SIGINT', noted);
  // Before the collector listens for signals (start-up), the default still applies: exit.
  if (process.listenerCount(signal) === 0) return process.kill(process.pid, signal);
  process.on('SIGTERM', absorb);
  process.on('SIGINT', absorb);
  setTimeout(() => {
    process.off('SIGTERM', absorb);
    process.off('SIGINT', absorb);
  }, REPEAT_MS).unref();
};
process.on('SIGTERM', noted);
process.on('SIGINT', noted);

const watch = setInterval(() => {
  if (signalled) return clearInterval(watch);
  if (process.ppid === pnpm) return;
  clearInterval(watch);
  process.stderr.write(`[start] pnpm (pid ${pnpm}) has exited: stopping the collector\n`);
  signalled = true;
  process.off('SIGTERM', noted);
  process.off('SIGINT', noted);
  process.kill(process.pid, 'SIGTERM');
}, 200);
// Never what keeps the process alive.
watch.unref();
